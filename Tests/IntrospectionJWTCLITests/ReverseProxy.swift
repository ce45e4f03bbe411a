import Foundation
import Glibc
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// nginx or Caddy, run with the configuration snippet of `docs/forward-auth.md` as it is written there,
/// only its three addresses changed to ephemeral ports on 127.0.0.1.
final class ReverseProxy: @unchecked Sendable {
    enum Kind: String, Sendable, CustomStringConvertible {
        case nginx
        case caddy

        /// The info string of the snippet's fenced block in the documentation.
        var fence: String { self == .nginx ? "nginx" : "caddyfile" }

        var description: String { rawValue }

        /// The executable, when installed.
        var executable: String? {
            for directory in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"] {
                let path = directory + "/" + rawValue
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
            return nil
        }

        /// What to install when it is missing.
        var installHint: String {
            self == .nginx ? "apt-get install nginx libnginx-mod-http-headers-more-filter" : "apt-get install caddy"
        }

        /// Whether the tests with this proxy run: always in CI (`CI=true`, where a missing proxy fails
        /// them), elsewhere only when it is installed.
        var shouldRun: Bool { ReverseProxy.inCI || executable != nil }
    }

    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Which snippet of the documentation: the plain HTTP one, or the one that terminates TLS and passes
    /// the client certificate on (```` ```nginx mtls ````, ```` ```caddyfile mtls ````).
    enum Variant: Sendable {
        case plain
        case tls

        /// The info string's suffix.
        var fenceSuffix: String { self == .tls ? " mtls" : "" }

        /// Where the snippet has the proxy listen (`host:port`): the host stays, the port is replaced.
        func documentedProxyAddress(_ kind: Kind) -> String {
            switch (self, kind) {
            case (.plain, _): ReverseProxy.documentedAddresses.proxy
            case (.tls, .nginx): "127.0.0.1:8443"
            case (.tls, .caddy): "localhost:8443"
            }
        }

        /// The certificate files the TLS snippets name, and the test files that stand in for them.
        func certificateFiles(_ kind: Kind) -> [(documented: String, actual: String)] {
            guard self == .tls else { return [] }
            let folder = "/etc/\(kind.rawValue)/tls/"
            return [
                (folder + "server.pem", MTLSFixtures.path("server")),
                (folder + "server-key.pem", MTLSFixtures.path("server-key")),
                (folder + "client-ca.pem", MTLSFixtures.path("ca")),
            ]
        }
    }

    /// The addresses the snippets are written with: the proxy, the application, `forward-auth`.
    static let documentedAddresses = (proxy: "127.0.0.1:8000", upstream: "127.0.0.1:8080", forwardAuth: "127.0.0.1:9090")

    /// `docs/forward-auth.md`.
    static let documentation = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/forward-auth.md")

    /// The one fenced block of `kind` (and `variant`) in the documentation, verbatim.
    static func snippet(_ kind: Kind, variant: Variant = .plain) throws -> String {
        let text = try String(contentsOf: documentation, encoding: .utf8)
        let fence = kind.fence + variant.fenceSuffix
        let blocks = text.components(separatedBy: "\n```" + fence + "\n").dropFirst()
        #expect(blocks.count == 1, "docs/forward-auth.md should have exactly one ```\(fence) block")
        let block = try #require(blocks.first?.components(separatedBy: "\n```").first)
        return block + "\n"
    }

    let kind: Kind
    let process: Process
    let directory: TemporaryDirectory
    /// `http://127.0.0.1:<port>`, or `https://localhost:<port>` for the TLS snippets.
    let baseURL: String

    private init(kind: Kind, process: Process, directory: TemporaryDirectory, baseURL: String) {
        self.kind = kind
        self.process = process
        self.directory = directory
        self.baseURL = baseURL
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Starts `kind` with its documented snippet (of `variant`) in front of `upstream` (an
    /// `http://127.0.0.1:<port>` URL) and `forwardAuth` (the same), and waits until it accepts connections.
    static func start(_ kind: Kind, variant: Variant = .plain, upstream: String, forwardAuth: String) async throws -> ReverseProxy {
        let executable = try #require(kind.executable, "\(kind) is not installed (CI=true): \(kind.installHint)")
        let directory = try TemporaryDirectory()
        let port = try FreePort.find()
        var snippet = try snippet(kind, variant: variant)
        let proxyAddress = variant.documentedProxyAddress(kind)
        let proxyHost = String(proxyAddress.prefix { $0 != ":" })
        for (documented, actual) in [
            (proxyAddress, "\(proxyHost):\(port)"),
            (documentedAddresses.upstream, String(upstream.dropFirst("http://".count))),
            (documentedAddresses.forwardAuth, String(forwardAuth.dropFirst("http://".count))),
        ] + variant.certificateFiles(kind) {
            #expect(snippet.contains(documented), "the \(kind) snippet no longer names \(documented)")
            snippet = snippet.replacingOccurrences(of: documented, with: actual)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        let root = directory.url.path
        switch kind {
        case .nginx:
            try directory.write("site.conf", snippet)
            let module = headersMoreModule().map { "load_module \($0);\n" } ?? ""
            try directory.write("nginx.conf", """
                \(module)daemon off;
                worker_processes 1;
                pid \(root)/nginx.pid;
                error_log \(root)/error.log warn;
                events { worker_connections 512; }
                http {
                    access_log off;
                    client_body_temp_path \(root)/body;
                    proxy_temp_path \(root)/proxy;
                    fastcgi_temp_path \(root)/fastcgi;
                    uwsgi_temp_path \(root)/uwsgi;
                    scgi_temp_path \(root)/scgi;
                    include \(root)/site.conf;
                }

                """)
            process.arguments = ["-c", "\(root)/nginx.conf", "-p", root + "/", "-e", "\(root)/error.log"]
        case .caddy:
            try directory.write("Caddyfile", "{\n\tadmin off\n\tauto_https off\n}\n\n" + snippet)
            process.arguments = ["run", "--config", "\(root)/Caddyfile", "--adapter", "caddyfile"]
            process.environment = ["HOME": root, "XDG_DATA_HOME": root, "XDG_CONFIG_HOME": root, "PATH": "/usr/bin:/bin"]
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: try directory.write("stdout", "")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: try directory.write("stderr", "")))
        try process.run()
        let baseURL = variant == .tls ? "https://\(proxyHost):\(port)" : "http://127.0.0.1:\(port)"
        let proxy = ReverseProxy(kind: kind, process: process, directory: directory, baseURL: baseURL)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline, !FreePort.accepts(port) {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard process.isRunning, FreePort.accepts(port) else {
            let log = [proxy.log("stderr"), proxy.log("error.log")].joined(separator: "\n")
            Issue.record("\(kind) did not start: \(log)")
            throw CancellationError()
        }
        return proxy
    }

    /// A file the proxy wrote into its directory.
    func log(_ name: String) -> String {
        (try? String(contentsOf: directory.url.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Stops the proxy (SIGTERM) and waits for it.
    func stop() async throws {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        if try await !process.exits(within: .seconds(10)) { kill(process.processIdentifier, SIGKILL) }
    }

    /// Debian's headers-more module, when nginx loads it dynamically.
    static func headersMoreModule() -> String? {
        ["/usr/lib/nginx/modules", "/usr/lib64/nginx/modules", "/usr/share/nginx/modules"]
            .map { $0 + "/ngx_http_headers_more_filter_module.so" }
            .first { FileManager.default.fileExists(atPath: $0) }
    }
}

/// Ephemeral ports on 127.0.0.1 for programs that cannot be told to pick one (nginx, Caddy).
enum FreePort {
    /// A port the kernel just handed out for 127.0.0.1 and that is free again.
    static func find() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(socket) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts connections on 127.0.0.1:`port`.
    static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

/// An upstream application that answers every request with the header fields it received, as JSON
/// pairs (`[["X-Auth-Subject","alice"], ...]`).
enum EchoUpstream {
    static func start() async throws -> TestHTTPServer {
        try await TestHTTPServer.start { request in
            let pairs = request.headers.map { JSONValue.array([.string($0.name), .string($0.value)]) }
            return .json(JSONWriter.string(for: .object(JSONObject(members: [
                .init(name: "method", value: .string(request.method)),
                .init(name: "path", value: .string(request.path)),
                .init(name: "headers", value: .array(pairs)),
            ]))))
        }
    }

    /// The header fields an echo answer lists, by lowercased name.
    static func fields(_ body: String) throws -> [String: [String]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let pairs = try #require(object["headers"] as? [[String]])
        var fields: [String: [String]] = [:]
        for pair in pairs where pair.count == 2 { fields[pair[0].lowercased(), default: []].append(pair[1]) }
        return fields
    }
}
