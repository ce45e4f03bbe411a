public import IntrospectionJWT

/// Why a request could not be decided on its token's merits: the one error shape of the resource-server
/// modules, a stable open ``Code`` and a message naming the offending value (as `IntrospectionJWTError`
/// in the core). Messages never contain the token.
public struct ResourceServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable code. New codes may be added; switch with a `default`.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code as logs and metrics print it (for example `as_unreachable`).
        public let rawValue: String

        /// Makes a code from its printed form.
        public init(rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The `Authorization` field is not exactly one `Bearer <b64token>` (RFC 6750 §2.1).
        public static let malformedAuthorization = Code(rawValue: "malformed_authorization")
        /// The authorization server could not be reached, timed out, or the answer was too large.
        public static let asUnreachable = Code(rawValue: "as_unreachable")
        /// The authorization server answered 5xx or 429: it is overloaded or failing; or it asked the client
        /// to wait (`Retry-After`) and the time has not passed (``ResourceServerError/retryAfter``).
        public static let asUnavailable = Code(rawValue: "as_unavailable")
        /// The bound on concurrent calls to the authorization server was reached; the request was not
        /// queued (a flood of unknown tokens cannot become a flood of introspection calls).
        public static let concurrencyLimit = Code(rawValue: "concurrency_limit")
        /// The keys to verify the answer with could not be obtained (`jwks_unavailable`).
        public static let keysUnavailable = Code(rawValue: "keys_unavailable")
        /// The client cannot call: discovery failed or the options are incomplete.
        public static let configuration = Code(rawValue: "configuration")
        /// The signed answer failed verification; ``ResourceServerError/verifierCode`` says which check.
        public static let verificationFailed = Code(rawValue: "verification_failed")
        /// A signed answer was asked for and a plain one came back (RFC 9701 §8.2).
        public static let downgrade = Code(rawValue: "downgrade")
        /// The answer is not an RFC 7662 response: an error object, no boolean `active`, a wrong media type.
        public static let protocolViolation = Code(rawValue: "protocol_violation")
        /// The authorization server refused the call with a status other than 5xx or 429 (400, 401, a
        /// redirect): the resource server's credentials or configuration are wrong.
        public static let callRefused = Code(rawValue: "call_refused")
        /// The DPoP proof is missing, malformed, does not verify, or does not fit the request (RFC 9449
        /// §4.3); for a failure of the proof itself ``ResourceServerError/verifierCode`` holds the core's
        /// code (`wrong_type`, `unsupported_algorithm`, `bad_signature`, ...).
        public static let invalidDPoPProof = Code(rawValue: "invalid_dpop_proof")
        /// Server nonces are on and the proof carries none, or a stale one (RFC 9449 §9).
        public static let dpopNonceRequired = Code(rawValue: "use_dpop_nonce")
        /// The token is sender-constrained and the request does not show the key or certificate it is
        /// bound to (`cnf.jkt`, RFC 9449 §6; `cnf.x5t#S256`, RFC 8705 §3), or a `DPoP` scheme carried a
        /// token that is not DPoP-bound.
        public static let tokenBindingMismatch = Code(rawValue: "token_binding_mismatch")
        /// The DPoP replay cache is full of proofs still inside their window: the proof is refused (503)
        /// rather than accepted without a replay check.
        public static let replayCacheFull = Code(rawValue: "replay_cache_full")
        /// A client certificate passed on in a header (``ClientCertificateHeader``) cannot be read.
        public static let malformedClientCertificate = Code(rawValue: "malformed_client_certificate")
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A human explanation naming the offending value.
    public let message: String
    /// The authorization server's HTTP status, when an answer arrived.
    public let httpStatus: Int?
    /// For ``Code/verificationFailed`` and ``Code/keysUnavailable``: the verifier's code
    /// (`bad_signature`, `wrong_issuer`, `jwks_unavailable`, ...).
    public let verifierCode: IntrospectionJWTError.Code?
    /// For ``Code/asUnavailable``: how long the authorization server asked to wait (the remaining time of
    /// its `Retry-After`), which the 503 passes on as its own `Retry-After`. Nil when it said nothing.
    public let retryAfter: Duration?

    /// Makes an error.
    public init(
        _ code: Code,
        _ message: String,
        httpStatus: Int? = nil,
        verifierCode: IntrospectionJWTError.Code? = nil,
        retryAfter: Duration? = nil
    ) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.verifierCode = verifierCode
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
