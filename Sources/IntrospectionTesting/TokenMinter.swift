public import IntrospectionJWT

/// Builds compact JWTs for tests: any header and payload, signed by a ``TestSigningKey``.
public struct TokenMinter: Sendable {
    /// The issuer the minted responses carry by default.
    public static let issuer = "https://as.example.com"
    /// The audience the minted responses carry by default.
    public static let audience = "https://rs.example.com"

    public init() {}

    /// The standard header of an RFC 9701 response.
    public static func header(algorithm: SignatureAlgorithm, keyID: String?) -> String {
        var members = ["\"typ\":\"token-introspection+jwt\"", "\"alg\":\"\(algorithm.rawValue)\""]
        if let keyID { members.append("\"kid\":\(JSONValue.string(keyID))") }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A realistic RFC 9701 payload issued at `issuedAt`.
    public static func payload(
        issuedAt: Int,
        issuer: String = issuer,
        audience: String = audience,
        active: Bool = true
    ) -> String {
        let introspection = active
            ? """
            {"active":true,"iss":"\(issuer)","aud":"\(audience)","sub":"Z5O3upPC88QrAjx00dis",\
            "client_id":"s6BhdRkqt3","scope":"read write dolphin","token_type":"Bearer",\
            "exp":\(issuedAt + 3600),"iat":\(issuedAt - 60),"jti":"b5b8d8a3-4b1c-4c3e-9b8e-0e8b2c3f9d11"}
            """
            : "{\"active\":false}"
        return """
            {"iss":"\(issuer)","aud":"\(audience)","iat":\(issuedAt),"token_introspection":\(introspection)}
            """
    }

    /// Signs `header` and `payload` (JSON texts, encoded exactly as given) with `key`.
    public static func sign(header: String, payload: String, key: TestSigningKey, algorithm: SignatureAlgorithm) -> String {
        let signingInput = TestBase64URL.encode(header) + "." + TestBase64URL.encode(payload)
        let signature = key.sign(Array(signingInput.utf8), algorithm: algorithm)
        return signingInput + "." + TestBase64URL.encode(signature)
    }

    /// A valid response signed by `key` with `algorithm`, issued at `issuedAt`.
    public static func response(
        key: TestSigningKey,
        algorithm: SignatureAlgorithm,
        issuedAt: Int,
        payload: String? = nil
    ) -> String {
        sign(
            header: header(algorithm: algorithm, keyID: key.keyID),
            payload: payload ?? self.payload(issuedAt: issuedAt),
            key: key,
            algorithm: algorithm
        )
    }

    /// A JWK Set document holding the public halves of `keys`.
    public static func jwks(_ keys: [TestSigningKey]) -> String {
        "{\"keys\":[" + keys.map { JSONWriter.string(for: $0.publicJWK()) }.joined(separator: ",") + "]}"
    }
}
