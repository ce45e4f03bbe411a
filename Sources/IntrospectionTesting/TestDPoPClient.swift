public import Foundation
public import IntrospectionJWT

/// A DPoP client for tests (RFC 9449 §4.2): a key pair and the proofs it signs, for requests whose
/// target URI is known only at run time (a server on an ephemeral port, a proxy in front of it).
///
/// ```swift
/// let client = TestDPoPClient()
/// let token = server.issueAccessToken(confirmation: .dpop(client.thumbprint))
/// let proof = client.proof(method: "GET", uri: "http://127.0.0.1:\(port)/orders", accessToken: token, issuedAt: Date())
/// // Authorization: DPoP <token>, DPoP: <proof>
/// ```
///
/// It makes only well-formed proofs; the ones a resource server must refuse, each way one can be wrong,
/// are this package's generated vectors (`TestVectors/dpop`, by `Scripts/generate-dpop-vectors.py`).
public struct TestDPoPClient: Sendable {
    /// The private key the proofs are signed with.
    public let key: TestSigningKey
    /// `alg` of the proofs.
    public let algorithm: SignatureAlgorithm
    /// The public key as the proofs' `jwk` header carries it (no `kid`).
    public let publicJWK: JSONValue
    /// The RFC 7638 thumbprint of ``publicJWK``: the `cnf.jkt` of a token bound to this client.
    public let thumbprint: String

    /// A client with a fresh P-256 key signing ES256, or with `key` signing `algorithm`.
    public init(key: TestSigningKey = TestSigningKey(.ec(.p256), keyID: nil), algorithm: SignatureAlgorithm = .es256) {
        self.key = key
        self.algorithm = algorithm
        let jwk = key.publicJWK()
        self.publicJWK = jwk
        let set = try? JWKSet(json: "{\"keys\":[" + JSONWriter.string(for: jwk) + "]}")
        self.thumbprint = set?.keys.first?.thumbprint ?? ""
    }

    /// A proof for `method` on `uri` (sent as `htu` exactly as given), made at `issuedAt`, carrying the hash
    /// of `accessToken` (`ath`) when given, and `nonce` when given; `jwtID` is random unless given.
    public func proof(
        method: String,
        uri: String,
        accessToken: String?,
        issuedAt: Date,
        jwtID: String = UUID().uuidString,
        nonce: String? = nil
    ) -> String {
        let header = JSONObject(members: [
            .init(name: "typ", value: .string("dpop+jwt")),
            .init(name: "alg", value: .string(algorithm.rawValue)),
            .init(name: "jwk", value: publicJWK),
        ])
        var claims: [JSONObject.Member] = [
            .init(name: "jti", value: .string(jwtID)),
            .init(name: "htm", value: .string(method)),
            .init(name: "htu", value: .string(uri)),
            .init(name: "iat", value: .number(JSONNumber(Int(issuedAt.timeIntervalSince1970.rounded(.down))))),
        ]
        if let accessToken { claims.append(.init(name: "ath", value: .string(DPoPProof.accessTokenHash(of: accessToken)))) }
        if let nonce { claims.append(.init(name: "nonce", value: .string(nonce))) }
        return TokenMinter.sign(
            header: JSONWriter.string(for: .object(header)), payload: JSONWriter.string(for: .object(JSONObject(members: claims))),
            key: key, algorithm: algorithm)
    }
}
