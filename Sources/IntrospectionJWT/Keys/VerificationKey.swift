/// A public key from a JWK Set, checked and parsed into an OpenSSL key when the set was loaded.
///
/// Verifications reuse the parsed key: no key is ever parsed twice.
public struct VerificationKey: Sendable {
    /// The kind of key and its curve.
    public enum KeyType: Sendable, Hashable, CustomStringConvertible {
        /// An RSA key (`kty: RSA`).
        case rsa
        /// An elliptic-curve key on a NIST curve (`kty: EC`).
        case ec(EllipticCurve)
        /// An Edwards-curve key (`kty: OKP`).
        case okp(EdwardsCurve)

        /// The JWK `kty` value.
        public var jwkKeyType: String {
            switch self {
            case .rsa: "RSA"
            case .ec: "EC"
            case .okp: "OKP"
            }
        }

        /// `RSA`, `EC P-256`, `OKP Ed25519`, ...
        public var description: String {
            switch self {
            case .rsa: "RSA"
            case .ec(let curve): "EC \(curve.rawValue)"
            case .okp(let curve): "OKP \(curve.rawValue)"
            }
        }
    }

    /// The smallest RSA modulus accepted for signatures (RFC 7518 §3.3, §3.5; RFC 8725 §3.5).
    public static let minimumRSAModulusBitCount = 2048

    /// `kid`, when the JWK has one.
    public let keyID: String?
    /// `kty` and curve.
    public let keyType: KeyType
    /// `alg`, when the JWK restricts the key to one algorithm: always a supported signature algorithm that
    /// fits the key (a JWK with any other `alg` is skipped, not loaded).
    public let algorithm: String?
    /// `use`, when present (only `sig` keys are ever loaded).
    public let use: String?
    /// `key_ops`, when present (always includes `verify` for a loaded key).
    public let keyOperations: [String]?
    /// The key size in bits: the RSA modulus length, or the curve's size.
    public let bitCount: Int
    /// The JWK as received.
    public let jwk: JSONObject
    /// The OpenSSL key.
    let publicKey: EVPPublicKey

    /// Whether this is an RSA key with a modulus under 2048 bits, which never verifies anything.
    public var isWeak: Bool {
        keyType == .rsa && bitCount < Self.minimumRSAModulusBitCount
    }

    /// Whether the key may verify a signature made with `signatureAlgorithm`: the kty and curve fit, and
    /// the JWK's `alg`, when present, names exactly that algorithm (RFC 7517 §4.4, RFC 8725 §3.1).
    public func fits(_ signatureAlgorithm: SignatureAlgorithm) -> Bool {
        if let algorithm, !algorithm.hasSameCodePoints(as: signatureAlgorithm.rawValue) { return false }
        switch (signatureAlgorithm.family, keyType) {
        case (.rsaPKCS1, .rsa), (.rsaPSS, .rsa): return true
        case (.ecdsa(let wanted), .ec(let curve)): return wanted == curve
        case (.edDSA, .okp): return true
        default: return false
        }
    }

    /// Whether `signature` is a valid `algorithm` signature of `message` under this key. False when the
    /// key does not ``fits(_:)`` the algorithm or is weak.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8], algorithm: SignatureAlgorithm) -> Bool {
        signature.withUnsafeBufferPointer { signatureBytes in
            message.withUnsafeBufferPointer { messageBytes in
                isValidSignature(signatureBytes, for: messageBytes, algorithm: algorithm)
            }
        }
    }

    /// The verification itself, over raw buffers (the hot path; allocation free apart from OpenSSL's own).
    func isValidSignature(
        _ signature: UnsafeBufferPointer<UInt8>,
        for message: UnsafeBufferPointer<UInt8>,
        algorithm: SignatureAlgorithm
    ) -> Bool {
        guard fits(algorithm), !isWeak else { return false }
        guard let digestAlgorithm = algorithm.digest else {
            return publicKey.verify(signature: signature, message: message)
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: MessageDigest.maximumByteCount) { buffer in
            guard digestAlgorithm.hash(message, into: buffer) else { return false }
            let digest = UnsafeBufferPointer(rebasing: buffer[0..<digestAlgorithm.byteCount])
            switch algorithm.family {
            case .rsaPKCS1, .rsaPSS:
                return publicKey.verify(signature: signature, digest: digest, algorithm: algorithm)
            case .ecdsa(let curve):
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ECDSASignature.maximumDERByteCount) { der in
                    guard let length = ECDSASignature.der(fromRaw: signature, coordinateByteCount: curve.coordinateByteCount, into: der) else {
                        return false
                    }
                    return publicKey.verify(signature: UnsafeBufferPointer(rebasing: der[0..<length]), digest: digest, algorithm: algorithm)
                }
            case .edDSA:
                return false  // unreachable: EdDSA has no digest
            }
        }
    }
}

