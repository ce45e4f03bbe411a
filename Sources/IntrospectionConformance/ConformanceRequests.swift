import HTTPTypes
import IntrospectionJWT
import IntrospectionRemoteKeys

/// The exact introspection requests the checker sends (RFC 7662 §2.1, RFC 9701 §4), built by hand so
/// that each one differs from a conforming call in exactly one way.
enum ConformanceRequests {
    /// The RFC 9701 media type, as the `Accept` value of JWT requests (exactly this, no list, no `q`).
    static let jwtMediaType = "application/token-introspection+jwt"

    /// One introspection request: a POST of a form body to the endpoint.
    struct Request {
        let endpoint: String
        let headerFields: HTTPFields
        let body: [UInt8]
    }

    /// A POST to `endpoint` with the form body `token=…`; `accept` and `authorization` when given.
    static func introspection(endpoint: String, token: String, accept: String, authorization: String?) -> Request {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .accept: accept]
        if let authorization { fields[.authorization] = authorization }
        return Request(endpoint: endpoint, headerFields: fields, body: Array(FormURLEncoding.encode([(name: "token", value: token)]).utf8))
    }

    /// A token no authorization server has issued: 32 random bytes, base64url.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
