extension DecryptionKeySet {
    /// The key sizes a client secret is derived to, in bytes: every symmetric key size of A*KW, A*GCMKW
    /// and `dir` (RFC 7518 §4.4, §4.7, §4.5 with the CEK sizes of §5).
    static let clientSecretKeyByteCounts = [16, 24, 32, 48, 64]

    /// The symmetric keys OpenID Connect Core 1.0 §10.2 derives from a client secret, for an
    /// authorization server that encrypts to a confidential client with A128KW, A192KW, A256KW,
    /// A128GCMKW, A192GCMKW, A256GCMKW or `dir`.
    ///
    /// Each key is the left-most bits of a SHA-2 hash of the secret's UTF-8 octets: SHA-256 for keys of
    /// up to 256 bits (A128KW takes the first 128 bits, A256KW or `dir` with A128CBC-HS256 all 256),
    /// SHA-384 for the 384-bit key of `dir` with A192CBC-HS384, SHA-512 for the 512-bit key of `dir` with
    /// A256CBC-HS512. The set holds one key per size (128, 192, 256, 384 and 512 bits), without `kid`,
    /// `alg`, `use` or `key_ops`: the size alone says which algorithms a key fits, so a JWE whose header
    /// names a `kid` is never decrypted with them.
    ///
    /// Throws ``IntrospectionJWTError/Code/decryptionKeysUnavailable`` for an empty secret (its keys would
    /// be known to everyone).
    public init(clientSecret: String) throws(IntrospectionJWTError) {
        let secret = Array(clientSecret.utf8)
        guard !secret.isEmpty else {
            throw .decryptionKeysUnavailable("an empty client secret derives no key (OpenID Connect Core §10.2)")
        }
        var keys: [DecryptionKey] = []
        for byteCount in Self.clientSecretKeyByteCounts {
            let digest: MessageDigest = byteCount <= 32 ? .sha256 : byteCount <= 48 ? .sha384 : .sha512
            var hash = [UInt8](repeating: 0, count: digest.byteCount)
            let hashed = secret.withUnsafeBufferPointer { input in
                hash.withUnsafeMutableBufferPointer { digest.hash(input, into: $0) }
            }
            guard hashed else {
                throw .decryptionKeysUnavailable("OpenSSL could not hash the client secret for a \(byteCount * 8)-bit key")
            }
            let key = DecryptionKey(
                keyID: nil, keyType: .symmetric(byteCount: byteCount), algorithm: nil, use: nil, keyOperations: nil,
                bitCount: byteCount * 8, material: DecryptionKey.Material(SymmetricKeyBytes(Array(hash.prefix(byteCount)))))
            ConstantTime.wipe(&hash)
            keys.append(key)
        }
        self.init(keys: keys)
    }
}
