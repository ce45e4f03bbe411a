import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing

/// A running `introspection-jwt forward-auth`: the real binary, started the way a deployment starts it,
/// with its start-up line read from standard output.
final class ForwardAuthProcess: @unchecked Sendable {
    /// The client the CLI tests register at the local authorization server.
    static let client = LocalAuthorizationServer.Client(id: "forward-auth-rs", secret: "fa-secret %+&")

    let process: Process
    let scratch: TemporaryDirectory
    let outputPath: String
    let errorPath: String
    /// `http://127.0.0.1:<port>`, from the start-up line.
    let baseURL: String

    private init(process: Process, scratch: TemporaryDirectory, outputPath: String, errorPath: String, baseURL: String) {
        self.process = process
        self.scratch = scratch
        self.outputPath = outputPath
        self.errorPath = errorPath
        self.baseURL = baseURL
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The arguments for `server` (discovery from its issuer, the CLI tests' client) and `extra`.
    static func arguments(_ server: LocalAuthorizationServer, _ extra: [String] = []) -> [String] {
        ["forward-auth", "--issuer", server.issuer, "--client-id", client.id, "--listen", "127.0.0.1:0"] + extra
    }

    /// Starts the binary with `arguments` and the client secret in its environment, and waits (at most
    /// 60 s) for its start-up line; fails the test when it exits first.
    static func start(
        _ arguments: [String],
        secret: String? = client.secret,
        environment extra: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ForwardAuthProcess {
        let scratch = try TemporaryDirectory()
        let outputPath = try scratch.write("stdout", "")
        let errorPath = try scratch.write("stderr", "")
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["INTROSPECTION_CLIENT_SECRET"] = secret
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        var output = ""
        while process.isRunning, !output.hasSuffix("\n"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            output = try String(contentsOfFile: outputPath, encoding: .utf8)
        }
        guard let match = output.firstMatch(of: /^listening on (http:\/\/127\.0\.0\.1:[0-9]+)\n/) else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            Issue.record("forward-auth did not start: stdout \(output.debugDescription), stderr \(errors)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return ForwardAuthProcess(process: process, scratch: scratch, outputPath: outputPath, errorPath: errorPath, baseURL: String(match.1))
    }

    /// Starts forward-auth for `server` with `extra` options, runs `body`, then stops it with SIGTERM and
    /// expects exit status 0.
    static func with<T>(
        _ server: LocalAuthorizationServer,
        _ extra: [String] = [],
        environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: (ForwardAuthProcess) async throws -> T
    ) async throws -> T {
        let forwardAuth = try await start(arguments(server, extra), environment: environment, sourceLocation: sourceLocation)
        let result: T
        do {
            result = try await body(forwardAuth)
        } catch {
            forwardAuth.signal(SIGKILL)
            throw error
        }
        forwardAuth.signal(SIGTERM)
        let status = try await forwardAuth.waitForExit()
        #expect(status == 0, "forward-auth exited with \(status): \(forwardAuth.standardError)", sourceLocation: sourceLocation)
        return result
    }

    /// Everything printed to standard output so far.
    var standardOutput: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    /// Everything printed to standard error so far.
    var standardError: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` to the process.
    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Waits (at most 30 s) for the process to exit, without holding a thread of the cooperative pool;
    /// returns its exit status (-1 if it did not exit).
    func waitForExit() async throws -> Int32 {
        guard try await process.exits(within: .seconds(30)) else { return -1 }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// One HTTP answer.
    struct Answer: Sendable {
        let status: Int
        let headers: HTTPFields
        let body: String

        func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
        func values(_ name: String) -> [String] { headers[values: HTTPField.Name(name)!] }
        /// The body as a JSON object.
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] }
        /// Every header value and the body, for checks that a token appears nowhere.
        var everything: String { headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n" + body }
    }

    /// Sends a request to `path` with `fields` (an `Authorization` of `Bearer <token>` when `token` is given).
    func send(_ path: String = "/auth", method: HTTPRequest.Method = .get, token: String? = nil, fields: [(String, String)] = []) async throws -> Answer {
        try await Self.send(baseURL + path, method: method, token: token, fields: fields)
    }

    static let transport = AsyncHTTPClientTransport()

    /// Sends a request to `url` (through `transport`: the shared plain one by default).
    static func send(
        _ url: String,
        method: HTTPRequest.Method = .get,
        token: String? = nil,
        fields: [(String, String)] = [],
        transport: AsyncHTTPClientTransport = transport
    ) async throws -> Answer {
        var request = try #require(HTTPRequest(method: method, urlString: url, headerFields: [:]))
        if let token { request.headerFields.append(HTTPField(name: .authorization, value: "Bearer \(token)")) }
        for (name, value) in fields { request.headerFields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let answer = try await transport.send(request, body: nil, timeout: .seconds(30), maximumBodyByteCount: 1 << 20)
        return Answer(status: answer.response.status.code, headers: answer.response.headerFields, body: String(decoding: answer.body, as: UTF8.self))
    }
}

extension Process {
    /// Waits at most `limit` for the process to exit, without holding a thread of the cooperative pool;
    /// whether it did.
    func exits(within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return !isRunning
    }
}
