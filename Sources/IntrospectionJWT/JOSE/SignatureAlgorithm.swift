/// The JWS signature algorithms the verifier implements (RFC 7518 §3, RFC 8037 §3.1).
///
/// Only asymmetric algorithms exist here: `none` and the HMAC algorithms can never be allowed.
public enum SignatureAlgorithm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    case es256 = "ES256"
    case es384 = "ES384"
    case es512 = "ES512"
    /// EdDSA with Ed25519 or Ed448 keys (RFC 8037).
    case edDSA = "EdDSA"

    /// The JOSE name of the algorithm.
    public var description: String { rawValue }

    /// The default allow-list: every algorithm this library implements.
    public static let allSupported: Set<SignatureAlgorithm> = Set(allCases)

    /// A dense index (0 to 9) for per-algorithm tables.
    var index: Int {
        switch self {
        case .rs256: 0
        case .rs384: 1
        case .rs512: 2
        case .ps256: 3
        case .ps384: 4
        case .ps512: 5
        case .es256: 6
        case .es384: 7
        case .es512: 8
        case .edDSA: 9
        }
    }

    /// The algorithm family: what kind of key it needs and how it signs.
    enum Family: Sendable {
        case rsaPKCS1
        case rsaPSS
        case ecdsa(EllipticCurve)
        case edDSA
    }

    var family: Family {
        switch self {
        case .rs256, .rs384, .rs512: .rsaPKCS1
        case .ps256, .ps384, .ps512: .rsaPSS
        case .es256: .ecdsa(.p256)
        case .es384: .ecdsa(.p384)
        case .es512: .ecdsa(.p521)
        case .edDSA: .edDSA
        }
    }

    /// The hash applied to the signing input, or nil for EdDSA (which signs the input itself).
    var digest: MessageDigest? {
        switch self {
        case .rs256, .ps256, .es256: .sha256
        case .rs384, .ps384, .es384: .sha384
        case .rs512, .ps512, .es512: .sha512
        case .edDSA: nil
        }
    }
}

/// The NIST curves of the ES* algorithms (RFC 7518 §3.4, §6.2.1.1).
public enum EllipticCurve: String, Sendable, Hashable, CaseIterable {
    case p256 = "P-256"
    case p384 = "P-384"
    case p521 = "P-521"

    /// Bytes in one coordinate, and in each of R and S of a JWS signature.
    var coordinateByteCount: Int {
        switch self {
        case .p256: 32
        case .p384: 48
        case .p521: 66
        }
    }
}

/// The Edwards curves of EdDSA (RFC 8037 §2).
public enum EdwardsCurve: String, Sendable, Hashable, CaseIterable {
    case ed25519 = "Ed25519"
    case ed448 = "Ed448"

    /// Bytes in a public key.
    var publicKeyByteCount: Int {
        switch self {
        case .ed25519: 32
        case .ed448: 57
        }
    }
}
