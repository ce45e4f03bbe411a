// Entry points for the decryption benchmark (Benchmarks/Sources/DecryptionBenchmark), behind
// `@_spi(Benchmarks)` so that they are not part of the public API. They expose OpenSSL's own cost of an
// encrypted response's private-key operation — RSA-OAEP decryption of the encrypted key, or the ECDH
// derivation with the `epk` — with every input prepared ahead of time, nothing more.

/// The private-key operation of one encrypted response, prepared: the encrypted key or the parsed `epk`.
@_spi(Benchmarks)
public struct PreparedKeyOperation: Sendable {
    enum Operation: Sendable {
        case oaep(EVPPrivateKey, ciphertext: [UInt8], digest: MessageDigest)
        case ecdh(EVPPrivateKey, peer: EVPPublicKey)
        /// A*KW, A*GCMKW, dir: no private-key operation.
        case none
    }

    let operation: Operation

    /// Whether the JWE's algorithm has a private-key operation at all.
    public var hasPrivateKeyOperation: Bool {
        if case .none = operation { return false }
        return true
    }

    /// Runs the operation once through OpenSSL; true when it gave a result.
    public func run() -> Bool {
        switch operation {
        case .oaep(let key, let ciphertext, let digest): key.decryptOAEP(ciphertext, digest: digest) != nil
        case .ecdh(let key, let peer): key.sharedSecret(with: peer) != nil
        case .none: true
        }
    }
}

@_spi(Benchmarks)
extension DecryptionKeySet {
    /// The decrypted content of `token` (for a nested JWT, the inner JWS), or nil when it does not decrypt.
    public func decryptedContent(of token: String) -> String? {
        guard let (_, decrypted) = try? JWEDecryptor.decrypt(token, keys: self) else { return nil }
        return String(decoding: decrypted.plaintext, as: UTF8.self)
    }

    /// The private-key operation that decrypting `token` needs with the first key that fits it, prepared;
    /// nil when the token is not a JWE with a supported header or no key fits.
    public func preparedKeyOperation(for token: String) -> PreparedKeyOperation? {
        guard let jwe = try? CompactJWE.parse(token),
            let header = try? JWEHeader.check(
                jwe.header, allowedAlgorithms: KeyManagementAlgorithm.allSupported,
                allowedContentEncryptions: ContentEncryptionAlgorithm.allSupported, understoodCriticalParameters: [],
                contentType: .any),
            let key = keys.first(where: { $0.fits(header.algorithm, contentEncryption: header.contentEncryption) })
        else { return nil }
        switch header.algorithm.family {
        case .rsaOAEP(let digest):
            guard let privateKey = key.material.privateKey else { return nil }
            return PreparedKeyOperation(operation: .oaep(privateKey, ciphertext: jwe.encryptedKey, digest: digest))
        case .ecdh:
            guard let peer = ECDHKeyAgreement.ephemeralKey(header.members["epk"]).key,
                let privateKey = keys.compactMap(\.material.privateKey).first(where: { $0.sharedSecret(with: peer) != nil })
            else { return nil }
            return PreparedKeyOperation(operation: .ecdh(privateKey, peer: peer))
        default:
            return PreparedKeyOperation(operation: .none)
        }
    }
}
