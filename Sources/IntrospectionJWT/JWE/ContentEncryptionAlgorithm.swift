/// The JWE content encryption algorithms (`enc`) the decryptor implements (RFC 7518 §5).
public enum ContentEncryptionAlgorithm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// AES-128-CBC with HMAC-SHA-256, truncated to 128 bits (RFC 7518 §5.2.3).
    case a128CBCHS256 = "A128CBC-HS256"
    /// AES-192-CBC with HMAC-SHA-384, truncated to 192 bits.
    case a192CBCHS384 = "A192CBC-HS384"
    /// AES-256-CBC with HMAC-SHA-512, truncated to 256 bits.
    case a256CBCHS512 = "A256CBC-HS512"
    /// AES-128-GCM (RFC 7518 §5.3).
    case a128GCM = "A128GCM"
    /// AES-192-GCM.
    case a192GCM = "A192GCM"
    /// AES-256-GCM.
    case a256GCM = "A256GCM"

    /// The JOSE name.
    public var description: String { rawValue }

    /// The default allow-list: every algorithm this library implements.
    public static let allSupported: Set<ContentEncryptionAlgorithm> = Set(allCases)

    /// The length of the content encryption key in bytes (for CBC-HMAC: MAC key and encryption key).
    var keyByteCount: Int {
        switch self {
        case .a128CBCHS256: 32
        case .a192CBCHS384: 48
        case .a256CBCHS512: 64
        case .a128GCM: 16
        case .a192GCM: 24
        case .a256GCM: 32
        }
    }

    /// The length of the initialization vector in bytes: 128 bits for CBC, 96 bits for GCM.
    var ivByteCount: Int {
        isGCM ? 12 : 16
    }

    /// The length of the authentication tag in bytes: half the CBC-HMAC key, 128 bits for GCM.
    var tagByteCount: Int {
        isGCM ? AESCipher.gcmTagByteCount : keyByteCount / 2
    }

    var isGCM: Bool {
        switch self {
        case .a128GCM, .a192GCM, .a256GCM: true
        case .a128CBCHS256, .a192CBCHS384, .a256CBCHS512: false
        }
    }

    /// The HMAC of a CBC-HMAC algorithm (RFC 7518 §5.2.3-5.2.5).
    var hmac: HMACFunction {
        switch self {
        case .a128CBCHS256: .sha256
        case .a192CBCHS384: .sha384
        default: .sha512
        }
    }
}
