/// RFC 7638 JWK thumbprints: the base64url SHA-256 of the key's required members, in lexicographic order,
/// serialised without white space.
enum JWKThumbprint {
    /// The required members of each key type (RFC 7638 §3.2).
    static func requiredMembers(of keyType: String) -> [String]? {
        switch keyType {
        case "RSA": ["e", "kty", "n"]
        case "EC": ["crv", "kty", "x", "y"]
        case "OKP": ["crv", "kty", "x"]
        case "oct": ["k", "kty"]
        default: nil
        }
    }

    /// The thumbprint of a JWK, or nil when a required member is missing or not a string.
    static func compute(_ jwk: JSONObject) -> String? {
        guard let keyType = jwk["kty"]?.stringValue, let names = requiredMembers(of: keyType) else { return nil }
        var members: [JSONObject.Member] = []
        for name in names {
            guard let value = jwk[name], case .string = value else { return nil }
            members.append(.init(name: name, value: value))
        }
        let canonical = Array(JSONWriter.string(for: .object(JSONObject(members: members))).utf8)
        var digest = [UInt8](repeating: 0, count: MessageDigest.sha256.byteCount)
        let hashed = canonical.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { MessageDigest.sha256.hash(input, into: $0) }
        }
        return hashed ? Base64URL.encode(digest) : nil
    }
}

extension VerificationKey {
    /// The key's RFC 7638 thumbprint (base64url SHA-256): a name for the key that does not depend on `kid`.
    public var thumbprint: String {
        JWKThumbprint.compute(jwk) ?? ""
    }
}
