/// How a verified introspection response was encrypted: the checked header of the outer JWE of a nested
/// JWT (RFC 9701 §5, RFC 7519 §5.2). The signature facts (`alg`, `kid`) are those of the inner JWS, in
/// ``VerifiedIntrospectionResponse/header``.
public struct ResponseEncryption: Sendable, Equatable {
    /// The JWE `alg`: how the content encryption key was obtained.
    public let algorithm: KeyManagementAlgorithm
    /// The JWE `enc`: how the content was encrypted.
    public let contentEncryption: ContentEncryptionAlgorithm
    /// The JWE `kid`, when the header names the resource server's key with a string.
    public let keyID: String?
    /// Every member of the JWE protected header as received.
    public let header: JSONObject
    /// The `kid` of the decryption key that decrypted the response, when it has one.
    public let decryptionKeyID: String?
    /// The signed JWT (compact JWS) the response held, as decrypted: in a verified response, the JWT whose
    /// signature and claims verified, which anyone with the issuer's public keys can check again without
    /// the decryption keys. Nil where the content was decrypted but not verified as a response.
    public internal(set) var signedJWT: String? = nil
}

extension ResponseEncryption {
    /// The facts of a checked JWE header and the key that decrypted it.
    init(_ header: JWEHeader, decryptedWith key: DecryptionKey) {
        self.init(
            algorithm: header.algorithm, contentEncryption: header.contentEncryption, keyID: header.keyID,
            header: header.members, decryptionKeyID: key.keyID)
    }
}
