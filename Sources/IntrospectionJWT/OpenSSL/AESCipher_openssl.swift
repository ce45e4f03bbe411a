internal import COpenSSL

/// An AES cipher fetched from OpenSSL once (`EVP_CIPHER_fetch`): GCM, CBC or key wrap (RFC 3394) with a
/// 128, 192 or 256-bit key. Each operation works on a cipher context of its own, freed before it returns.
final class AESCipher: @unchecked Sendable {
    // @unchecked: the EVP_CIPHER is immutable after the fetch and OpenSSL allows it to be shared.

    /// The mode of operation.
    enum Mode: String {
        case gcm = "GCM"
        case cbc = "CBC"
        case wrap = "WRAP"
    }

    private let pointer: OpaquePointer
    /// The key length in bytes.
    let keyByteCount: Int
    let mode: Mode

    private init(mode: Mode, keyByteCount: Int) {
        let name = "AES-\(keyByteCount * 8)-\(mode.rawValue)"
        guard let pointer = EVP_CIPHER_fetch(nil, name, nil) else {
            // Without AES the OpenSSL installation is unusable for decryption; nothing can recover.
            fatalError("OpenSSL provides no \(name) implementation: \(OpenSSLErrorStack.drain())")
        }
        self.pointer = pointer
        self.mode = mode
        self.keyByteCount = keyByteCount
    }

    deinit { EVP_CIPHER_free(pointer) }

    private static let all: [Mode: [Int: AESCipher]] = {
        var table: [Mode: [Int: AESCipher]] = [:]
        for mode in [Mode.gcm, .cbc, .wrap] {
            table[mode] = Dictionary(uniqueKeysWithValues: [16, 24, 32].map { ($0, AESCipher(mode: mode, keyByteCount: $0)) })
        }
        return table
    }()

    /// The cipher for `mode` with a key of `keyByteCount` bytes (16, 24 or 32), or nil for another length.
    static func cipher(_ mode: Mode, keyByteCount: Int) -> AESCipher? {
        all[mode]?[keyByteCount]
    }

    /// The GCM tag length JWE uses (RFC 7518 §5.3, §4.7): 128 bits, never shorter.
    static let gcmTagByteCount = 16

    /// AES-GCM decryption: the plaintext, or nil when the key has the wrong length, the IV is empty, the
    /// tag is not 16 bytes, or the tag does not verify.
    func decryptGCM(key: [UInt8], iv: [UInt8], additionalData: UnsafeBufferPointer<UInt8>, ciphertext: [UInt8], tag: [UInt8]) -> [UInt8]? {
        guard mode == .gcm, key.count == keyByteCount, !iv.isEmpty, tag.count == Self.gcmTagByteCount else { return nil }
        return withContext { context in
            var length: Int32 = 0
            var tag = tag
            var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
            guard EVP_DecryptInit_ex2(context, pointer, nil, nil, nil) == 1,
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(iv.count), nil) == 1,
                EVP_DecryptInit_ex2(context, nil, key, iv, nil) == 1,
                additionalData.isEmpty
                    || EVP_DecryptUpdate(context, nil, &length, additionalData.baseAddress, Int32(additionalData.count)) == 1,
                EVP_DecryptUpdate(context, &plaintext, &length, ciphertext, Int32(ciphertext.count)) == 1
            else { return nil }
            let written = Int(length)
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tag.count), &tag) == 1,
                plaintext.withUnsafeMutableBufferPointer({ buffer in
                    EVP_DecryptFinal_ex(context, buffer.baseAddress! + written, &length)
                }) == 1
            else {
                plaintext.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
                return nil
            }
            return Array(plaintext[0..<(written + Int(length))])
        }
    }

    /// AES-CBC decryption with PKCS #7 padding: the plaintext, or nil when the padding is bad. Called only
    /// after the HMAC tag of A*CBC-HS* verified.
    func decryptCBC(key: UnsafeBufferPointer<UInt8>, iv: [UInt8], ciphertext: [UInt8]) -> [UInt8]? {
        guard mode == .cbc, key.count == keyByteCount, iv.count == 16, !ciphertext.isEmpty, ciphertext.count % 16 == 0 else {
            return nil
        }
        return withContext { context in
            var length: Int32 = 0
            var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
            guard EVP_DecryptInit_ex2(context, pointer, key.baseAddress, iv, nil) == 1,
                EVP_DecryptUpdate(context, &plaintext, &length, ciphertext, Int32(ciphertext.count)) == 1
            else { return nil }
            let written = Int(length)
            guard plaintext.withUnsafeMutableBufferPointer({ buffer in
                EVP_DecryptFinal_ex(context, buffer.baseAddress! + written, &length)
            }) == 1 else { return nil }
            return Array(plaintext[0..<(written + Int(length))])
        }
    }

    /// AES key unwrap (RFC 3394 with its default IV, RFC 7518 §4.4): the key, or nil when the wrapped key
    /// is not a multiple of 8 bytes, is shorter than 16, or its integrity check fails.
    func unwrap(key: [UInt8], wrapped: [UInt8]) -> [UInt8]? {
        guard mode == .wrap, key.count == keyByteCount, wrapped.count >= 16, wrapped.count % 8 == 0 else { return nil }
        return withContext { context in
            EVP_CIPHER_CTX_set_flags(context, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW)
            var length: Int32 = 0
            var unwrapped = [UInt8](repeating: 0, count: wrapped.count + 16)
            guard EVP_DecryptInit_ex2(context, pointer, key, nil, nil) == 1,
                EVP_DecryptUpdate(context, &unwrapped, &length, wrapped, Int32(wrapped.count)) == 1,
                Int(length) == wrapped.count - 8
            else {
                unwrapped.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
                return nil
            }
            return Array(unwrapped[0..<Int(length)])
        }
    }

    /// Runs `body` with a fresh cipher context, freed (and its key schedule cleared) afterwards.
    private func withContext(_ body: (OpaquePointer) -> [UInt8]?) -> [UInt8]? {
        guard let context = EVP_CIPHER_CTX_new() else {
            OpenSSLErrorStack.clear()
            return nil
        }
        defer { EVP_CIPHER_CTX_free(context) }
        let result = body(context)
        if result == nil { OpenSSLErrorStack.clear() }
        return result
    }
}
