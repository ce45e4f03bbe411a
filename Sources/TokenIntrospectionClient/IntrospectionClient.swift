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
    let retryAfterGate = RetryAfterGate()

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

    /// How long the introspection endpoint still asks the client to wait (its last `429` or `503` with
    /// `Retry-After`), or nil when calls are sent. Meanwhile ``introspect(token:tokenTypeHint:additionalParameters:)``
    /// answers `unavailable` without calling.
    public var retryAfter: Duration? { retryAfterGate.remaining(at: clock.uptime) }

    /// Introspects `token`: a form-encoded POST with `token`, the optional `token_type_hint` and any
    /// `additionalParameters` (RFC 7662 §2.1), authenticated as configured, with the `Accept` of the
    /// configured format. The token, the client secret and the client assertion are never logged.
    ///
    /// After a `429` or `503` with `Retry-After` (delta-seconds, or an HTTP-date read against the
    /// answer's `Date`), nothing is sent to the endpoint until that time has passed (at most
    /// ``IntrospectionClientOptions/maximumRetryAfter``): each call meanwhile answers
    /// ``IntrospectionClientError/Code/unavailable`` with the time that remains in
    /// ``IntrospectionClientError/retryAfter``. No answer is ever cached.
    public func introspect(
        token: String,
        tokenTypeHint: TokenTypeHint? = nil,
        additionalParameters: [(name: String, value: String)] = []
    ) async -> TokenIntrospectionResponse {
        if let remaining = retryAfterGate.remaining(at: clock.uptime) {
            let error = IntrospectionClientError(
                .unavailable,
                "the introspection endpoint asked the client to wait (Retry-After); \(remaining.secondsRoundedUp) s remain, no call was sent",
                retryAfter: remaining)
            logger.debug("introspection held back by Retry-After", metadata: ["remaining": "\(remaining.secondsRoundedUp) s"])
            return TokenIntrospectionResponse(error: error)
        }
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
        var response = await ResponseInterpreter.interpret(
            status: answer.response.status.code,
            contentType: answer.response.headerFields[.contentType],
            body: answer.body,
            format: options.responseFormat,
            validator: resolved.validator,
            receivedAt: clock.now
        )
        if let delay = retryAfter(of: answer.response) {
            retryAfterGate.close(for: delay, at: clock.uptime)
            response = response.withRetryAfter(delay)
        }
        if let error = response.error {
            logger.debug("introspection failed", metadata: ["endpoint": "\(endpointForLogs)", "error": "\(error)"])
        } else {
            logger.debug("introspection answered", metadata: ["endpoint": "\(endpointForLogs)", "active": "\(response.isActive)"])
        }
        return response
    }

    /// The wait a `429` or `503` asks for with `Retry-After` (RFC 9110 §10.2.3, RFC 6585 §4), capped by
    /// ``IntrospectionClientOptions/maximumRetryAfter``; nil for any other answer, a missing or unreadable
    /// field, or a time already past.
    private func retryAfter(of response: HTTPResponse) -> Duration? {
        let status = response.status.code
        guard status == 429 || status == 503, let field = response.headerFields[.retryAfter] else { return nil }
        guard let delay = RetryAfter.delay(field, responseDate: response.headerFields[.date], now: clock.now), delay > .zero else {
            return nil
        }
        return min(delay, options.maximumRetryAfter)
    }
}
