// Written by hand: no listed Swift package decrypts JWE with OpenSSL (jwt-kit has no JWE, and issue 13 allows
// no second crypto library such as swift-crypto); OpenSSL does every primitive, this file only the JOSE rules.

/// The content decryption of a JWE with its content encryption key (RFC 7518 §5): AES-CBC with
/// HMAC-SHA-2 or AES-GCM.
enum ContentDecryption {
    /// The plaintext, or nil when anything is wrong: the key length, the IV length, the tag (missing,
    /// short, or not verifying), the padding. The caller reports every nil the same way.
    static func decrypt(_ jwe: CompactJWE, encryption: ContentEncryptionAlgorithm, key: [UInt8]) -> [UInt8]? {
        guard key.count == encryption.keyByteCount else { return nil }
        if encryption.isGCM {
            guard jwe.iv.count == encryption.ivByteCount,
                let cipher = AESCipher.cipher(.gcm, keyByteCount: encryption.keyByteCount)
            else { return nil }
            return jwe.additionalData.withUnsafeBufferPointer { aad in
                cipher.decryptGCM(key: key, iv: jwe.iv, additionalData: aad, ciphertext: jwe.ciphertext, tag: jwe.tag)
            }
        }
        return decryptCBCHMAC(jwe, encryption: encryption, key: key)
    }

    /// AES_CBC_HMAC_SHA2 (RFC 7518 §5.2.2.2): the tag is computed and compared in constant time first;
    /// nothing is decrypted unless it matches, so a padding error can never be observed without the key.
    private static func decryptCBCHMAC(_ jwe: CompactJWE, encryption: ContentEncryptionAlgorithm, key: [UInt8]) -> [UInt8]? {
        let half = key.count / 2
        let tagLength = encryption.tagByteCount
        // AL: the number of bits of the additional authenticated data, as a 64-bit big-endian integer.
        let bitCount = UInt64(jwe.additionalData.count) * 8
        let al = (0..<8).map { UInt8(truncatingIfNeeded: bitCount >> (56 - 8 * UInt64($0))) }
        let tagMatches = key.withUnsafeBufferPointer { keyBytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { mac -> Bool in
                let length = jwe.additionalData.withUnsafeBufferPointer { aad in
                    jwe.iv.withUnsafeBufferPointer { iv in
                        jwe.ciphertext.withUnsafeBufferPointer { ciphertext in
                            al.withUnsafeBufferPointer { al in
                                encryption.hmac.authenticate(
                                    key: UnsafeBufferPointer(rebasing: keyBytes[0..<half]),
                                    parts: [aad, iv, ciphertext, al], into: mac)
                            }
                        }
                    }
                }
                guard let length, length >= tagLength else { return false }
                // The received tag is compared at the expected length whatever its own length, so that a
                // short or long tag takes the same path; its length is checked after.
                var received = [UInt8](repeating: 0, count: tagLength)
                for index in 0..<min(tagLength, jwe.tag.count) { received[index] = jwe.tag[index] }
                let equal = received.withUnsafeBufferPointer { received in
                    ConstantTime.equals(UnsafeBufferPointer(rebasing: mac[0..<tagLength]), received)
                }
                return equal && jwe.tag.count == tagLength
            }
        }
        guard tagMatches, jwe.iv.count == encryption.ivByteCount,
            let cipher = AESCipher.cipher(.cbc, keyByteCount: half)
        else { return nil }
        return key.withUnsafeBufferPointer { keyBytes in
            cipher.decryptCBC(key: UnsafeBufferPointer(rebasing: keyBytes[half...]), iv: jwe.iv, ciphertext: jwe.ciphertext)
        }
    }
}
