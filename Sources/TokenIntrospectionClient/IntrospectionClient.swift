import Foundation
import HTTPTypes
public import IntrospectionAsyncHTTPClient
public import IntrospectionJWT
public import IntrospectionRemoteKeys
public import Logging

/// An OAuth 2.0 token introspection client (RFC 7662) that asks for, and verifies, JWT responses
/// (RFC 9701).
///
/// ```swift
/// let client = IntrospectionClient(
///     options: IntrospectionClientOptions(
///         issuer: "https://as.example.com", clientID: "rs-1", clientSecret: secret, responseFormat: .jwt),
///     transport: AsyncHTTPClientTransport())
/// let response = await client.introspect(token: accessToken)
/// guard !response.isError, response.isActive, response.hasScope("read") else { deny() }
/// ```
///
/// With the `jwt` format and no ``IntrospectionClientOptions/responseValidator``, the client discovers the
/// issuer's metadata once (RFC 8414) and verifies every response with `IntrospectionResponseVerifier`
/// over the issuer's remote JWK Set. Failures never throw: they come back as a response whose
/// ``TokenIntrospectionResponse/isError`` is true.
public struct IntrospectionClient: Sendable {
    /// The options the client was made with.
    public let options: IntrospectionClientOptions
    let transport: any HTTPTransport
    let clock: any IntrospectionClock
    let logger: Logger
    let setup: ClientSetup

    /// Makes a client. Nothing is fetched until the first call. The transport defaults to
    /// `AsyncHTTPClientTransport` (no redirects followed); `clock` says when each answer was received
    /// (the time its JWT is verified at) and drives the key source's cache.
    public init(
        options: IntrospectionClientOptions,
        transport: any HTTPTransport = AsyncHTTPClientTransport(),
        clock: any IntrospectionClock = .system,
        logger: Logger = Logger(label: "introspection-jwt.introspection-client")
    ) {
        self.options = options
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.setup = ClientSetup(options: options, transport: transport, clock: clock, logger: logger)
    }

    /// Introspects `token`: a form-encoded POST with `token`, the optional `token_type_hint` and any
    /// `additionalParameters` (RFC 7662 §2.1), authenticated as configured, with the `Accept` of the
    /// configured format. The token, the client secret and the client assertion are never logged.
    public func introspect(
        token: String,
        tokenTypeHint: TokenTypeHint? = nil,
        additionalParameters: [(name: String, value: String)] = []
    ) async -> TokenIntrospectionResponse {
        let resolved: ClientSetup.Resolved
        switch await setup.resolve() {
        case .success(let value): resolved = value
        case .failure(let error):
            logger.debug("introspection not attempted", metadata: ["error": "\(error)"])
            return TokenIntrospectionResponse(error: error)
        }
        let parts: (headerFields: HTTPFields, body: [UInt8])
        do {
            parts = try IntrospectionRequest.make(
                token: token, tokenTypeHint: tokenTypeHint, additionalParameters: additionalParameters, options: options,
                assertionAudience: resolved.assertionAudience, now: clock.now
            )
        } catch {
            return TokenIntrospectionResponse(error: error)
        }
        // Sent with `send`, never `sendFollowingRedirects`: a redirect is answered as an HTTP status error
        // rather than replaying the credentials and the token somewhere else.
        let endpointForLogs = HTTPURLPolicy.redacted(resolved.endpoint)
        guard let request = HTTPRequest(method: .post, urlString: resolved.endpoint, headerFields: parts.headerFields) else {
            return TokenIntrospectionResponse(error: IntrospectionClientError(.configuration, "the introspection endpoint \(endpointForLogs) is not a URL"))
        }
        let answer: (response: HTTPResponse, body: [UInt8])
        do {
            answer = try await resolved.transport.sendOnce(
                request, body: parts.body, timeout: options.timeout, maximumBodyByteCount: options.maximumResponseByteCount)
        } catch {
            let failure = IntrospectionClientError(.transport, "the call to \(endpointForLogs) failed: \(error)")
            logger.debug("introspection call failed", metadata: ["endpoint": "\(endpointForLogs)", "error": "\(error)"])
            return TokenIntrospectionResponse(error: failure)
        }
        let response = await ResponseInterpreter.interpret(
            status: answer.response.status.code,
            contentType: answer.response.headerFields[.contentType],
            body: answer.body,
            format: options.responseFormat,
            validator: resolved.validator,
            receivedAt: clock.now
        )
        if let error = response.error {
            logger.debug("introspection failed", metadata: ["endpoint": "\(endpointForLogs)", "error": "\(error)"])
        } else {
            logger.debug("introspection answered", metadata: ["endpoint": "\(endpointForLogs)", "active": "\(response.isActive)"])
        }
        return response
    }
}
