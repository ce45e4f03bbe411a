public import AsyncHTTPClient
import Foundation
public import HTTPTypes
public import IntrospectionRemoteKeys
import NIOCore
import NIOHTTP1
public import NIOSSL

/// The default `HTTPTransport`: async-http-client, one request per call, no redirects followed.
///
/// `AsyncHTTPClientTransport()` uses ``sharedClient``, a process-wide client configured like
/// `HTTPClient.shared` except that it never follows redirects (`HTTPClient.shared` follows up to 20,
/// to any scheme) and connects within ``defaultConnectTimeout``. Pass your own client to change TLS,
/// proxy or connect-timeout settings; configure it with `redirectConfiguration: .disallow`. Should it
/// follow redirects anyway, every hop it took is checked against `HTTPURLPolicy` and a response
/// reached through a non-https hop is refused.
///
/// A ``tlsConfiguration`` given to the transport is set on every request (async-http-client's
/// per-request TLS configuration, in place of the client's own): trust roots of a private CA, and the
/// client certificate of mutual TLS, which ``presenting(_:)`` adds for `tls_client_auth` (RFC 8705 §2).
public struct AsyncHTTPClientTransport: HTTPTransport, ClientCertificateTransport {
    /// How long the shared client waits for a connection (TCP and TLS): 2 seconds.
    public static let defaultConnectTimeout: Duration = .seconds(2)

    /// The process-wide client behind `AsyncHTTPClientTransport()`: redirects disallowed, connect
    /// timeout ``defaultConnectTimeout``, full certificate verification. Never shut down.
    public static var sharedClient: HTTPClient { sharedNonRedirectingClient }

    /// The client requests go through.
    public let client: HTTPClient
    /// The TLS configuration set on every request in place of the client's, or nil: the client's own.
    public let tlsConfiguration: TLSConfiguration?

    /// A transport over ``sharedClient``.
    public init() {
        self.client = Self.sharedClient
        self.tlsConfiguration = nil
    }

    /// A transport over `client` (which the caller keeps and shuts down).
    public init(client: HTTPClient) {
        self.client = client
        self.tlsConfiguration = nil
    }

    /// A transport over `client` (``sharedClient`` by default) whose every request uses `tlsConfiguration`
    /// (for example `TLSConfiguration.makeClientConfiguration()` with the `trustRoots` of a private CA).
    /// Connections of different TLS configurations are pooled apart by the client.
    public init(client: HTTPClient = Self.sharedClient, tlsConfiguration: TLSConfiguration) {
        self.client = client
        self.tlsConfiguration = tlsConfiguration
    }

    /// A transport over `client` (``sharedClient`` by default) that verifies servers against the CA
    /// certificates of `pem` only, instead of the system's roots (a private CA, a test CA), with full
    /// certificate and host name verification. Throws an `HTTPTransportError` (code `connection`: no TLS
    /// connection could be verified with it) when the text holds no PEM certificate.
    public init(client: HTTPClient = Self.sharedClient, trustingCertificatesPEM pem: some Collection<UInt8>) throws(HTTPTransportError) {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem))
        } catch {
            throw HTTPTransportError(.connection, "the CA certificates are not PEM: \(error)")
        }
        guard !certificates.isEmpty else { throw HTTPTransportError(.connection, "no PEM certificate among the CA certificates") }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(certificates)
        self.init(client: client, tlsConfiguration: configuration)
    }

    /// A transport that presents `certificate` on every TLS connection: ``tlsConfiguration`` (or
    /// `TLSConfiguration.makeClientConfiguration()`, full certificate verification against the system's
    /// roots, when there is none) with the certificate chain and private key. The client's own TLS
    /// settings are not seen by the transport: give them as ``tlsConfiguration``. The PEM text is
    /// parsed here, once, and a key that does not belong to the certificate is refused here rather than
    /// at the first connection.
    public func presenting(_ certificate: TLSClientCertificate) throws(HTTPTransportError) -> any HTTPTransport {
        var configuration = tlsConfiguration ?? TLSConfiguration.makeClientConfiguration()
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(certificate.certificateChainPEM)
        } catch {
            throw HTTPTransportError(.clientCertificateUnusable, "the client certificate is not PEM: \(error)")
        }
        guard !chain.isEmpty else {
            throw HTTPTransportError(.clientCertificateUnusable, "the client certificate file holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: certificate.privateKeyPEM, format: .pem)
        } catch {
            throw HTTPTransportError(.clientCertificateUnusable, "the client certificate's key is not an unencrypted PEM private key")
        }
        configuration.certificateChain = chain.map { .certificate($0) }
        configuration.privateKey = .privateKey(key)
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw HTTPTransportError(
                .clientCertificateUnusable, "the private key does not belong to the client certificate, or TLS refused them: \(error)")
        }
        return AsyncHTTPClientTransport(client: client, tlsConfiguration: configuration)
    }

    /// Sends one request (no redirects followed) and collects the body up to `maximumBodyByteCount`.
    /// Throws `HTTPTransportError` only.
    public func send(
        _ request: HTTPRequest,
        body: [UInt8]?,
        timeout: Duration,
        maximumBodyByteCount: Int
    ) async throws -> (response: HTTPResponse, body: [UInt8]) {
        guard let requestURL = request.urlString, let components = URLComponents(string: requestURL),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = components.host, !host.isEmpty
        else {
            throw HTTPTransportError.invalidURL
        }
        var clientRequest = HTTPClientRequest(url: requestURL)
        clientRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headerFields {
            clientRequest.headers.add(name: field.name.rawName, value: field.value)
        }
        if let body {
            clientRequest.body = .bytes(ByteBuffer(bytes: body))
        }
        if let tlsConfiguration {
            clientRequest.tlsConfiguration = tlsConfiguration
        }
        let client = self.client
        let prepared = clientRequest
        return try await Self.withTimeout(timeout) {
            let response: HTTPClientResponse
            do {
                response = try await client.execute(prepared, deadline: .now() + TimeAmount(timeout))
            } catch {
                throw Self.transportError(error)
            }
            // A client that followed redirects: every hop must have been allowed.
            var previous = requestURL
            for hop in response.history.dropFirst() {
                if let refusal = HTTPURLPolicy.refusal(forRedirectFrom: previous, to: hop.request.url) {
                    throw HTTPTransportError.redirectRefused(refusal)
                }
                previous = hop.request.url
            }
            if let declared = response.headers.first(name: "Content-Length").flatMap({ Int($0) }), declared > maximumBodyByteCount {
                throw HTTPTransportError.bodyTooLarge
            }
            var body: [UInt8] = []
            do {
                for try await chunk in response.body {
                    guard body.count + chunk.readableBytes <= maximumBodyByteCount else { throw HTTPTransportError.bodyTooLarge }
                    body.append(contentsOf: chunk.readableBytesView)
                }
            } catch let error as HTTPTransportError {
                throw error
            } catch {
                throw Self.transportError(error)
            }
            var fields = HTTPFields()
            for header in response.headers {
                // A field whose name is not a token cannot be represented; it carries nothing we read.
                guard let name = HTTPField.Name(header.name) else { continue }
                fields.append(HTTPField(name: name, value: header.value))
            }
            return (HTTPResponse(status: .init(code: Int(response.status.code)), headerFields: fields), body)
        }
    }

    /// Runs `body`, throwing ``HTTPTransportError/timeout`` (and cancelling it) after `timeout`.
    static func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw HTTPTransportError.timeout
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw HTTPTransportError.timeout }
            return first
        }
    }

    static func transportError(_ error: any Error) -> HTTPTransportError {
        if let error = error as? HTTPTransportError { return error }
        if let error = error as? HTTPClientError {
            let timeouts: [HTTPClientError] = [
                .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout, .httpProxyHandshakeTimeout, .socksHandshakeTimeout,
            ]
            if timeouts.contains(error) { return .timeout }
            if [HTTPClientError.invalidURL, .emptyHost, .emptyScheme, .missingSocketPath].contains(error) { return .invalidURL }
            return .connection(String(describing: error))
        }
        if error is CancellationError { return .connection("cancelled") }
        if let error = error as? ChannelError, case .connectTimeout = error { return .timeout }
        return .connection(String(describing: error))
    }
}

extension TimeAmount {
    /// The amount of a Swift `Duration`.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

private let sharedNonRedirectingClient: HTTPClient = {
    // tlsConfiguration nil: the default client TLS configuration, with full certificate verification.
    let configuration = HTTPClient.Configuration(
        tlsConfiguration: nil,
        redirectConfiguration: .disallow,
        timeout: .init(connect: TimeAmount(AsyncHTTPClientTransport.defaultConnectTimeout)),
        connectionPool: .init(idleTimeout: .seconds(60)),
        proxy: nil,
        ignoreUncleanSSLShutdown: false,
        decompression: .disabled
    )
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()
