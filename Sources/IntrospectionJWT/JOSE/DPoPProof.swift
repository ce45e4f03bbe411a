public import Foundation

/// A DPoP proof (RFC 9449 §4.2) whose form and signature were checked offline: a compact JWS with
/// `typ: dpop+jwt`, an asymmetric `alg` from an allow-list, a public key in its `jwk` header that verifies
/// the signature, and the claims `jti`, `htm`, `htu` and `iat` with their types.
///
/// What depends on the request and on time (`htm` against the method, `htu` against the URI, `iat`
/// against a window, `jti` against earlier proofs, `ath` against the access token, the key's thumbprint
/// against `cnf.jkt`) is left to the caller; the resource server's authorizer does it.
///
/// ```swift
/// let proof = try DPoPProof(verifying: dpopHeaderValue, allowedAlgorithms: [.es256, .edDSA])
/// proof.keyThumbprint == cnfJKT && proof.accessTokenHash == DPoPProof.accessTokenHash(of: token)
/// ```
///
/// Errors are the core's: `malformed` (not a compact JWS, over ``maximumByteCount``, a claim of the wrong
/// type), `wrong_type` (`typ`), `unsupported_algorithm` (`none`, `HS256`, an algorithm not allowed),
/// `unsupported_critical_header`, `unknown_key` (no `jwk`, a private member in it, a key that does not fit
/// `alg`), `weak_key`, `bad_signature` and `missing_claim`.
public struct DPoPProof: Sendable {
    /// The longest proof accepted (8 KiB: an RSA 4096 `jwk` and the claims fit many times over).
    public static let maximumByteCount = 8 * 1024

    /// The JWK members that only a private (or symmetric) key has; a proof whose `jwk` carries one is
    /// refused (RFC 9449 §4.3 check 7).
    public static let privateKeyMembers: [String] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// `alg` of the proof.
    public let algorithm: SignatureAlgorithm
    /// The public key of the `jwk` header member, which verified the proof.
    public let key: VerificationKey
    /// The RFC 7638 thumbprint (base64url SHA-256) of ``key``: what `cnf.jkt` must equal.
    public let keyThumbprint: String
    /// `jti`: the proof's unique identifier.
    public let jwtID: String
    /// `htm`: the HTTP method the proof is for.
    public let httpMethod: String
    /// `htu`: the HTTP URI the proof is for, as received.
    public let httpURI: String
    /// `iat`: when the proof was made.
    public let issuedAt: Date
    /// `ath`: the base64url SHA-256 of the access token, when present.
    public let accessTokenHash: String?
    /// `nonce`: the server-provided nonce the proof carries, when present.
    public let nonce: String?
    /// The protected header as received.
    public let header: JSONObject
    /// The claims as received.
    public let claims: JSONObject

    /// The `typ` of a proof, without `application/`.
    static let proofType: StaticString = "dpop+jwt"

    /// Parses `proof` and verifies its signature with the key in its own header, refusing anything that
    /// is not a well-formed RFC 9449 proof (see the type's description for the codes).
    /// - Parameters:
    ///   - proof: the value of one `DPoP` header field.
    ///   - allowedAlgorithms: the `alg` values accepted (asymmetric only: `none` and HMAC never are).
    public init(verifying proof: String, allowedAlgorithms: Set<SignatureAlgorithm>) throws(IntrospectionJWTError) {
        let byteCount = proof.utf8.count
        guard byteCount <= Self.maximumByteCount else {
            throw .malformed("the DPoP proof is \(byteCount) bytes long, over the limit of \(Self.maximumByteCount)")
        }
        let jws = try CompactJWS.parse(proof)
        let header = jws.header
        guard let typeValue = header["typ"] else { throw .wrongType("the proof's header has no \"typ\"; expected \"dpop+jwt\"") }
        guard case .string(let type) = typeValue, JOSEHeader.isMediaType(type, Self.proofType) else {
            throw .wrongType("the proof's \"typ\" is \(quoted(typeValue)); expected \"dpop+jwt\"")
        }
        let algorithm = try JOSEHeader.checkAlgorithm(header["alg"], allowed: allowedAlgorithms)
        try JOSEHeader.checkCritical(header["crit"], header: header, understood: [])
        let key = try Self.embeddedKey(header["jwk"], algorithm: algorithm)
        if key.isWeak {
            throw .weakKey("the proof's jwk is RSA with a \(key.bitCount)-bit modulus, under the required \(VerificationKey.minimumRSAModulusBitCount) bits")
        }
        let verifies = jws.signature.withUnsafeBufferPointer { signature in
            jws.withSigningInput { key.isValidSignature(signature, for: $0, algorithm: algorithm) }
        }
        guard verifies else {
            throw .badSignature(jws.signature.isEmpty
                ? "the proof's signature is empty"
                : "the proof's \(algorithm) signature does not verify with the key in its own jwk")
        }
        let claims = jws.payload.withView { $0.object(at: 0) }
        self.algorithm = algorithm
        self.key = key
        self.keyThumbprint = key.thumbprint
        self.jwtID = try Self.string("jti", in: claims)
        self.httpMethod = try Self.string("htm", in: claims)
        self.httpURI = try Self.string("htu", in: claims)
        guard let issuedAt = claims["iat"] else { throw .missingClaim("the proof has no \"iat\"") }
        guard case .number(let seconds) = issuedAt, seconds.doubleValue.isFinite else {
            throw .malformed("the proof's \"iat\" is a \(issuedAt.typeName), not a number: \(quoted(issuedAt))")
        }
        self.issuedAt = Date(timeIntervalSince1970: seconds.doubleValue)
        self.accessTokenHash = try Self.optionalString("ath", in: claims)
        self.nonce = try Self.optionalString("nonce", in: claims)
        self.header = header
        self.claims = claims
    }

    /// The `ath` a proof for `accessToken` carries: base64url(SHA-256(ASCII(accessToken))) (RFC 9449 §4.2).
    public static func accessTokenHash(of accessToken: String) -> String {
        Base64URL.encode(SHA256Digest.hash(Array(accessToken.utf8)) ?? [])
    }

    /// The `jwk` header member as a verification key: a JSON object with no private member, a supported
    /// public key that fits `algorithm`.
    private static func embeddedKey(_ value: JSONValue?, algorithm: SignatureAlgorithm) throws(IntrospectionJWTError) -> VerificationKey {
        guard let value else { throw .unknownKey("the proof's header has no \"jwk\"") }
        guard case .object(let jwk) = value else { throw .unknownKey("the proof's \"jwk\" is a \(value.typeName), not an object") }
        if let member = privateKeyMembers.first(where: { jwk[$0] != nil }) {
            throw .unknownKey("the proof's \"jwk\" holds the private member \"\(member)\"; only a public key may be sent")
        }
        let key: VerificationKey
        do {
            key = try JWKParser.parseKey(jwk)
        } catch {
            throw .unknownKey("the proof's \"jwk\" is not a usable public key: \(error.reason)")
        }
        guard key.fits(algorithm) else {
            throw .unknownKey("the proof's \"jwk\" (\(key.keyType)) does not fit \(algorithm)")
        }
        return key
    }

    private static func string(_ name: String, in claims: JSONObject) throws(IntrospectionJWTError) -> String {
        guard let value = try optionalString(name, in: claims) else { throw .missingClaim("the proof has no \"\(name)\"") }
        return value
    }

    private static func optionalString(_ name: String, in claims: JSONObject) throws(IntrospectionJWTError) -> String? {
        guard let value = claims[name] else { return nil }
        guard case .string(let text) = value, !text.isEmpty else {
            throw .malformed("the proof's \"\(name)\" is \(value.stringValue == nil ? "a \(value.typeName)" : "empty"), not a non-empty string")
        }
        return text
    }
}
