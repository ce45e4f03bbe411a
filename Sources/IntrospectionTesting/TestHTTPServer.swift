import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A real HTTP/1.1 server on `127.0.0.1`, on an ephemeral port, inside the test process (the pattern of
/// async-http-client's `HTTPBin`). Every request is recorded before the handler runs, so tests can
/// assert how many requests the code under test made, whatever the handler answered.
///
/// With ``TLS`` settings it serves HTTPS (swift-nio-ssl) and may ask clients for a certificate, which
/// the handler finds in ``Request/clientCertificate`` and judges itself.
///
/// ```swift
/// let server = try await TestHTTPServer.start { request in .json(#"{"keys":[]}"#) }
/// try await server.shuttingDown { server in
///     ... fetch server.baseURL + "/jwks" ...
///     #expect(server.requestCount(path: "/jwks") == 1)
/// }
/// ```
public final class TestHTTPServer: StoppableServer {
    /// A request as the server received it.
    public struct Request: Sendable {
        /// The method (`GET`, `POST`, ...).
        public let method: String
        /// The request target: the path with its query, if any (`/jwks?x=1`).
        public let path: String
        /// The header fields in received order.
        public let headers: [(name: String, value: String)]
        /// The body.
        public let body: [UInt8]
        /// The certificate the client presented on the TLS connection, when the server asked for one
        /// (``TLS/requestsClientCertificate``) and got one. It is accepted as it is at the TLS layer:
        /// checking it (its issuer, validity, subject) is the handler's work.
        public var clientCertificate: TestCertificate? = nil

        /// The path without its query.
        public var pathWithoutQuery: String {
            String(path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }

        /// The value of the header field `name` (case-insensitive); repeated fields joined by ", ".
        public func header(_ name: String) -> String? {
            let values = headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
            return values.isEmpty ? nil : values.joined(separator: ", ")
        }
    }

    /// What the server answers.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// The header fields. `Content-Length` is added unless present or ``omitsContentLength`` is set.
        public var headers: [(name: String, value: String)]
        /// The body.
        public var body: [UInt8]
        /// A pause before the response head is written (a slow or hanging server).
        public var delay: Duration?
        /// Writes the body in chunks of `chunkSize` bytes with `interval` between them (a slow body).
        public var drip: (chunkSize: Int, interval: Duration)?
        /// Sends the body chunked, without `Content-Length`, so the size is known only while reading.
        public var omitsContentLength: Bool
        /// Closes the connection instead of answering.
        public var closesConnectionWithoutResponse: Bool

        /// Makes a response.
        public init(
            status: Int = 200,
            headers: [(name: String, value: String)] = [],
            body: [UInt8] = [],
            delay: Duration? = nil,
            drip: (chunkSize: Int, interval: Duration)? = nil,
            omitsContentLength: Bool = false,
            closesConnectionWithoutResponse: Bool = false
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
            self.drip = drip
            self.omitsContentLength = omitsContentLength
            self.closesConnectionWithoutResponse = closesConnectionWithoutResponse
        }

        /// A JSON body with `Content-Type: application/json` and any extra header fields.
        public static func json(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> Response {
            Response(status: status, headers: [(name: "Content-Type", value: "application/json")] + headers, body: Array(text.utf8))
        }

        /// A body of any media type.
        public static func text(_ text: String, contentType: String = "text/plain", status: Int = 200, headers: [(name: String, value: String)] = []) -> Response {
            Response(status: status, headers: [(name: "Content-Type", value: contentType)] + headers, body: Array(text.utf8))
        }

        /// A status with an empty body (`304`, `404`, `503`, ...).
        public static func status(_ status: Int, headers: [(name: String, value: String)] = []) -> Response {
            Response(status: status, headers: headers)
        }

        /// A redirect to `location`.
        public static func redirect(to location: String, status: Int = 302) -> Response {
            Response(status: status, headers: [(name: "Location", value: location)])
        }

        /// Closes the connection without answering.
        public static let hangUp = Response(closesConnectionWithoutResponse: true)
    }

    private struct State {
        var requests: [Request] = []
        var connections: [any Channel] = []
        var task: Task<Void, Never>?
        var isShutDown = false
        /// Requests being handled (from arrival to the end of the answer), and the most at once, by path.
        var inFlight: [String: Int] = [:]
        var peakInFlight: [String: Int] = [:]
    }

    /// How a server speaks TLS.
    public struct TLS: Sendable {
        /// The server's certificate, with its private key (``TestCertificateAuthority/issueLoopbackServerCertificate()``).
        public var certificate: TestCertificate
        /// Whether the server asks clients for a certificate (mutual TLS). A client may still send none.
        public var requestsClientCertificate: Bool

        /// Makes TLS settings.
        public init(certificate: TestCertificate, requestsClientCertificate: Bool = false) {
            self.certificate = certificate
            self.requestsClientCertificate = requestsClientCertificate
        }
    }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// The bound port.
    public let port: Int
    private let serverChannel: any Channel
    private let state = NIOLockedValueBox(State())
    private let handler: @Sendable (Request) async -> Response

    /// Whether the server speaks TLS.
    public let usesTLS: Bool

    /// `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` with TLS.
    public var baseURL: String { "\(usesTLS ? "https" : "http")://127.0.0.1:\(port)" }

    private init(port: Int, serverChannel: any Channel, usesTLS: Bool, handler: @escaping @Sendable (Request) async -> Response) {
        self.port = port
        self.serverChannel = serverChannel
        self.usesTLS = usesTLS
        self.handler = handler
    }

    /// Starts a server on `127.0.0.1` port 0 that answers every request with `handler`, over TLS when
    /// `tls` is given.
    public static func start(tls: TLS? = nil, handler: @escaping @Sendable (Request) async -> Response) async throws -> TestHTTPServer {
        let sslContext = try tls.map(makeSSLContext)
        let requestsCertificates = tls?.requestsClientCertificate ?? false
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        // Any client certificate passes the handshake; the handler decides what it is worth.
                        let handler = requestsCertificates
                            ? NIOSSLServerHandler(context: sslContext, customVerificationCallback: { _, promise in promise.succeed(.certificateVerified) })
                            : NIOSSLServerHandler(context: sslContext)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = listener.channel.localAddress?.port else {
            try? await listener.channel.close()
            throw ChannelError.unknownLocalAddress
        }
        let server = TestHTTPServer(port: port, serverChannel: listener.channel, usesTLS: tls != nil, handler: handler)
        // Served on threads of their own: CPU-bound tests elsewhere in the process cannot starve them.
        let task = Task(executorPreference: DedicatedThreadExecutor.shared) {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            server.state.withLockedValue { $0.connections.append(connection.channel) }
                            group.addTask { await server.serve(connection) }
                        }
                    }
                } catch {
                    // The listener was closed.
                }
            }
        }
        server.state.withLockedValue { $0.task = task }
        return server
    }

    /// The server side of TLS: the certificate and key, and with mutual TLS a certificate request that
    /// any certificate answers (or none).
    private static func makeSSLContext(_ tls: TLS) throws -> NIOSSLContext {
        guard let keyPEM = tls.certificate.privateKeyPEM else { throw NIOSSLError.failedToLoadPrivateKey }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(tls.certificate.chainPEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)))
        if tls.requestsClientCertificate {
            configuration.certificateVerification = .optionalVerification
            configuration.trustRoots = .certificates([])
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// How many requests arrived (complete heads and bodies).
    public var requestCount: Int {
        state.withLockedValue { $0.requests.count }
    }

    /// How many requests arrived for `path` (compared without the query).
    public func requestCount(path: String) -> Int {
        state.withLockedValue { $0.requests.filter { $0.pathWithoutQuery == path }.count }
    }

    /// The most requests for `path` (compared without the query) that were being handled at once, from
    /// arrival to the end of the answer.
    public func peakConcurrentRequests(path: String) -> Int {
        state.withLockedValue { $0.peakInFlight[path, default: 0] }
    }

    /// Every request so far, in arrival order.
    public var receivedRequests: [Request] {
        state.withLockedValue { $0.requests }
    }

    /// Waits until at least `count` requests (for `path`, when given) have arrived, or `timeout` passes.
    /// Returns whether the count was reached. For background work whose completion a test awaits.
    @discardableResult
    public func waitForRequests(_ count: Int, path: String? = nil, timeout: Duration = .seconds(5)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            let current = path.map { requestCount(path: $0) } ?? requestCount
            if current >= count { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Closes the listener and every open connection, and waits for the handlers to stop.
    public func shutdown() async throws {
        // Taking the task and the connections out of the state also breaks the cycle server -> task ->
        // server, so a stopped server is freed.
        let (task, connections, wasShutDown) = state.withLockedValue { state in
            defer {
                state.isShutDown = true
                state.task = nil
                state.connections = []
            }
            return (state.task, state.connections, state.isShutDown)
        }
        guard !wasShutDown else { return }
        try? await serverChannel.close()
        for connection in connections {
            connection.close(promise: nil)
        }
        task?.cancel()
        await task?.value
    }

    private func serve(_ connection: Connection) async {
        do {
            let usesTLS = self.usesTLS
            let channel = connection.channel
            try await connection.executeThenClose { inbound, outbound in
                var clientCertificate: TestCertificate?? = usesTLS ? nil : .some(nil)
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let received):
                        head = received
                        body = []
                    case .body(let buffer):
                        body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        if clientCertificate == nil {
                            // The handshake is over once a request has arrived: read the peer's certificate once.
                            let peer = try? await channel.nioSSL_peerCertificate().get()
                            clientCertificate = .some(peer.flatMap { try? $0.toDERBytes() }.flatMap(TestCertificate.init(der:)))
                        }
                        let request = Request(
                            method: requestHead.method.rawValue,
                            path: requestHead.uri,
                            headers: requestHead.headers.map { (name: $0.name, value: $0.value) },
                            body: body,
                            clientCertificate: clientCertificate ?? nil
                        )
                        let path = request.pathWithoutQuery
                        state.withLockedValue { state in
                            state.requests.append(request)
                            let current = state.inFlight[path, default: 0] + 1
                            state.inFlight[path] = current
                            state.peakInFlight[path] = max(state.peakInFlight[path, default: 0], current)
                        }
                        defer { state.withLockedValue { $0.inFlight[path, default: 1] -= 1 } }
                        let response = await handler(request)
                        if response.closesConnectionWithoutResponse { return }
                        if let delay = response.delay { try await Task.sleep(for: delay) }
                        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
                        if !response.omitsContentLength, !headers.contains(name: "Content-Length") {
                            headers.add(name: "Content-Length", value: String(response.body.count))
                        }
                        let keepAlive = requestHead.isKeepAlive
                        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
                        try await outbound.write(.head(HTTPResponseHead(
                            version: requestHead.version,
                            status: HTTPResponseStatus(statusCode: response.status),
                            headers: headers
                        )))
                        if let drip = response.drip {
                            var offset = 0
                            while offset < response.body.count {
                                let end = min(offset + max(1, drip.chunkSize), response.body.count)
                                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body[offset..<end]))))
                                offset = end
                                if offset < response.body.count { try await Task.sleep(for: drip.interval) }
                            }
                        } else if !response.body.isEmpty {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                        }
                        try await outbound.write(.end(nil))
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            // The client went away, the server shut down, or a sleep was cancelled.
        }
    }
}
