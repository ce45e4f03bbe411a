// Written by hand: no listed Swift package decrypts JWE with OpenSSL (jwt-kit has no JWE, and issue 13 allows
// no second crypto library such as swift-crypto); OpenSSL does every primitive, this file only the JOSE rules.

/// The JWE layer on its own (RFC 7516 §5.2): key selection, recovery of the content encryption key (CEK)
/// and content decryption, without the nested-JWT and RFC 9701 rules.
///
/// Every failure after the header checks is ``IntrospectionJWTError/Code/decryptionFailed``, and the
/// failures that depend on secrets do not end early: a CEK that cannot be recovered, or has the wrong
/// length, is replaced by a random one and the content decryption runs anyway and fails at the tag
/// (RFC 7516 §11.5), so neither the code, the message nor the path tells an unwrap, OAEP or ECDH failure
/// from a bad tag or padding.
enum JWEDecryptor {
    /// A decrypted JWE: its plaintext and the key that decrypted it.
    struct Decrypted {
        let plaintext: [UInt8]
        let key: DecryptionKey
    }

    /// Decrypts a compact JWE whose header was checked (bare JWE vectors, and the verifier's first step).
    static func decrypt(
        _ token: String,
        keys: DecryptionKeySet,
        allowedAlgorithms: Set<KeyManagementAlgorithm> = KeyManagementAlgorithm.allSupported,
        allowedContentEncryptions: Set<ContentEncryptionAlgorithm> = ContentEncryptionAlgorithm.allSupported,
        contentType: JWEHeader.ContentTypeRule = .any
    ) throws(IntrospectionJWTError) -> (header: JWEHeader, decrypted: Decrypted) {
        let jwe = try CompactJWE.parse(token)
        let header = try JWEHeader.check(
            jwe.header, allowedAlgorithms: allowedAlgorithms, allowedContentEncryptions: allowedContentEncryptions,
            understoodCriticalParameters: [], contentType: contentType)
        return (header, try decrypt(jwe, header: header, keys: keys))
    }

    /// Selects the keys that fit the header (by `kid` when present; kty, curve of `epk`, size and the
    /// key's `alg`) and returns the first decryption that succeeds.
    static func decrypt(_ jwe: CompactJWE, header: JWEHeader, keys: DecryptionKeySet) throws(IntrospectionJWTError) -> Decrypted {
        let algorithm = header.algorithm
        let encryption = header.contentEncryption
        var ephemeralKey: ECDHKeyAgreement.EphemeralKey? = nil
        if case .ecdh = algorithm.family { ephemeralKey = ECDHKeyAgreement.ephemeralKey(header.members["epk"]) }
        let candidates = keys.keys.filter { key in
            guard !header.keyIDIsInvalid, key.fits(algorithm, contentEncryption: encryption) else { return false }
            if let keyID = header.keyID, !(key.keyID?.hasSameCodePoints(as: keyID) ?? false) { return false }
            if let curve = ephemeralKey?.curve, !ECDHKeyAgreement.key(key, isOn: curve) { return false }
            return true
        }
        guard !candidates.isEmpty else { throw noFittingKey(header, keys: keys) }

        let parameters = Parameters(header)
        // Public facts, known to the sender: checked along with the secret ones, never on their own.
        let structureIsValid = algorithm.hasEmptyEncryptedKey == jwe.encryptedKey.isEmpty && parameters.areValid
        for key in candidates {
            let recovered = recoverContentKey(jwe, header: header, key: key, parameters: parameters, ephemeralKey: ephemeralKey?.key)
            let recoveredIsUsable = recovered?.count == encryption.keyByteCount
            var contentKey = recoveredIsUsable ? recovered! : ConstantTime.randomBytes(encryption.keyByteCount)
            let plaintext = ContentDecryption.decrypt(jwe, encryption: encryption, key: contentKey)
            ConstantTime.wipe(&contentKey)
            if let plaintext, recoveredIsUsable, structureIsValid {
                return Decrypted(plaintext: plaintext, key: key)
            }
        }
        let keyName = header.keyID.map { "kid \(quoted($0))" } ?? "no kid"
        let count = candidates.count == 1 ? "the decryption key" : "any of the \(candidates.count) decryption keys"
        throw .decryptionFailed("the \(algorithm)/\(encryption) response does not decrypt with \(count) fitting \(keyName)")
    }

    /// The error when no key fits, naming why (all of it is public: the header and the configuration).
    private static func noFittingKey(_ header: JWEHeader, keys: DecryptionKeySet) -> IntrospectionJWTError {
        let names = "\(header.algorithm)/\(header.contentEncryption)"
        if keys.isEmpty { return .decryptionFailed("the response is encrypted (\(names)) and no decryption key is configured") }
        if header.keyIDIsInvalid {
            return .decryptionFailed("the JWE \"kid\" is a \(header.members["kid"]?.typeName ?? "?"), not a string, and names no key")
        }
        if let keyID = header.keyID {
            if keys.keys.contains(where: { $0.keyID?.hasSameCodePoints(as: keyID) ?? false }) {
                return .decryptionFailed("the decryption key with kid \(quoted(keyID)) does not fit \(names) (its kty, curve, size or alg differ)")
            }
            return .decryptionFailed("no decryption key has kid \(quoted(keyID))")
        }
        return .decryptionFailed("no decryption key fits \(names) (the JWE has no kid)")
    }

    /// The header parameters of key management, decoded once: `apu`/`apv` (ECDH-ES), `iv`/`tag` (A*GCMKW).
    struct Parameters {
        var partyUInfo: [UInt8] = []
        var partyVInfo: [UInt8] = []
        var iv: [UInt8] = []
        var tag: [UInt8] = []
        /// False when one of them is present but not valid base64url of the right length.
        var areValid = true

        init(_ header: JWEHeader) {
            func decoded(_ name: String, length: Int? = nil) -> [UInt8] {
                guard let value = header.members[name] else {
                    if length != nil { areValid = false }  // iv and tag are required for A*GCMKW
                    return []
                }
                guard case .string(let text) = value, let bytes = Base64URL.decode(text), length.map({ $0 == bytes.count }) ?? true else {
                    areValid = false
                    return []
                }
                return bytes
            }
            switch header.algorithm.family {
            case .ecdh:
                partyUInfo = decoded("apu")
                partyVInfo = decoded("apv")
            case .aesGCMKeyWrap:
                iv = decoded("iv", length: 12)
                tag = decoded("tag", length: AESCipher.gcmTagByteCount)
            default:
                break
            }
        }
    }

    /// The CEK as `key` recovers it, or nil (the caller then carries on with a random one).
    private static func recoverContentKey(
        _ jwe: CompactJWE,
        header: JWEHeader,
        key: DecryptionKey,
        parameters: Parameters,
        ephemeralKey: EVPPublicKey?
    ) -> [UInt8]? {
        let encryption = header.contentEncryption
        switch header.algorithm.family {
        case .rsaOAEP(let digest):
            return key.material.privateKey?.decryptOAEP(jwe.encryptedKey, digest: digest)
        case .ecdh(let wrapKeyByteCount):
            guard let privateKey = key.material.privateKey, let ephemeralKey else { return nil }
            let algorithmID = wrapKeyByteCount == nil ? encryption.rawValue : header.algorithm.rawValue
            guard var agreed = ECDHKeyAgreement.agreedKey(
                privateKey: privateKey, ephemeralKey: ephemeralKey, algorithmID: algorithmID,
                partyUInfo: parameters.partyUInfo, partyVInfo: parameters.partyVInfo,
                byteCount: wrapKeyByteCount ?? encryption.keyByteCount)
            else { return nil }
            guard let wrapKeyByteCount else { return agreed }
            defer { ConstantTime.wipe(&agreed) }
            return AESCipher.cipher(.wrap, keyByteCount: wrapKeyByteCount)?.unwrap(key: agreed, wrapped: jwe.encryptedKey)
        case .aesKeyWrap(let keyByteCount):
            guard let secret = key.material.symmetricKey?.bytes else { return nil }
            return AESCipher.cipher(.wrap, keyByteCount: keyByteCount)?.unwrap(key: secret, wrapped: jwe.encryptedKey)
        case .aesGCMKeyWrap(let keyByteCount):
            guard let secret = key.material.symmetricKey?.bytes, !parameters.iv.isEmpty else { return nil }
            return AESCipher.cipher(.gcm, keyByteCount: keyByteCount)?.decryptGCM(
                key: secret, iv: parameters.iv, additionalData: UnsafeBufferPointer(start: nil, count: 0),
                ciphertext: jwe.encryptedKey, tag: parameters.tag)
        case .direct:
            return key.material.symmetricKey?.bytes
        }
    }
}
