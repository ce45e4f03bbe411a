public import IntrospectionJWT

/// Why an introspection call did not produce usable introspection data.
public struct IntrospectionClientError: Error, Sendable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The server answered with a status other than 200 (400, 401, 5xx, a redirect, ...). No JWT
        /// validation was attempted (RFC 7662 §2.3, RFC 9701 §5).
        case httpStatus = "http_status"
        /// The call did not complete: connection refused or reset, TLS failure, timeout, body too large.
        case transport
        /// The server answered 200 but not with an introspection response: the body is not strict JSON, is
        /// an error object (`error`, `$error`), lacks a boolean `active`, or has the wrong media type for a
        /// JSON request.
        case `protocol`
        /// A JWT response (or a JWT request answered without one: see
        /// ``IntrospectionJWT/IntrospectionJWTError/Code/downgrade``) failed validation; ``IntrospectionClientError/validationError``
        /// says which check.
        case validation
        /// The client cannot make the call: options missing or invalid, or the issuer's metadata or keys
        /// could not be discovered.
        case configuration

        public var description: String { rawValue }
    }

    /// The class of failure.
    public let kind: Kind
    /// A human explanation.
    public let message: String
    /// The HTTP status, when a response arrived.
    public let httpStatus: Int?
    /// The OAuth `error` code of an error body (RFC 6749 §5.2), when the server sent one.
    public let errorCode: String?
    /// The text of an error body: its `error_description`, or its `$error` member (some servers send
    /// `{"$error": "..."}`).
    public let errorDescription: String?
    /// For ``Kind/validation``: the validator's error, with its stable code.
    public let validationError: IntrospectionJWTError?

    /// Makes an error.
    public init(
        _ kind: Kind,
        _ message: String,
        httpStatus: Int? = nil,
        errorCode: String? = nil,
        errorDescription: String? = nil,
        validationError: IntrospectionJWTError? = nil
    ) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.errorDescription = errorDescription
        self.validationError = validationError
    }

    /// Whether a JWT was asked for and the server answered 200 with something else.
    public var isDowngrade: Bool { validationError?.code == .downgrade }

    public var description: String { "\(kind.rawValue): \(message)" }
}
