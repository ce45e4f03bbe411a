// Written by hand, apart from the library's decryption (Sources/IntrospectionJWT/JWE): the local
// authorization server's encrypted answers must be able to show a mistake in that code, so they share
// none of it. As in Scripts/generate-jwe-vectors.py, the JOSE composition (the Concat KDF of RFC 7518
// §4.6.2, AES_CBC_HMAC_SHA2 of §5.2, the OpenID Connect §10.2 key, the compact serialization) is written
// out here, and only primitives come from OpenSSL, through its one-shot or EVP interfaces directly.

internal import COpenSSL
import IntrospectionJWT

/// Encrypts a signed JWT into a compact JWE (RFC 7516 §7.1) for the local authorization server.
enum TestJWEEncryptor {
    /// What the content encryption key is protected with.
    enum Recipient {
        /// The resource server's public key (RSA-OAEP, ECDH-ES).
        case publicKey(TestEncryptionKey)
        /// A shared symmetric key (A*KW, A*GCMKW, `dir`) of the size the algorithm needs.
        case symmetric([UInt8])
    }

    /// Why encryption was not possible (a test set-up mistake, such as an RSA key given for `A128KW`).
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The compact JWE of `plaintext`. `headerMembers` come first in the protected header (`typ`, `cty`,
    /// `kid`, ...), then `alg`, `enc` and the parameters the algorithm adds (`epk`, `iv`, `tag`).
    static func encrypt(
        _ plaintext: [UInt8],
        algorithm: KeyManagementAlgorithm,
        contentEncryption: ContentEncryptionAlgorithm,
        recipient: Recipient,
        headerMembers: [JSONObject.Member]
    ) throws(Failure) -> String {
        let cekByteCount = contentKeyByteCount(contentEncryption)
        var header = headerMembers
        header.append(.init(name: "alg", value: .string(algorithm.rawValue)))
        header.append(.init(name: "enc", value: .string(contentEncryption.rawValue)))

        var cek = randomBytes(cekByteCount)
        var encryptedKey: [UInt8] = []
        switch (algorithm, recipient) {
        case (.rsaOAEP, .publicKey(let key)), (.rsaOAEP256, .publicKey(let key)), (.rsaOAEP384, .publicKey(let key)),
             (.rsaOAEP512, .publicKey(let key)):
            let digest = switch algorithm {
            case .rsaOAEP: "SHA1"
            case .rsaOAEP256: "SHA256"
            case .rsaOAEP384: "SHA384"
            default: "SHA512"
            }
            encryptedKey = try rsaOAEPEncrypt(cek, key: key, digest: digest)
        case (.ecdhES, .publicKey(let key)), (.ecdhESA128KW, .publicKey(let key)), (.ecdhESA192KW, .publicKey(let key)),
             (.ecdhESA256KW, .publicKey(let key)):
            let wrapByteCount: Int? = switch algorithm {
            case .ecdhESA128KW: 16
            case .ecdhESA192KW: 24
            case .ecdhESA256KW: 32
            default: nil
            }
            let (z, epk) = try ephemeralAgreement(with: key)
            header.append(.init(name: "epk", value: epk))
            // RFC 7518 §4.6.2: AlgorithmID is the enc for direct agreement, the alg with key wrap.
            let algorithmID = wrapByteCount == nil ? contentEncryption.rawValue : algorithm.rawValue
            let derived = concatKDF(z: z, algorithmID: algorithmID, byteCount: wrapByteCount ?? cekByteCount)
            if wrapByteCount == nil {
                cek = derived
            } else {
                encryptedKey = try aesKeyWrap(cek, key: derived)
            }
        case (.a128KW, .symmetric(let key)), (.a192KW, .symmetric(let key)), (.a256KW, .symmetric(let key)):
            encryptedKey = try aesKeyWrap(cek, key: key)
        case (.a128GCMKW, .symmetric(let key)), (.a192GCMKW, .symmetric(let key)), (.a256GCMKW, .symmetric(let key)):
            let iv = randomBytes(12)
            let (wrapped, tag) = try aesGCMEncrypt(cek, key: key, iv: iv, additionalData: [])
            encryptedKey = wrapped
            header.append(.init(name: "iv", value: .string(TestBase64URL.encode(iv))))
            header.append(.init(name: "tag", value: .string(TestBase64URL.encode(tag))))
        case (.direct, .symmetric(let key)):
            guard key.count == cekByteCount else {
                throw Failure("dir with \(contentEncryption) needs a \(cekByteCount)-byte key, not \(key.count)")
            }
            cek = key
        default:
            throw Failure("\(algorithm) cannot be used with this kind of key")
        }

        let protectedHeader = TestBase64URL.encode(JSONWriter.string(for: .object(JSONObject(members: header))))
        let additionalData = Array(protectedHeader.utf8)
        let iv: [UInt8]
        let ciphertext: [UInt8]
        let tag: [UInt8]
        switch contentEncryption {
        case .a128GCM, .a192GCM, .a256GCM:
            iv = randomBytes(12)
            (ciphertext, tag) = try aesGCMEncrypt(plaintext, key: cek, iv: iv, additionalData: additionalData)
        case .a128CBCHS256, .a192CBCHS384, .a256CBCHS512:
            // RFC 7518 §5.2.2.1: MAC_KEY is the first half of the CEK, ENC_KEY the second.
            let half = cekByteCount / 2
            let macKey = Array(cek[..<half])
            let encryptionKey = Array(cek[half...])
            iv = randomBytes(16)
            ciphertext = try aesCBCEncrypt(plaintext, key: encryptionKey, iv: iv)
            var lengthBits = UInt64(additionalData.count * 8).bigEndian
            let al = withUnsafeBytes(of: &lengthBits) { Array($0) }
            let digest = switch contentEncryption {
            case .a128CBCHS256: "SHA256"
            case .a192CBCHS384: "SHA384"
            default: "SHA512"
            }
            let mac = try hmac(digest: digest, key: macKey, data: additionalData + iv + ciphertext + al)
            tag = Array(mac[..<half])
        }
        return [protectedHeader, TestBase64URL.encode(encryptedKey), TestBase64URL.encode(iv), TestBase64URL.encode(ciphertext),
                TestBase64URL.encode(tag)].joined(separator: ".")
    }

    /// The OpenID Connect Core 1.0 §10.2 key of `byteCount` bytes from a client secret: the left-most
    /// bytes of SHA-256 (up to 32 bytes), SHA-384 (up to 48) or SHA-512 of its UTF-8 octets.
    static func clientSecretKey(_ secret: String, byteCount: Int) -> [UInt8] {
        let digest = byteCount <= 32 ? EVP_sha256() : byteCount <= 48 ? EVP_sha384() : EVP_sha512()
        var output = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        let input = Array(secret.utf8)
        guard EVP_Digest(input, input.count, &output, &length, digest, nil) == 1 else {
            fatalError("OpenSSL could not hash a client secret")
        }
        return Array(output[..<byteCount])
    }

    /// The size of the content encryption key of `encryption` in bytes (RFC 7518 §5.2.3-5.2.5, §5.3),
    /// restated from the RFC rather than taken from the library, which this code is meant to check.
    static func contentKeyByteCount(_ encryption: ContentEncryptionAlgorithm) -> Int {
        switch encryption {
        case .a128CBCHS256: 32
        case .a192CBCHS384: 48
        case .a256CBCHS512: 64
        case .a128GCM: 16
        case .a192GCM: 24
        case .a256GCM: 32
        }
    }

    /// The size of the symmetric key `algorithm` takes (A*KW, A*GCMKW), or for `dir` the CEK of
    /// `encryption`; nil for the public-key algorithms.
    static func symmetricKeyByteCount(_ algorithm: KeyManagementAlgorithm, _ encryption: ContentEncryptionAlgorithm) -> Int? {
        switch algorithm {
        case .a128KW, .a128GCMKW: 16
        case .a192KW, .a192GCMKW: 24
        case .a256KW, .a256GCMKW: 32
        case .direct: contentKeyByteCount(encryption)
        default: nil
        }
    }

    // MARK: - Primitives

    static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { fatalError("OpenSSL has no randomness") }
        return bytes
    }

    /// RSAES-OAEP with `digest` for the hash and MGF1 (RFC 8017 §7.1, RFC 7518 §4.3).
    private static func rsaOAEPEncrypt(_ message: [UInt8], key: TestEncryptionKey, digest: String) throws(Failure) -> [UInt8] {
        guard case .rsa = key.kind else { throw Failure("RSA-OAEP needs an RSA key") }
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else { throw Failure("EVP_PKEY_CTX_new_from_pkey failed") }
        defer { EVP_PKEY_CTX_free(context) }
        var length = 0
        guard EVP_PKEY_encrypt_init(context) == 1,
            EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING) == 1,
            EVP_PKEY_CTX_set_rsa_oaep_md_name(context, digest, nil) == 1,
            EVP_PKEY_CTX_set_rsa_mgf1_md_name(context, digest, nil) == 1,
            EVP_PKEY_encrypt(context, nil, &length, message, message.count) == 1
        else { throw Failure("RSA-OAEP set-up failed") }
        var output = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_encrypt(context, &output, &length, message, message.count) == 1 else { throw Failure("RSA-OAEP failed") }
        return Array(output[..<length])
    }

    /// A fresh ephemeral key on the recipient's curve, the shared secret Z with the recipient's public key,
    /// and the ephemeral public key as the `epk` JWK (RFC 7518 §4.6.1.1).
    private static func ephemeralAgreement(with recipient: TestEncryptionKey) throws(Failure) -> (z: [UInt8], epk: JSONValue) {
        if case .rsa = recipient.kind { throw Failure("ECDH-ES needs an EC or X25519 key") }
        return try agreement(with: recipient)
    }

    private static func agreement(with recipient: TestEncryptionKey) throws(Failure) -> (z: [UInt8], epk: JSONValue) {
        guard let generation = EVP_PKEY_CTX_new_from_pkey(nil, recipient.pointer, nil) else { throw Failure("no key context") }
        defer { EVP_PKEY_CTX_free(generation) }
        var ephemeral: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(generation) == 1, EVP_PKEY_generate(generation, &ephemeral) == 1, let ephemeral else {
            throw Failure("no ephemeral key")
        }
        defer { EVP_PKEY_free(ephemeral) }
        guard let derivation = EVP_PKEY_CTX_new_from_pkey(nil, ephemeral, nil) else { throw Failure("no derivation context") }
        defer { EVP_PKEY_CTX_free(derivation) }
        var length = 0
        guard EVP_PKEY_derive_init(derivation) == 1, EVP_PKEY_derive_set_peer(derivation, recipient.pointer) == 1,
            EVP_PKEY_derive(derivation, nil, &length) == 1
        else { throw Failure("ECDH set-up failed") }
        var z = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_derive(derivation, &z, &length) == 1 else { throw Failure("ECDH failed") }

        var members: [JSONObject.Member] = []
        switch recipient.kind {
        case .ec(let curve):
            let size = TestEncryptionKey.coordinateByteCount(curve)
            members.append(.init(name: "kty", value: .string("EC")))
            members.append(.init(name: "crv", value: .string(curve.rawValue)))
            members.append(.init(name: "x", value: .string(TestBase64URL.encode(TestEncryptionKey.leftPad(TestEncryptionKey.bigNumber(ephemeral, OSSL_PKEY_PARAM_EC_PUB_X), size)))))
            members.append(.init(name: "y", value: .string(TestBase64URL.encode(TestEncryptionKey.leftPad(TestEncryptionKey.bigNumber(ephemeral, OSSL_PKEY_PARAM_EC_PUB_Y), size)))))
        default:
            members.append(.init(name: "kty", value: .string("OKP")))
            members.append(.init(name: "crv", value: .string("X25519")))
            members.append(.init(name: "x", value: .string(TestBase64URL.encode(TestEncryptionKey.rawPublicKey(ephemeral)))))
        }
        return (Array(z[..<length]), .object(JSONObject(members: members)))
    }

    /// The Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A §5.8.1) with SHA-256, written out: rounds of
    /// SHA-256(counter || Z || OtherInfo), OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo (each a
    /// 32-bit length and the bytes; `apu` and `apv` are empty here) || SuppPubInfo (the key length in bits).
    static func concatKDF(z: [UInt8], algorithmID: String, byteCount: Int) -> [UInt8] {
        func bigEndian32(_ value: Int) -> [UInt8] {
            [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
        }
        let algorithm = Array(algorithmID.utf8)
        let otherInfo = bigEndian32(algorithm.count) + algorithm + bigEndian32(0) + bigEndian32(0) + bigEndian32(byteCount * 8)
        var output: [UInt8] = []
        var counter = 1
        while output.count < byteCount {
            let input = bigEndian32(counter) + z + otherInfo
            var digest = [UInt8](repeating: 0, count: 32)
            var length: UInt32 = 0
            guard EVP_Digest(input, input.count, &digest, &length, EVP_sha256(), nil) == 1 else { fatalError("SHA-256 failed") }
            output += digest
            counter += 1
        }
        return Array(output[..<byteCount])
    }

    /// An AES cipher by its OpenSSL name for `key`'s size, e.g. `AES-256-GCM`.
    private static func withCipher<R>(_ mode: String, keyByteCount: Int, _ body: (OpaquePointer, OpaquePointer) throws(Failure) -> R) throws(Failure) -> R {
        guard let cipher = EVP_CIPHER_fetch(nil, "AES-\(keyByteCount * 8)-\(mode)", nil) else {
            throw Failure("OpenSSL has no AES-\(keyByteCount * 8)-\(mode)")
        }
        defer { EVP_CIPHER_free(cipher) }
        guard let context = EVP_CIPHER_CTX_new() else { throw Failure("no cipher context") }
        defer { EVP_CIPHER_CTX_free(context) }
        return try body(cipher, context)
    }

    /// AES key wrap (RFC 3394), as A*KW and ECDH-ES+A*KW use it (RFC 7518 §4.4).
    private static func aesKeyWrap(_ cek: [UInt8], key: [UInt8]) throws(Failure) -> [UInt8] {
        try withCipher("WRAP", keyByteCount: key.count) { (cipher, context) throws(Failure) -> [UInt8] in
            EVP_CIPHER_CTX_set_flags(context, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW)
            var output = [UInt8](repeating: 0, count: cek.count + 16)
            var length: Int32 = 0
            var final: Int32 = 0
            guard EVP_EncryptInit_ex2(context, cipher, key, nil, nil) == 1,
                EVP_EncryptUpdate(context, &output, &length, cek, Int32(cek.count)) == 1,
                output.withUnsafeMutableBufferPointer({ EVP_EncryptFinal_ex(context, $0.baseAddress! + Int(length), &final) }) == 1
            else { throw Failure("AES key wrap failed") }
            return Array(output[..<Int(length + final)])
        }
    }

    /// AES-GCM with a 96-bit IV and a 128-bit tag (RFC 7518 §5.3, §4.7).
    private static func aesGCMEncrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8], additionalData: [UInt8]) throws(Failure) -> (ciphertext: [UInt8], tag: [UInt8]) {
        try withCipher("GCM", keyByteCount: key.count) { (cipher, context) throws(Failure) -> ([UInt8], [UInt8]) in
            var output = [UInt8](repeating: 0, count: plaintext.count + 16)
            var tag = [UInt8](repeating: 0, count: 16)
            var length: Int32 = 0
            var final: Int32 = 0
            var ignored: Int32 = 0
            guard EVP_EncryptInit_ex2(context, cipher, nil, nil, nil) == 1,
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(iv.count), nil) == 1,
                EVP_EncryptInit_ex2(context, nil, key, iv, nil) == 1,
                additionalData.isEmpty || EVP_EncryptUpdate(context, nil, &ignored, additionalData, Int32(additionalData.count)) == 1,
                EVP_EncryptUpdate(context, &output, &length, plaintext, Int32(plaintext.count)) == 1,
                output.withUnsafeMutableBufferPointer({ EVP_EncryptFinal_ex(context, $0.baseAddress! + Int(length), &final) }) == 1,
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, &tag) == 1
            else { throw Failure("AES-GCM failed") }
            return (Array(output[..<Int(length + final)]), tag)
        }
    }

    /// AES-CBC with PKCS #7 padding (RFC 7518 §5.2.2.1).
    private static func aesCBCEncrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(Failure) -> [UInt8] {
        try withCipher("CBC", keyByteCount: key.count) { (cipher, context) throws(Failure) -> [UInt8] in
            var output = [UInt8](repeating: 0, count: plaintext.count + 16)
            var length: Int32 = 0
            var final: Int32 = 0
            guard EVP_EncryptInit_ex2(context, cipher, key, iv, nil) == 1,
                EVP_EncryptUpdate(context, &output, &length, plaintext, Int32(plaintext.count)) == 1,
                output.withUnsafeMutableBufferPointer({ EVP_EncryptFinal_ex(context, $0.baseAddress! + Int(length), &final) }) == 1
            else { throw Failure("AES-CBC failed") }
            return Array(output[..<Int(length + final)])
        }
    }

    /// HMAC with `digest` (OpenSSL's one-shot `EVP_Q_mac`).
    private static func hmac(digest: String, key: [UInt8], data: [UInt8]) throws(Failure) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 64)
        var length = 0
        guard EVP_Q_mac(nil, "HMAC", nil, digest, nil, key, key.count, data, data.count, &output, output.count, &length) != nil else {
            throw Failure("HMAC-\(digest) failed")
        }
        return Array(output[..<length])
    }
}
