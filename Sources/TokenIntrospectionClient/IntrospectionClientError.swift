public import IntrospectionJWT

/// Why an introspection call did not produce usable introspection data: a stable machine-readable
/// ``Code`` and a human message, the same shape as ``IntrospectionJWT/IntrospectionJWTError``.
public struct IntrospectionClientError: Error, Sendable, CustomStringConvertible {
    /// The class of failure, as a stable code. New codes may be added; switch with a `default`.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code as the command line tool prints it (for example `http_status`).
        public let rawValue: String

        /// Makes a code from its printed form.
        public init(rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The server answered with a status other than 200 (400, 401, 5xx, a redirect, ...). No JWT
        /// validation was attempted (RFC 7662 §2.3, RFC 9701 §5).
        public static let httpStatus = Code(rawValue: "http_status")
        /// The call did not complete: connection refused or reset, TLS failure, timeout, body too large.
        public static let transport = Code(rawValue: "transport")
        /// The server answered 200 but not with an introspection response: the body is not strict JSON, is
        /// an error object (`error`, `$error`), lacks a boolean `active`, or has the wrong media type for a
        /// JSON request.
        public static let `protocol` = Code(rawValue: "protocol")
        /// A JWT response (or a JWT request answered without one: see
        /// ``IntrospectionJWT/IntrospectionJWTError/Code/downgrade``) failed validation;
        /// ``IntrospectionClientError/validationError`` says which check.
        public static let validation = Code(rawValue: "validation")
        /// The client cannot make the call: options missing or invalid, or the issuer's metadata or keys
        /// could not be discovered.
        public static let configuration = Code(rawValue: "configuration")

        /// The client did not call: the introspection endpoint answered `429` or `503` with a
        /// `Retry-After`, and that time has not passed yet (RFC 9110 §10.2.3). Nothing was sent;
        /// ``IntrospectionClientError/retryAfter`` is the time that remains.
        public static let unavailable = Code(rawValue: "unavailable")

        /// Every code the client reports today.
        public static let allCases: [Code] = [.httpStatus, .transport, .protocol, .validation, .configuration, .unavailable]
    }

    /// The earlier name of ``Code``.
    @available(*, deprecated, renamed: "Code")
    public typealias Kind = Code

    /// What went wrong, as a stable code.
    public let code: Code
    /// A human explanation.
    public let message: String
    /// The HTTP status, when a response arrived.
    public let httpStatus: Int?
    /// The OAuth `error` code of an error body (RFC 6749 §5.2), when the server sent one.
    public let errorCode: String?
    /// The text of an error body: its `error_description`, or its `$error` member (some servers send
    /// `{"$error": "..."}`).
    public let errorDescription: String?
    /// For ``Code/validation``: the validator's error, with its stable code.
    public let validationError: IntrospectionJWTError?
    /// How long the introspection endpoint asked the client to wait: the `Retry-After` of a `429` or
    /// `503` (``Code/httpStatus``, capped by ``IntrospectionClientOptions/maximumRetryAfter``), or the
    /// time that remains of it (``Code/unavailable``). Nil otherwise.
    public let retryAfter: Duration?

    /// The earlier name of ``code``.
    @available(*, deprecated, renamed: "code")
    public var kind: Code { code }

    /// Makes an error.
    public init(
        _ code: Code,
        _ message: String,
        httpStatus: Int? = nil,
        errorCode: String? = nil,
        errorDescription: String? = nil,
        validationError: IntrospectionJWTError? = nil,
        retryAfter: Duration? = nil
    ) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.errorDescription = errorDescription
        self.validationError = validationError
        self.retryAfter = retryAfter
    }

    /// This error with ``retryAfter`` set.
    func withRetryAfter(_ delay: Duration) -> IntrospectionClientError {
        IntrospectionClientError(
            code, message, httpStatus: httpStatus, errorCode: errorCode, errorDescription: errorDescription,
            validationError: validationError, retryAfter: delay)
    }

    /// Whether the server answered 200 with less protection than was asked for: a JWT was asked for and
    /// something else came back (``IntrospectionJWT/IntrospectionJWTError/Code/downgrade``), or encryption
    /// is required (``ResponseDecryptionOptions/requiresEncryption``) and the JWT is signed only
    /// (`IntrospectionJWTError.Code.encryptionRequired`).
    public var isDowngrade: Bool {
        validationError?.code == .downgrade || validationError?.code == .encryptionRequired
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension IntrospectionJWTError.Code {
    /// A JWT was asked for but the 200 response is not `application/token-introspection+jwt` (the server
    /// ignored `Accept`, or something between rewrote the answer): a possible downgrade (RFC 9701 §8.2).
    ///
    /// The client reports it (in ``IntrospectionClientError/validationError``, see
    /// ``IntrospectionClientError/isDowngrade``); the offline verifier never does.
    public static let downgrade = IntrospectionJWTError.Code(rawValue: "downgrade")
}
