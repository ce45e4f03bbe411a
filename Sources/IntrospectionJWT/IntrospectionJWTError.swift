/// The one error type of the library: a stable machine-readable ``Code`` and a human message that names
/// the offending value.
///
/// The codes map one-to-one onto the error codes of the `introspection-jwt` command line tool.
public struct IntrospectionJWTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added; switch with a `default`.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code as the command line tool prints it (for example `bad_signature`).
        public let rawValue: String

        /// Makes a code from its printed form.
        public init(rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// Not a compact JWS (or, encrypted, a compact JWE around one), bad base64url, a header or payload
        /// that is not a strict UTF-8 JSON object, duplicate member names, over a size limit, or a top-level
        /// `iat`, `exp` or `nbf` that is not a number.
        public static let malformed = Code(rawValue: "malformed")
        /// The policy requires an encrypted response, and the response is only signed (a 3-part JWS).
        public static let encryptionRequired = Code(rawValue: "encryption_required")
        /// The JWE `alg` or `enc` is missing, not a string, not supported (`RSA1_5`, `PBES2-*`, ...) or not
        /// allowed, or `zip` is present.
        public static let unsupportedEncryption = Code(rawValue: "unsupported_encryption")
        /// `alg` missing, not a string, `none`, an HMAC algorithm, or not in the allowed set.
        public static let unsupportedAlgorithm = Code(rawValue: "unsupported_algorithm")
        /// `typ` missing or not `token-introspection+jwt`.
        public static let wrongType = Code(rawValue: "wrong_type")
        /// `crit` names a header parameter the verifier does not implement, or is itself malformed.
        public static let unsupportedCriticalHeader = Code(rawValue: "unsupported_critical_header")
        /// The encrypted response does not decrypt: no decryption key fits it, or the content encryption key,
        /// the IV, the tag or the padding is wrong. One code for every such failure, on purpose.
        public static let decryptionFailed = Code(rawValue: "decryption_failed")
        /// No key of the key set fits the token (kid, kty, crv, alg, use, key_ops).
        public static let unknownKey = Code(rawValue: "unknown_key")
        /// The selected RSA key's modulus is under 2048 bits.
        public static let weakKey = Code(rawValue: "weak_key")
        /// The signature does not verify.
        public static let badSignature = Code(rawValue: "bad_signature")
        /// `iss`, `aud`, `iat` or `token_introspection` is missing.
        public static let missingClaim = Code(rawValue: "missing_claim")
        /// `iss` is not a string equal to the expected issuer.
        public static let wrongIssuer = Code(rawValue: "wrong_issuer")
        /// `aud` contains none of the expected audiences.
        public static let wrongAudience = Code(rawValue: "wrong_audience")
        /// `iat` or `nbf` is later than the verification time plus the clock skew.
        public static let notYetValid = Code(rawValue: "not_yet_valid")
        /// `iat` is older than the maximum age, or a top-level `exp` has passed.
        public static let expired = Code(rawValue: "expired")
        /// `token_introspection` is not an RFC 7662 response object.
        public static let invalidIntrospection = Code(rawValue: "invalid_introspection")
        /// The keys could not be obtained.
        public static let jwksUnavailable = Code(rawValue: "jwks_unavailable")
        /// The decryption keys could not be loaded (no such file, not a JWK Set or PEM key, no usable key).
        public static let decryptionKeysUnavailable = Code(rawValue: "decryption_keys_unavailable")
        /// A signing key (the client's key for `private_key_jwt`, ``JWTSigningKey``) could not be loaded: not
        /// a PEM or JWK private key, a public key, a key type that cannot sign, an RSA modulus under 2048
        /// bits. Never reported by the verifier.
        public static let signingKeyUnavailable = Code(rawValue: "signing_key_unavailable")

        /// Every code the verifier reports, in the order it checks them (``signingKeyUnavailable`` is
        /// reported by signing, never by verification, and is not among them). An encrypted response is checked for
        /// `malformed`, `unsupported_encryption`, `wrong_type` (`cty`), `unsupported_critical_header` and
        /// `decryption_failed`; its inner JWS then goes through the whole list again from `malformed`.
        public static let allCases: [Code] = [
            .malformed, .encryptionRequired, .unsupportedEncryption, .unsupportedAlgorithm, .wrongType,
            .unsupportedCriticalHeader, .decryptionFailed, .unknownKey, .weakKey, .badSignature, .missingClaim,
            .wrongIssuer, .wrongAudience, .notYetValid, .expired, .invalidIntrospection, .jwksUnavailable,
            .decryptionKeysUnavailable,
        ]
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A human explanation naming the offending value.
    public let message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension IntrospectionJWTError {
    @inline(never)
    package static func malformed(_ message: String) -> Self { Self(.malformed, message) }
    @inline(never)
    package static func unsupportedAlgorithm(_ message: String) -> Self { Self(.unsupportedAlgorithm, message) }
    @inline(never)
    package static func wrongType(_ message: String) -> Self { Self(.wrongType, message) }
    @inline(never)
    package static func unsupportedCriticalHeader(_ message: String) -> Self { Self(.unsupportedCriticalHeader, message) }
    @inline(never)
    package static func encryptionRequired(_ message: String) -> Self { Self(.encryptionRequired, message) }
    @inline(never)
    package static func unsupportedEncryption(_ message: String) -> Self { Self(.unsupportedEncryption, message) }
    @inline(never)
    package static func decryptionFailed(_ message: String) -> Self { Self(.decryptionFailed, message) }
    @inline(never)
    package static func decryptionKeysUnavailable(_ message: String) -> Self { Self(.decryptionKeysUnavailable, message) }
    @inline(never)
    package static func unknownKey(_ message: String) -> Self { Self(.unknownKey, message) }
    @inline(never)
    package static func weakKey(_ message: String) -> Self { Self(.weakKey, message) }
    @inline(never)
    package static func badSignature(_ message: String) -> Self { Self(.badSignature, message) }
    @inline(never)
    package static func missingClaim(_ message: String) -> Self { Self(.missingClaim, message) }
    @inline(never)
    package static func wrongIssuer(_ message: String) -> Self { Self(.wrongIssuer, message) }
    @inline(never)
    package static func wrongAudience(_ message: String) -> Self { Self(.wrongAudience, message) }
    @inline(never)
    package static func notYetValid(_ message: String) -> Self { Self(.notYetValid, message) }
    @inline(never)
    package static func expired(_ message: String) -> Self { Self(.expired, message) }
    @inline(never)
    package static func invalidIntrospection(_ message: String) -> Self { Self(.invalidIntrospection, message) }
    @inline(never)
    package static func jwksUnavailable(_ message: String) -> Self { Self(.jwksUnavailable, message) }
}
