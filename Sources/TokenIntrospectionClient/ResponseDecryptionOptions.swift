public import IntrospectionJWT

/// How the client decrypts encrypted JWT responses (RFC 9701 §5-6: a JWE around the signed JWT, sent when
/// the resource server registered `introspection_encrypted_response_alg`), and whether it insists on them.
///
/// ```swift
/// var options = IntrospectionClientOptions(issuer: issuer, clientID: "rs-1", clientSecret: secret)
/// options.decryption = ResponseDecryptionOptions(keys: try DecryptionKeySet(json: rsPrivateJWKS))
/// // a signed-only answer is now a downgrade: encryption is required once keys are given
/// ```
///
/// With decryption options the client requires encryption by default: the resource server registered it,
/// so a signed-only answer means the server ignored the registration or something rewrote the answer. It
/// is reported as a downgrade (``IntrospectionClientError/isDowngrade``), with the validation code
/// `encryption_required`.
public struct ResponseDecryptionOptions: Sendable {
    /// The resource server's private keys (RSA, EC, X25519) and symmetric keys.
    public var keys: DecryptionKeySet
    /// Whether the keys OpenID Connect Core 1.0 §10.2 derives from the client secret are added to
    /// ``keys`` (for an authorization server that encrypts with A*KW, A*GCMKW or `dir` under the client
    /// secret; see `DecryptionKeySet.init(clientSecret:)`). The client secret must then be configured.
    public var derivesKeysFromClientSecret: Bool
    /// The JWE `alg` values accepted (default: every supported one; never `RSA1_5` or `PBES2-*`).
    public var allowedKeyManagementAlgorithms: Set<KeyManagementAlgorithm>
    /// The JWE `enc` values accepted (default: every supported one).
    public var allowedContentEncryptionAlgorithms: Set<ContentEncryptionAlgorithm>
    /// Whether a signed-only answer fails (with `encryption_required`, reported as a downgrade). True by
    /// default: whoever gives decryption keys registered encryption.
    public var requiresEncryption: Bool

    /// Makes decryption options. Give `keys`, or derive them from the client secret, or both; without
    /// any key, encrypted answers fail with `decryption_failed` (and, by default, signed-only ones with
    /// `encryption_required`).
    public init(
        keys: DecryptionKeySet = DecryptionKeySet(),
        derivesKeysFromClientSecret: Bool = false,
        allowedKeyManagementAlgorithms: Set<KeyManagementAlgorithm> = KeyManagementAlgorithm.allSupported,
        allowedContentEncryptionAlgorithms: Set<ContentEncryptionAlgorithm> = ContentEncryptionAlgorithm.allSupported,
        requiresEncryption: Bool = true
    ) {
        self.keys = keys
        self.derivesKeysFromClientSecret = derivesKeysFromClientSecret
        self.allowedKeyManagementAlgorithms = allowedKeyManagementAlgorithms
        self.allowedContentEncryptionAlgorithms = allowedContentEncryptionAlgorithms
        self.requiresEncryption = requiresEncryption
    }

    /// The keys to decrypt with: ``keys``, and those derived from `clientSecret` when
    /// ``derivesKeysFromClientSecret`` (a configuration error without a client secret).
    func keySet(clientSecret: String?) throws(IntrospectionClientError) -> DecryptionKeySet {
        var result = keys
        if derivesKeysFromClientSecret {
            guard let clientSecret, !clientSecret.isEmpty else {
                throw IntrospectionClientError(
                    .configuration, "decryption keys are to be derived from the client secret, and no client secret is configured")
            }
            do throws(IntrospectionJWTError) {
                result = result.merging(try DecryptionKeySet(clientSecret: clientSecret))
            } catch {
                throw IntrospectionClientError(.configuration, "no decryption key from the client secret: \(error.message)")
            }
        }
        return result
    }
}
