/// The JWE key management algorithms (`alg`) the decryptor implements (RFC 7518 §4).
///
/// Never: `RSA1_5` (PKCS #1 v1.5 padding oracles, RFC 8725 §3.2) and `PBES2-*` (password-based keys).
public enum KeyManagementAlgorithm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// RSAES-OAEP with SHA-1 and MGF1 with SHA-1 (RFC 7518 §4.3).
    case rsaOAEP = "RSA-OAEP"
    /// RSAES-OAEP with SHA-256 and MGF1 with SHA-256.
    case rsaOAEP256 = "RSA-OAEP-256"
    /// RSAES-OAEP with SHA-384 and MGF1 with SHA-384.
    case rsaOAEP384 = "RSA-OAEP-384"
    /// RSAES-OAEP with SHA-512 and MGF1 with SHA-512.
    case rsaOAEP512 = "RSA-OAEP-512"
    /// ECDH-ES key agreement used directly as the content encryption key (RFC 7518 §4.6).
    case ecdhES = "ECDH-ES"
    /// ECDH-ES, then AES-128 key wrap of the content encryption key.
    case ecdhESA128KW = "ECDH-ES+A128KW"
    /// ECDH-ES, then AES-192 key wrap.
    case ecdhESA192KW = "ECDH-ES+A192KW"
    /// ECDH-ES, then AES-256 key wrap.
    case ecdhESA256KW = "ECDH-ES+A256KW"
    /// AES-128 key wrap with a shared symmetric key (RFC 7518 §4.4).
    case a128KW = "A128KW"
    /// AES-192 key wrap.
    case a192KW = "A192KW"
    /// AES-256 key wrap.
    case a256KW = "A256KW"
    /// AES-128-GCM key encryption (RFC 7518 §4.7), with the `iv` and `tag` header parameters.
    case a128GCMKW = "A128GCMKW"
    /// AES-192-GCM key encryption.
    case a192GCMKW = "A192GCMKW"
    /// AES-256-GCM key encryption.
    case a256GCMKW = "A256GCMKW"
    /// Direct use of a shared symmetric key as the content encryption key (RFC 7518 §4.5).
    case direct = "dir"

    /// The JOSE name.
    public var description: String { rawValue }

    /// The default allow-list: every algorithm this library implements.
    public static let allSupported: Set<KeyManagementAlgorithm> = Set(allCases)

    /// How the content encryption key is obtained.
    enum Family: Equatable {
        /// RSA-OAEP with this digest for the hash and MGF1.
        case rsaOAEP(MessageDigest)
        /// ECDH-ES; with a key-wrap key of this many bytes, or used directly (nil).
        case ecdh(wrapKeyByteCount: Int?)
        /// AES key wrap with a symmetric key of this many bytes.
        case aesKeyWrap(keyByteCount: Int)
        /// AES-GCM key encryption with a symmetric key of this many bytes.
        case aesGCMKeyWrap(keyByteCount: Int)
        /// The symmetric key is the content encryption key.
        case direct

        static func == (lhs: Family, rhs: Family) -> Bool {
            switch (lhs, rhs) {
            case (.rsaOAEP(let a), .rsaOAEP(let b)): a === b
            case (.ecdh(let a), .ecdh(let b)): a == b
            case (.aesKeyWrap(let a), .aesKeyWrap(let b)), (.aesGCMKeyWrap(let a), .aesGCMKeyWrap(let b)): a == b
            case (.direct, .direct): true
            default: false
            }
        }
    }

    var family: Family {
        switch self {
        case .rsaOAEP: .rsaOAEP(.sha1)
        case .rsaOAEP256: .rsaOAEP(.sha256)
        case .rsaOAEP384: .rsaOAEP(.sha384)
        case .rsaOAEP512: .rsaOAEP(.sha512)
        case .ecdhES: .ecdh(wrapKeyByteCount: nil)
        case .ecdhESA128KW: .ecdh(wrapKeyByteCount: 16)
        case .ecdhESA192KW: .ecdh(wrapKeyByteCount: 24)
        case .ecdhESA256KW: .ecdh(wrapKeyByteCount: 32)
        case .a128KW: .aesKeyWrap(keyByteCount: 16)
        case .a192KW: .aesKeyWrap(keyByteCount: 24)
        case .a256KW: .aesKeyWrap(keyByteCount: 32)
        case .a128GCMKW: .aesGCMKeyWrap(keyByteCount: 16)
        case .a192GCMKW: .aesGCMKeyWrap(keyByteCount: 24)
        case .a256GCMKW: .aesGCMKeyWrap(keyByteCount: 32)
        case .direct: .direct
        }
    }

    /// Whether the JWE's encrypted-key part must be empty (RFC 7518 §4.5, §4.6: `dir` and `ECDH-ES`).
    var hasEmptyEncryptedKey: Bool {
        self == .direct || self == .ecdhES
    }

    /// Why `name` is never accepted, for the names refused by design (`RSA1_5`, `PBES2-*`); nil for any
    /// other name.
    public static func refusal(of name: String) -> String? {
        if name == "RSA1_5" { return "RSA1_5 is never accepted (PKCS #1 v1.5 padding oracles, RFC 8725 §3.2)" }
        if name.hasPrefix("PBES2") { return "\(name) is never accepted (password-based key encryption)" }
        return nil
    }
}
