import Crypto
import CryptoExtras
import Foundation

/// The benchmark's keys, tokens and key sets. Keys are generated with swift-crypto (BoringSSL), tokens
/// are signed with it: neither side under test made them.
public struct Fixtures: Sendable {
    public static let issuer = "https://as.example.com"
    public static let audience = "https://rs.example.com/resource"
    /// The moment every token was issued, and the verification time.
    public static let issuedAt = 1_763_740_800

    /// One algorithm's token and the kid of the key that signed it.
    public struct Case: Sendable {
        public let algorithm: String
        public let keyID: String
        public let token: String
    }

    /// RS256 (2048-bit), ES256 and PS256 (2048-bit) tokens over the same payload.
    public let cases: [Case]
    /// The public keys of `cases` (each JWK with `alg`, `use: sig`).
    public let jwks: String
    /// The payload every token carries.
    public let payload: String

    public func token(_ algorithm: String) -> String {
        cases.first { $0.algorithm == algorithm }!.token
    }

    public init() throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let pss = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let ec = P256.Signing.PrivateKey()
        let payload = Self.realisticPayload(issuedAt: Self.issuedAt)
        self.payload = payload

        func sign(_ algorithm: String, _ keyID: String, _ signer: (Data) throws -> Data) throws -> Case {
            let header = #"{"typ":"token-introspection+jwt","alg":"\#(algorithm)","kid":"\#(keyID)"}"#
            let input = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(Data(payload.utf8))
            let signature = try signer(Data(input.utf8))
            return Case(algorithm: algorithm, keyID: keyID, token: input + "." + Base64URL.encode(signature))
        }
        cases = [
            try sign("RS256", "rsa-2048") { try rsa.signature(for: SHA256.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation },
            try sign("ES256", "ec-p256") { try ec.signature(for: SHA256.hash(data: $0)).rawRepresentation },
            try sign("PS256", "pss-2048") { try pss.signature(for: SHA256.hash(data: $0), padding: .PSS).rawRepresentation },
        ]
        jwks = Self.keySet([
            try Self.jwk(rsa.publicKey, keyID: "rsa-2048", algorithm: "RS256"),
            Self.jwk(ec.publicKey, keyID: "ec-p256", algorithm: "ES256"),
            try Self.jwk(pss.publicKey, keyID: "pss-2048", algorithm: "PS256"),
        ])
    }

    /// A 10-key set (5 RSA-2048, 5 P-256) for the key-set loading benchmark.
    public static func tenKeyJWKS() throws -> String {
        var ten: [String] = []
        for index in 0..<5 {
            ten.append(try jwk(try _RSA.Signing.PrivateKey(keySize: .bits2048).publicKey, keyID: "rsa-\(index)", algorithm: "RS256"))
            ten.append(jwk(P256.Signing.PrivateKey().publicKey, keyID: "ec-\(index)", algorithm: "ES256"))
        }
        return keySet(ten)
    }

    static func keySet(_ keys: [String]) -> String {
        #"{"keys":["# + keys.joined(separator: ",") + "]}"
    }

    static func jwk(_ key: _RSA.Signing.PublicKey, keyID: String, algorithm: String) throws -> String {
        let primitives = try key.getKeyPrimitives()
        return #"{"kty":"RSA","kid":"\#(keyID)","use":"sig","alg":"\#(algorithm)","n":"\#(Base64URL.encode(primitives.modulus))","e":"\#(Base64URL.encode(primitives.publicExponent))"}"#
    }

    static func jwk(_ key: P256.Signing.PublicKey, keyID: String, algorithm: String) -> String {
        let raw = key.rawRepresentation  // x || y
        return #"{"kty":"EC","kid":"\#(keyID)","use":"sig","alg":"\#(algorithm)","crv":"P-256","x":"\#(Base64URL.encode(raw.prefix(32)))","y":"\#(Base64URL.encode(raw.suffix(32)))"}"#
    }

    /// An RFC 9701 response payload of about 700 bytes, shaped like the RFC's example with the members
    /// a production authorization server adds (client, user, scope, confirmation, authentication).
    public static func realisticPayload(issuedAt: Int) -> String {
        """
        {"iss":"\(issuer)","aud":"\(audience)","iat":\(issuedAt),"token_introspection":{\
        "active":true,"iss":"\(issuer)","aud":["\(audience)","https://api.example.com"],\
        "sub":"Z5O3upPC88QrAjx00dis","client_id":"s6BhdRkqt3","username":"jdoe@example.com",\
        "scope":"openid profile email read write dolphin admin:read","token_type":"Bearer",\
        "exp":\(issuedAt + 3600),"iat":\(issuedAt - 60),"nbf":\(issuedAt - 60),\
        "jti":"b5b8d8a3-4b1c-4c3e-9b8e-0e8b2c3f9d11","auth_time":\(issuedAt - 300),"acr":"urn:mace:incommon:iap:silver",\
        "amr":["pwd","otp"],"cnf":{"x5t#S256":"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"},\
        "extension_field":"twenty-seven","tenant":"eu-west-1/acme-corporation","sid":"08a5019c-17e1-4977-8f42-65a12843ea02"}}
        """
    }

    /// One stored audit record as a JSON line: the response and when it was received.
    public func auditRecord(_ algorithm: String) -> String {
        #"{"id":"r1","received_at":\#(Self.issuedAt + 1),"response":"\#(token(algorithm))"}"#
    }
}

/// Unpadded base64url.
enum Base64URL {
    static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
