/// What a verifier requires of an introspection response, beyond a good signature.
public struct VerificationPolicy: Sendable, Equatable {
    /// The issuer identifier the `iss` claim must equal exactly (code-point comparison, no normalisation):
    /// the `issuer` of the authorization server's metadata (RFC 8414 §3.3, RFC 9701 §5).
    public var issuer: String
    /// The identifiers of this resource server; `aud` must contain at least one (RFC 9701 §5, RFC 7519 §4.1.3).
    public var audiences: [String]
    /// The algorithms accepted. It comes from the caller, never from the token (RFC 8725 §3.1).
    public var allowedAlgorithms: Set<SignatureAlgorithm>
    /// How old the response (its `iat`) may be at the verification time.
    public var maximumAge: Duration
    /// The leeway applied to every time comparison.
    public var clockSkew: Duration
    /// Header parameters the caller processes itself and that `crit` may therefore list (RFC 7515 §4.1.11).
    /// Empty by default: a token with `crit` is refused.
    public var understoodCriticalHeaderParameters: Set<String>
    /// The JWE key management algorithms (`alg`) accepted for encrypted responses (default: every supported one).
    public var allowedKeyManagementAlgorithms: Set<KeyManagementAlgorithm>
    /// The JWE content encryption algorithms (`enc`) accepted for encrypted responses (default: every supported one).
    public var allowedContentEncryptionAlgorithms: Set<ContentEncryptionAlgorithm>
    /// Whether responses must be encrypted (RFC 9701 §6: the client registered an encryption algorithm).
    /// A signed-only response then fails with ``IntrospectionJWTError/Code/encryptionRequired``.
    public var requiresEncryption: Bool

    /// The default maximum age of a response: 300 seconds.
    public static let defaultMaximumAge: Duration = .seconds(300)
    /// The default clock skew: 60 seconds.
    public static let defaultClockSkew: Duration = .seconds(60)

    /// Makes a policy. `audiences` must not be empty.
    public init(
        issuer: String,
        audiences: [String],
        allowedAlgorithms: Set<SignatureAlgorithm> = SignatureAlgorithm.allSupported,
        maximumAge: Duration = defaultMaximumAge,
        clockSkew: Duration = defaultClockSkew,
        understoodCriticalHeaderParameters: Set<String> = [],
        allowedKeyManagementAlgorithms: Set<KeyManagementAlgorithm> = KeyManagementAlgorithm.allSupported,
        allowedContentEncryptionAlgorithms: Set<ContentEncryptionAlgorithm> = ContentEncryptionAlgorithm.allSupported,
        requiresEncryption: Bool = false
    ) {
        self.issuer = issuer
        self.audiences = audiences
        self.allowedAlgorithms = allowedAlgorithms
        self.maximumAge = maximumAge
        self.clockSkew = clockSkew
        self.understoodCriticalHeaderParameters = understoodCriticalHeaderParameters
        self.allowedKeyManagementAlgorithms = allowedKeyManagementAlgorithms
        self.allowedContentEncryptionAlgorithms = allowedContentEncryptionAlgorithms
        self.requiresEncryption = requiresEncryption
    }

    /// Makes a policy with a single accepted audience.
    public init(
        issuer: String,
        audience: String,
        allowedAlgorithms: Set<SignatureAlgorithm> = SignatureAlgorithm.allSupported,
        maximumAge: Duration = defaultMaximumAge,
        clockSkew: Duration = defaultClockSkew
    ) {
        self.init(
            issuer: issuer, audiences: [audience], allowedAlgorithms: allowedAlgorithms,
            maximumAge: maximumAge, clockSkew: clockSkew
        )
    }
}
