/// Why an ``HTTPTransport`` could not deliver a response: a stable ``Code`` and a message that says how.
public struct HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable code. New codes may be added; switch with a `default`.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code as printed (`timeout`, `connection`, ...).
        public let rawValue: String

        /// Makes a code from its printed form.
        public init(rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The response was not complete within the timeout.
        public static let timeout = Code(rawValue: "timeout")
        /// The body (or its declared `Content-Length`) is over the size limit.
        public static let bodyTooLarge = Code(rawValue: "body_too_large")
        /// The connection failed (refused, reset, TLS, DNS, ...).
        public static let connection = Code(rawValue: "connection")
        /// The URL cannot be used: not absolute http(s), or refused by ``HTTPURLPolicy``.
        public static let invalidURL = Code(rawValue: "invalid_url")
        /// A redirect was not followed: to a URL that is not https, or too many of them.
        public static let redirectRefused = Code(rawValue: "redirect_refused")
        /// A TLS client certificate or its key cannot be used (``ClientCertificateTransport``).
        public static let clientCertificateUnusable = Code(rawValue: "client_certificate_unusable")
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A human explanation.
    public let message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The human explanation (the ``message``).
    public var description: String { message }

    /// The response was not complete within the timeout.
    public static let timeout = HTTPTransportError(.timeout, "the request timed out")
    /// The body is over the size limit.
    public static let bodyTooLarge = HTTPTransportError(.bodyTooLarge, "the response body is over the size limit")
    /// The URL is not an absolute https URL (or http for a loopback host).
    public static let invalidURL = HTTPTransportError(
        .invalidURL, "the URL is not an absolute https URL (or http for a loopback host)")

    /// The connection failed; `reason` says how.
    public static func connection(_ reason: String) -> HTTPTransportError {
        HTTPTransportError(.connection, "the connection failed: \(reason)")
    }

    /// A redirect was refused; `reason` says why.
    public static func redirectRefused(_ reason: String) -> HTTPTransportError {
        HTTPTransportError(.redirectRefused, "redirect refused: \(reason)")
    }
}
