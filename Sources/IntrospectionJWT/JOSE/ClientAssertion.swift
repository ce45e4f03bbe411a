public import Foundation

/// Client assertions for `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, RFC 7521 §4.2):
/// a JWT the client signs with its own key, sent as `client_assertion` with
/// `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
///
/// Every call of ``make(clientID:audience:now:jwtID:)`` makes a fresh assertion: `iss` and `sub` the
/// client id, `aud` the authorization server (its issuer identifier, unless the caller names another),
/// a random `jti`, `iat` now and `exp` ``lifetime`` later (60 seconds at most). The header has `alg` and,
/// when the key has one, `kid`.
///
/// ```swift
/// let assertion = try ClientAssertion(key: try JWTSigningKey(fileContents: pem))
/// let jwt = try assertion.make(clientID: "rs-orders", audience: "https://as.example.com", now: Date())
/// ```
public struct ClientAssertion: Sendable {
    /// The `client_assertion_type` of a JWT assertion (RFC 7523 §2.2).
    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// The longest an assertion lives: 60 seconds from `iat` to `exp`.
    public static let maximumLifetime: Duration = .seconds(60)

    /// The client's key.
    public let key: JWTSigningKey
    /// The algorithm each assertion is signed with.
    public let algorithm: SignatureAlgorithm
    /// `exp` − `iat` of each assertion, in whole seconds.
    public let lifetime: Duration

    /// Makes assertions signed with `key`, with `algorithm` (default: the key's
    /// ``JWTSigningKey/defaultAlgorithm``), living `lifetime` (whole seconds, 1 to 60). Throws
    /// ``IntrospectionJWTError/Code/unsupportedAlgorithm`` when the algorithm does not fit the key, and
    /// ``IntrospectionJWTError/Code/malformed`` for a lifetime out of range.
    public init(key: JWTSigningKey, algorithm: SignatureAlgorithm? = nil, lifetime: Duration = maximumLifetime) throws(IntrospectionJWTError) {
        let chosen = algorithm ?? key.defaultAlgorithm
        guard key.fits(chosen) else {
            throw .unsupportedAlgorithm(
                "\(chosen) does not fit the \(key.keyType) client key (it signs with \(key.supportedAlgorithms.map(\.rawValue).joined(separator: ", ")))")
        }
        let seconds = lifetime.components.seconds
        guard seconds >= 1, lifetime <= Self.maximumLifetime else {
            throw .malformed("a client assertion lives 1 to 60 whole seconds, not \(lifetime)")
        }
        self.key = key
        self.algorithm = chosen
        self.lifetime = .seconds(seconds)
    }

    /// One signed assertion for `clientID` (`iss` and `sub`), meant for `audience` (`aud`), issued at
    /// `now` (whole seconds, rounded down), with `jwtID` as `jti` (default: 32 random bytes, base64url).
    public func make(clientID: String, audience: String, now: Date, jwtID: String? = nil) throws(IntrospectionJWTError) -> String {
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        let claims = JSONObject(members: [
            .init(name: "iss", value: .string(clientID)),
            .init(name: "sub", value: .string(clientID)),
            .init(name: "aud", value: .string(audience)),
            .init(name: "jti", value: .string(jwtID ?? Self.randomJWTID())),
            .init(name: "iat", value: .number(JSONNumber(Int(issuedAt)))),
            .init(name: "exp", value: .number(JSONNumber(Int(issuedAt + lifetime.components.seconds)))),
        ])
        return try key.compactJWS(claims: claims, algorithm: algorithm)
    }

    /// 32 bytes from the system's secure random generator, base64url: a `jti` no two assertions share
    /// (RFC 7519 §4.1.7).
    public static func randomJWTID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
