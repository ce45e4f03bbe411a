internal import COpenSSL

/// An OpenSSL private key (`EVP_PKEY`): of a decryption key set (RSA for RSA-OAEP, EC P-256, P-384,
/// P-521 or X25519 for ECDH-ES), or of a ``JWTSigningKey`` (RSA, EC, Ed25519). Built once when the key is
/// loaded and shared by every operation; the pointer never leaves this class, and OpenSSL clears the
/// private material when it is freed.
final class EVPPrivateKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY is never mutated after construction; OpenSSL 3 allows one key to be used
    // by several threads at once, each operation working on a context of its own.

    /// The kind of key, as OpenSSL sees it.
    enum Kind: Equatable {
        case rsa
        case ec(EllipticCurve)
        case x25519
        case ed25519
    }

    private let pointer: OpaquePointer
    /// The kind of key.
    let kind: Kind

    private init(takingOwnershipOf pointer: OpaquePointer, kind: Kind) {
        self.pointer = pointer
        self.kind = kind
    }

    deinit { EVP_PKEY_free(pointer) }

    /// The key size in bits (the RSA modulus length, the curve's size).
    var bitCount: Int { Int(EVP_PKEY_get_bits(pointer)) }

    // MARK: - Construction

    /// The CRT parameters of an RSA private key (RFC 7518 §6.3.2.3-6.3.2.7).
    struct RSAFactors {
        let p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qi: [UInt8]
    }

    /// An RSA private key from its big-endian parameters. With the CRT factors, OpenSSL checks that they
    /// belong together (`EVP_PKEY_pairwise_check`).
    static func rsa(modulus: [UInt8], publicExponent: [UInt8], privateExponent: [UInt8], factors: RSAFactors?) throws(KeyConstructionFailure) -> EVPPrivateKey {
        var parameters: [(name: UnsafePointer<CChar>, value: EVPKeyBuilder.Value)] = [
            (ParameterName.rsaModulus, .bigNumber(modulus)), (ParameterName.rsaExponent, .bigNumber(publicExponent)),
            (ParameterName.rsaPrivateExponent, .bigNumber(privateExponent)),
        ]
        if let factors {
            parameters += [
                (ParameterName.rsaFactor1, .bigNumber(factors.p)), (ParameterName.rsaFactor2, .bigNumber(factors.q)),
                (ParameterName.rsaExponent1, .bigNumber(factors.dp)), (ParameterName.rsaExponent2, .bigNumber(factors.dq)),
                (ParameterName.rsaCoefficient1, .bigNumber(factors.qi)),
            ]
        }
        let key = EVPPrivateKey(
            takingOwnershipOf: try EVPKeyBuilder.build(algorithm: "RSA", selection: .keyPair, parameters: parameters), kind: .rsa)
        if factors != nil { try key.checkPair() }
        return key
    }

    /// An EC private key from its scalar and public point; refused unless the point is `d·G` on `curve`.
    static func ec(curve: EllipticCurve, d: [UInt8], x: [UInt8], y: [UInt8]) throws(KeyConstructionFailure) -> EVPPrivateKey {
        let key = EVPPrivateKey(takingOwnershipOf: try EVPKeyBuilder.build(algorithm: "EC", selection: .keyPair, parameters: [
            (ParameterName.groupName, .utf8(curve.rawValue)),
            (ParameterName.privateKey, .bigNumber(d)),
            (ParameterName.publicKey, .octets([0x04] + x + y)),
        ]), kind: .ec(curve))
        try key.checkPair()
        return key
    }

    /// An X25519 private key from its raw 32 bytes; when `x` is given it must be the key's public half.
    static func x25519(d: [UInt8], x: [UInt8]?) throws(KeyConstructionFailure) -> EVPPrivateKey {
        try raw(EVP_PKEY_X25519, kind: .x25519, name: "X25519", d: d, x: x)
    }

    /// An Ed25519 private key from its raw 32-byte seed (RFC 8037 §2 `d`); when `x` is given it must be the
    /// key's public half.
    static func ed25519(d: [UInt8], x: [UInt8]?) throws(KeyConstructionFailure) -> EVPPrivateKey {
        try raw(EVP_PKEY_ED25519, kind: .ed25519, name: "Ed25519", d: d, x: x)
    }

    /// A key of an OpenSSL raw-key type (`EVP_PKEY_X25519`, `EVP_PKEY_ED25519`) from its 32 private bytes,
    /// checked against `x` when given.
    private static func raw(_ type: Int32, kind: Kind, name: String, d: [UInt8], x: [UInt8]?) throws(KeyConstructionFailure) -> EVPPrivateKey {
        guard d.count == 32, let pointer = EVP_PKEY_new_raw_private_key(type, nil, d, d.count) else {
            throw KeyConstructionFailure(reason: "OpenSSL refused the \(name) key: \(OpenSSLErrorStack.drain())")
        }
        let key = EVPPrivateKey(takingOwnershipOf: pointer, kind: kind)
        if let x, key.rawPublicKey() != x {
            throw KeyConstructionFailure(reason: "\"x\" is not the public key of \"d\"")
        }
        return key
    }

    /// The raw public key of an X25519 or Ed25519 key (32 bytes), or nil.
    private func rawPublicKey() -> [UInt8]? {
        var publicKey = [UInt8](repeating: 0, count: 32)
        var length = publicKey.count
        guard EVP_PKEY_get_raw_public_key(pointer, &publicKey, &length) == 1, length == 32 else {
            OpenSSLErrorStack.clear()
            return nil
        }
        return publicKey
    }

    /// The one private key of a PEM file (PKCS #8 `PRIVATE KEY`, or the traditional `RSA PRIVATE KEY` and
    /// `EC PRIVATE KEY`), unencrypted: RSA, EC P-256/P-384/P-521, X25519 or Ed25519. Other key types are
    /// refused; the caller refuses the kinds it cannot use.
    static func pem(_ bytes: [UInt8]) throws(KeyConstructionFailure) -> EVPPrivateKey {
        let parsed: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            // No password callback: an encrypted PEM file fails instead of prompting.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let parsed else {
            throw KeyConstructionFailure(reason: "no unencrypted PEM private key: \(OpenSSLErrorStack.drain())")
        }
        let kind: Kind
        if EVP_PKEY_is_a(parsed, "RSA") == 1 {
            kind = .rsa
        } else if EVP_PKEY_is_a(parsed, "X25519") == 1 {
            kind = .x25519
        } else if EVP_PKEY_is_a(parsed, "ED25519") == 1 {
            kind = .ed25519
        } else if EVP_PKEY_is_a(parsed, "EC") == 1, let curve = curveName(of: parsed).flatMap(EllipticCurve.init(openSSLName:)) {
            kind = .ec(curve)
        } else {
            EVP_PKEY_free(parsed)
            OpenSSLErrorStack.clear()
            throw KeyConstructionFailure(reason: "the PEM key is not an RSA, EC P-256/P-384/P-521, X25519 or Ed25519 private key")
        }
        let key = EVPPrivateKey(takingOwnershipOf: parsed, kind: kind)
        if kind != .x25519, kind != .ed25519 { try key.checkPair() }
        return key
    }

    private static func curveName(of key: OpaquePointer) -> String? {
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_utf8_string_param(key, ParameterName.groupName, &name, name.count, &length) == 1 else {
            OpenSSLErrorStack.clear()
            return nil
        }
        return String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Checks that the private and public halves belong together.
    private func checkPair() throws(KeyConstructionFailure) {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else {
            throw KeyConstructionFailure(reason: "OpenSSL could not check the key: \(OpenSSLErrorStack.drain())")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_pairwise_check(context) == 1 else {
            throw KeyConstructionFailure(reason: "the private and public parameters do not belong together: \(OpenSSLErrorStack.drain())")
        }
    }

    // MARK: - Operations

    /// RSAES-OAEP decryption with `digest` for both the hash and MGF1 (RFC 8017 §7.1.2, RFC 7518 §4.3):
    /// the plaintext, or nil when the ciphertext does not decrypt. `label` is empty in JWE.
    func decryptOAEP(_ ciphertext: [UInt8], digest: MessageDigest, label: [UInt8] = []) -> [UInt8]? {
        guard kind == .rsa, let context = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else {
            OpenSSLErrorStack.clear()
            return nil
        }
        defer { EVP_PKEY_CTX_free(context) }
        let configured = digest.withUnsafeMDPointer { md in
            EVP_PKEY_decrypt_init(context) == 1
                && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_oaep_md(context, md) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(context, md) == 1
        }
        guard configured, label.isEmpty || setLabel(label, on: context) else {
            OpenSSLErrorStack.clear()
            return nil
        }
        var output = [UInt8](repeating: 0, count: max(bitCount / 8 + 1, 1))
        var length = output.count
        guard EVP_PKEY_decrypt(context, &output, &length, ciphertext, ciphertext.count) == 1 else {
            OpenSSLErrorStack.clear()
            return nil
        }
        let plaintext = Array(output[0..<length])
        output.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
        return plaintext
    }

    /// Sets the OAEP label (OpenSSL copies it).
    private func setLabel(_ label: [UInt8], on context: OpaquePointer) -> Bool {
        var label = label
        return label.withUnsafeMutableBytes { bytes in
            var parameters = [
                OSSL_PARAM_construct_octet_string(ParameterName.oaepLabel, bytes.baseAddress, bytes.count),
                OSSL_PARAM_construct_end(),
            ]
            return EVP_PKEY_CTX_set_params(context, &parameters) == 1
        }
    }

    /// The ECDH (or X25519) shared secret with `peer`, or nil when `peer` is not of this key's own curve,
    /// or when an X25519 secret is all zero (a low-order point, RFC 7748 §6.1). On the NIST curves a
    /// secret of zero bytes is a legitimate x-coordinate. `peer` was checked when it was built
    /// (``EVPPublicKey/ec(curve:x:y:check:)``: a point of the curve); OpenSSL refuses a peer of another group.
    func sharedSecret(with peer: EVPPublicKey) -> [UInt8]? {
        guard kind != .rsa, kind != .ed25519, let context = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else {
            OpenSSLErrorStack.clear()
            return nil
        }
        defer { EVP_PKEY_CTX_free(context) }
        // `validate: 0`: the point was checked when the peer key was built; OpenSSL still compares the groups.
        let ready = peer.withUnsafeKeyPointer { peerPointer in
            EVP_PKEY_derive_init(context) == 1 && EVP_PKEY_derive_set_peer_ex(context, peerPointer, 0) == 1
        }
        var length = 0
        guard ready, EVP_PKEY_derive(context, nil, &length) == 1, length > 0 else {
            OpenSSLErrorStack.clear()
            return nil
        }
        var secret = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_derive(context, &secret, &length) == 1, length == secret.count else {
            OpenSSLErrorStack.clear()
            return nil
        }
        // All zero: a contributory failure. Checked without an early exit over the bytes.
        guard kind != .x25519 || secret.reduce(0, |) != 0 else { return nil }
        return secret
    }
}

extension EVPPrivateKey {
    /// The JWS signature of `message` with `algorithm` (RFC 7518 §3, RFC 8037 §3.1), through
    /// `EVP_DigestSign`: RSASSA-PKCS1-v1_5, RSASSA-PSS with MGF1 of the same hash and a salt as long as the
    /// hash, ECDSA converted from DER to the fixed-length `R || S`, or Ed25519 over the message itself.
    /// Nil when the algorithm does not fit this key, or OpenSSL fails.
    func sign(_ message: [UInt8], algorithm: SignatureAlgorithm) -> [UInt8]? {
        switch (algorithm.family, kind) {
        case (.rsaPKCS1, .rsa), (.rsaPSS, .rsa), (.edDSA, .ed25519): break
        case (.ecdsa(let wanted), .ec(let curve)) where wanted == curve: break
        default: return nil
        }
        guard let context = EVP_MD_CTX_new() else {
            OpenSSLErrorStack.clear()
            return nil
        }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer? = nil
        let initialised: Bool
        if let digest = algorithm.digest {
            initialised = digest.withUnsafeMDPointer { md in
                // The digest's name, so that EVP_DigestSignInit_ex fetches the same implementation.
                EVP_DigestSignInit_ex(context, &keyContext, EVP_MD_get0_name(md), nil, nil, pointer, nil) == 1
                    && configure(keyContext, for: algorithm, md: md, byteCount: digest.byteCount)
            }
        } else {
            initialised = EVP_DigestSignInit_ex(context, &keyContext, nil, nil, nil, pointer, nil) == 1
        }
        var length = 0
        guard initialised, EVP_DigestSign(context, nil, &length, message, message.count) == 1, length > 0 else {
            OpenSSLErrorStack.clear()
            return nil
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            OpenSSLErrorStack.clear()
            return nil
        }
        signature.removeSubrange(length...)
        if case .ecdsa(let curve) = algorithm.family {
            return ECDSASignature.raw(fromDER: signature, coordinateByteCount: curve.coordinateByteCount)
        }
        return signature
    }

    /// The padding of RS* and PS* (RFC 7518 §3.3, §3.5); nothing to set for ES*.
    private func configure(_ keyContext: OpaquePointer?, for algorithm: SignatureAlgorithm, md: OpaquePointer, byteCount: Int) -> Bool {
        guard let keyContext else { return false }
        switch algorithm.family {
        case .rsaPKCS1:
            return EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1
        case .rsaPSS:
            return EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, md) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, Int32(byteCount)) == 1
        case .ecdsa, .edDSA:
            return true
        }
    }
}

extension EllipticCurve {
    /// The curve named by OpenSSL's group name (`prime256v1`, `secp384r1`, `secp521r1`, or the NIST name).
    init?(openSSLName name: String) {
        switch name {
        case "prime256v1", "P-256": self = .p256
        case "secp384r1", "P-384": self = .p384
        case "secp521r1", "P-521": self = .p521
        default: return nil
        }
    }
}
