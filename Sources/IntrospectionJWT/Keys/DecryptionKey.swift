/// A private or symmetric key of the resource server for decrypting encrypted responses, checked and
/// parsed into an OpenSSL key when its set was loaded (no key is ever parsed twice).
public struct DecryptionKey: Sendable {
    /// The kind of key and its curve or size.
    public enum KeyType: Sendable, Hashable, CustomStringConvertible {
        /// An RSA private key, for RSA-OAEP.
        case rsa
        /// An EC private key on a NIST curve, for ECDH-ES.
        case ec(EllipticCurve)
        /// An X25519 private key (`kty: OKP`, `crv: X25519`), for ECDH-ES.
        case x25519
        /// A symmetric key of this many bytes (`kty: oct`), for A*KW, A*GCMKW and `dir`.
        case symmetric(byteCount: Int)

        /// The JWK `kty` value.
        public var jwkKeyType: String {
            switch self {
            case .rsa: "RSA"
            case .ec: "EC"
            case .x25519: "OKP"
            case .symmetric: "oct"
            }
        }

        /// `RSA`, `EC P-256`, `OKP X25519`, `oct 256-bit`.
        public var description: String {
            switch self {
            case .rsa: "RSA"
            case .ec(let curve): "EC \(curve.rawValue)"
            case .x25519: "OKP X25519"
            case .symmetric(let byteCount): "oct \(byteCount * 8)-bit"
            }
        }
    }

    /// The smallest RSA modulus accepted for RSA-OAEP (RFC 7518 §4.3).
    public static let minimumRSAModulusBitCount = 2048

    /// `kid`, when the JWK has one (a key from a PEM file has none).
    public let keyID: String?
    /// `kty` and curve or size.
    public let keyType: KeyType
    /// `alg`, when the JWK restricts the key to one algorithm: a key management algorithm, or for a
    /// symmetric `dir` key the content encryption algorithm it serves (as in RFC 7520 §5.6).
    public let algorithm: String?
    /// `use`, when present (only `enc` keys are ever loaded).
    public let use: String?
    /// `key_ops`, when present (always includes `decrypt` or `unwrapKey` for a loaded key).
    public let keyOperations: [String]?
    /// The key size in bits: the RSA modulus length, the curve's size, or the symmetric key's length.
    public let bitCount: Int
    /// The key itself.
    let material: Material

    /// The OpenSSL private key or the symmetric key bytes: exactly one of the two.
    ///
    /// Two optionals, not an enum: Swift packs an enum's case into spare bits of a class pointer, which
    /// LeakSanitizer cannot follow (the fuzz run reported the symmetric keys of a live set as leaked).
    struct Material: Sendable {
        let privateKey: EVPPrivateKey?
        let symmetricKey: SymmetricKeyBytes?

        init(_ privateKey: EVPPrivateKey) {
            self.privateKey = privateKey
            self.symmetricKey = nil
        }

        init(_ symmetricKey: SymmetricKeyBytes) {
            self.privateKey = nil
            self.symmetricKey = symmetricKey
        }
    }

    /// Whether the key may decrypt a JWE with `algorithm` and `contentEncryption`: its type, curve or size
    /// suits the algorithm, and its `alg`, when present, names exactly that algorithm (RFC 7517 §4.4,
    /// RFC 8725 §3.1). The curve of an ECDH-ES key is matched against the JWE's `epk` separately.
    public func fits(_ algorithm: KeyManagementAlgorithm, contentEncryption: ContentEncryptionAlgorithm) -> Bool {
        if let restriction = self.algorithm, !restriction.hasSameCodePoints(as: algorithm.rawValue) {
            guard algorithm == .direct, restriction.hasSameCodePoints(as: contentEncryption.rawValue) else { return false }
        }
        switch (algorithm.family, keyType) {
        case (.rsaOAEP, .rsa), (.ecdh, .ec), (.ecdh, .x25519):
            return true
        case (.aesKeyWrap(let wanted), .symmetric(let byteCount)), (.aesGCMKeyWrap(let wanted), .symmetric(let byteCount)):
            return wanted == byteCount
        case (.direct, .symmetric(let byteCount)):
            return byteCount == contentEncryption.keyByteCount
        default:
            return false
        }
    }

}

/// The bytes of a symmetric key, held once and wiped when the last copy of the key set goes away. Its
/// mirror shows only their number, so that `dump` of a key set (or of options holding one) prints no key.
final class SymmetricKeyBytes: @unchecked Sendable, CustomReflectable {
    // @unchecked: `bytes` is only written by init and deinit.
    private(set) var bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    deinit { ConstantTime.wipe(&bytes) }

    var customMirror: Mirror {
        Mirror(self, children: ["bytes": "<\(bytes.count) bytes, redacted>"])
    }
}
