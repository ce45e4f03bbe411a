internal import COpenSSL

/// Why OpenSSL refused to build a key from JWK parameters.
struct KeyConstructionFailure: Error, Sendable {
    let reason: String
}

/// An OpenSSL public key (`EVP_PKEY`), built once when a key set is loaded and shared by every
/// verification. The pointer never leaves this class.
final class EVPPublicKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY and the prepared contexts are never mutated once the key set is loaded
    // (`prepareVerification` runs before the key is shared); OpenSSL 3 allows one key to be used for
    // verification by several threads at once, and each verification works on its own context copy.

    private let pointer: OpaquePointer
    /// Verify contexts prepared once per algorithm this key can verify (index: `SignatureAlgorithm.index`).
    private var templates: [VerifyContextTemplate?]

    private init(takingOwnershipOf pointer: OpaquePointer) {
        self.pointer = pointer
        self.templates = []
    }

    deinit { EVP_PKEY_free(pointer) }

    /// Prepares the verify contexts for `algorithms`, once, while the key is being loaded (before it is
    /// shared). A verification then duplicates a prepared context instead of fetching the signature
    /// implementation by name and configuring padding and digests again.
    func prepareVerification(for algorithms: [SignatureAlgorithm]) {
        var templates = [VerifyContextTemplate?](repeating: nil, count: SignatureAlgorithm.allCases.count)
        for algorithm in algorithms {
            templates[algorithm.index] = VerifyContextTemplate(key: pointer, algorithm: algorithm)
        }
        self.templates = templates
    }

    /// The key size in bits (the RSA modulus length, the curve's field size, ...).
    var bitCount: Int { Int(EVP_PKEY_get_bits(pointer)) }

    // MARK: - Construction

    /// An RSA public key from the big-endian modulus and exponent.
    static func rsa(modulus: [UInt8], exponent: [UInt8]) throws(KeyConstructionFailure) -> EVPPublicKey {
        let key = try EVPKeyBuilder.build(algorithm: "RSA", selection: .publicKey, parameters: [
            (ParameterName.rsaModulus, .bigNumber(modulus)), (ParameterName.rsaExponent, .bigNumber(exponent)),
        ])
        return EVPPublicKey(takingOwnershipOf: key)
    }

    /// An EC public key on a NIST curve from its affine coordinates; refused unless the point lies on
    /// the curve and is a valid public key (`EVP_PKEY_public_check`: on the curve, not the point at
    /// infinity, of the group's order). Keys of a key set, checked once at load.
    static func ec(curve: EllipticCurve, x: [UInt8], y: [UInt8]) throws(KeyConstructionFailure) -> EVPPublicKey {
        let key = EVPPublicKey(takingOwnershipOf: try EVPKeyBuilder.build(algorithm: "EC", selection: .publicKey, parameters: [
            (ParameterName.groupName, .utf8(curve.rawValue)),
            (ParameterName.publicKey, .octets([0x04] + x + y)),  // uncompressed SEC 1 encoding
        ]))
        try key.checkPublicKey(on: curve, quick: false)
        return key
    }

    /// An ECDH-ES `epk` on a NIST curve (RFC 7518 §4.6.1.1), made per response: a duplicate of the curve's
    /// parameters-only key given the point (`EVP_PKEY_dup`, `EVP_PKEY_set1_encoded_public_key`), so that
    /// no key type is looked up by name, then `EVP_PKEY_public_check_quick`: on the curve and not the point
    /// at infinity. On the NIST prime curves (cofactor 1) that is the whole defence against invalid-curve
    /// attacks; the order check of ``ec(curve:x:y:)`` would cost another scalar multiplication.
    static func ephemeral(curve: EllipticCurve, x: [UInt8], y: [UInt8]) throws(KeyConstructionFailure) -> EVPPublicKey {
        guard let template = curveParameters[curve], let copy = EVP_PKEY_dup(template.pointer) else {
            throw KeyConstructionFailure(reason: "OpenSSL could not make a \(curve.rawValue) key: \(OpenSSLErrorStack.drain())")
        }
        let key = EVPPublicKey(takingOwnershipOf: copy)
        let point = [0x04] + x + y  // uncompressed SEC 1 encoding
        guard EVP_PKEY_set1_encoded_public_key(copy, point, point.count) == 1 else {
            throw KeyConstructionFailure(reason: "the point is not on \(curve.rawValue): \(OpenSSLErrorStack.drain())")
        }
        try key.checkPublicKey(on: curve, quick: true)
        return key
    }

    /// One parameters-only key per NIST curve: the templates of ``ephemeral(curve:x:y:)``.
    private static let curveParameters: [EllipticCurve: EVPPublicKey] = {
        var templates: [EllipticCurve: EVPPublicKey] = [:]
        for curve in EllipticCurve.allCases {
            let parameters = try? EVPKeyBuilder.build(algorithm: "EC", selection: .parameters, parameters: [
                (ParameterName.groupName, .utf8(curve.rawValue)),
            ])
            templates[curve] = parameters.map(EVPPublicKey.init(takingOwnershipOf:))
        }
        return templates
    }()

    private func checkPublicKey(on curve: EllipticCurve, quick: Bool) throws(KeyConstructionFailure) {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else {
            throw KeyConstructionFailure(reason: "OpenSSL could not check the key: \(OpenSSLErrorStack.drain())")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard (quick ? EVP_PKEY_public_check_quick(context) : EVP_PKEY_public_check(context)) == 1 else {
            throw KeyConstructionFailure(reason: "the point is not a valid public key on \(curve.rawValue): \(OpenSSLErrorStack.drain())")
        }
    }

    /// An Ed25519 or Ed448 public key from its raw encoding.
    static func edwards(curve: EdwardsCurve, x: [UInt8]) throws(KeyConstructionFailure) -> EVPPublicKey {
        let type = curve == .ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448
        guard let pointer = EVP_PKEY_new_raw_public_key(type, nil, x, x.count) else {
            throw KeyConstructionFailure(reason: "OpenSSL refused the \(curve.rawValue) key: \(OpenSSLErrorStack.drain())")
        }
        return EVPPublicKey(takingOwnershipOf: pointer)
    }

    /// An X25519 public key (an ECDH-ES `epk`) from its raw 32 bytes, made as ``ephemeral(curve:x:y:)``
    /// makes a NIST one: a duplicate of a template key given the bytes. Every 32-byte string is a
    /// u-coordinate; low-order points are caught where the shared secret comes out as zero.
    static func x25519(x: [UInt8]) throws(KeyConstructionFailure) -> EVPPublicKey {
        guard x.count == 32, let template = x25519Template, let copy = EVP_PKEY_dup(template.pointer) else {
            throw KeyConstructionFailure(reason: "OpenSSL refused the X25519 key: \(OpenSSLErrorStack.drain())")
        }
        let key = EVPPublicKey(takingOwnershipOf: copy)
        guard EVP_PKEY_set1_encoded_public_key(copy, x, x.count) == 1 else {
            throw KeyConstructionFailure(reason: "OpenSSL refused the X25519 key: \(OpenSSLErrorStack.drain())")
        }
        return key
    }

    /// The X25519 template: the base point (u = 9).
    private static let x25519Template: EVPPublicKey? = {
        let basePoint: [UInt8] = [9] + [UInt8](repeating: 0, count: 31)
        return EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nil, basePoint, basePoint.count).map(EVPPublicKey.init(takingOwnershipOf:))
    }()

    /// Lends the `EVP_PKEY` to `body` (an ECDH derivation that takes this key as its peer); the pointer
    /// must not be kept.
    func withUnsafeKeyPointer<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        try body(pointer)
    }

    // MARK: - Verification

    /// Verifies an RSA or ECDSA signature over a precomputed digest (for ECDSA, `signature` is DER),
    /// with the context prepared for `algorithm`.
    func verify(
        signature: UnsafeBufferPointer<UInt8>,
        digest: UnsafeBufferPointer<UInt8>,
        algorithm: SignatureAlgorithm
    ) -> Bool {
        guard algorithm.index < templates.count, let template = templates[algorithm.index] else { return false }
        return template.verify(signature: signature, digest: digest)
    }

    /// Verifies an EdDSA signature over the message itself (RFC 8037 §3.1: no pre-hash).
    func verify(signature: UnsafeBufferPointer<UInt8>, message: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let context = EVP_MD_CTX_new() else {
            OpenSSLErrorStack.clear()
            return false
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit_ex(context, nil, nil, nil, nil, pointer, nil) == 1 else {
            OpenSSLErrorStack.clear()
            return false
        }
        let status = EVP_DigestVerify(context, signature.baseAddress, signature.count, message.baseAddress, message.count)
        if status != 1 { OpenSSLErrorStack.clear() }
        return status == 1
    }
}

/// An `EVP_PKEY_CTX` initialised for verification with one algorithm's padding and digests. It is never
/// used directly: a verification works on a context of its own — a duplicate (`EVP_PKEY_CTX_dup`) made
/// the first time, then kept in a small pool and reused, so that a warm verification neither duplicates
/// nor allocates a context. One template serves every thread.
private final class VerifyContextTemplate: @unchecked Sendable {
    // @unchecked: `pointer` is only read (duplicated) after init; the pool is guarded by its lock.

    private let pointer: OpaquePointer
    private let pool = OpenSSLContextPool { EVP_PKEY_CTX_free($0) }

    init?(key: OpaquePointer, algorithm: SignatureAlgorithm) {
        guard let digest = algorithm.digest, let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            OpenSSLErrorStack.clear()
            return nil
        }
        let configured = digest.withUnsafeMDPointer { md -> Bool in
            guard EVP_PKEY_verify_init(context) == 1, EVP_PKEY_CTX_set_signature_md(context, md) == 1 else {
                return false
            }
            switch algorithm.family {
            case .rsaPKCS1:
                return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
            case .rsaPSS:
                // RFC 7518 §3.5: MGF1 with the same hash, and a salt as long as the hash.
                return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1
                    && EVP_PKEY_CTX_set_rsa_mgf1_md(context, md) == 1
                    && EVP_PKEY_CTX_set_rsa_pss_saltlen(context, Int32(digest.byteCount)) == 1
            case .ecdsa:
                return true
            case .edDSA:
                return false
            }
        }
        guard configured else {
            EVP_PKEY_CTX_free(context)
            OpenSSLErrorStack.clear()
            return nil
        }
        self.pointer = context
    }

    deinit {
        EVP_PKEY_CTX_free(pointer)
    }

    func verify(signature: UnsafeBufferPointer<UInt8>, digest: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let context = pool.take() ?? EVP_PKEY_CTX_dup(pointer) else {
            OpenSSLErrorStack.clear()
            return false
        }
        // EVP_PKEY_verify keeps no state in the context between calls: a context that verified a
        // signature is as good as a fresh duplicate. One that failed is freed, never reused.
        let status = EVP_PKEY_verify(context, signature.baseAddress, signature.count, digest.baseAddress, digest.count)
        guard status == 1 else {
            EVP_PKEY_CTX_free(context)
            OpenSSLErrorStack.clear()
            return false
        }
        pool.giveBack(context)
        return true
    }
}
