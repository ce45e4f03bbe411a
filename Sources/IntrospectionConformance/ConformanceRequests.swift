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
        /// Whether the request carries the client's credentials (it then goes through the transport that
        /// presents the client certificate of `tls_client_auth`).
        let isAuthenticated: Bool
    }

    /// How one request authenticates the client.
    enum Credentials {
        /// Not at all.
        case none
        /// An `Authorization: Basic …` header (`client_secret_basic`).
        case basic(String)
        /// Form parameters (`client_secret_post`, `private_key_jwt`, `tls_client_auth`'s `client_id`).
        case form([(String, String)])
    }

    /// A POST to `endpoint` with the form body `token=…` (then `extraParameters`), `accept`, and the
    /// `credentials`.
    static func introspection(
        endpoint: String,
        token: String,
        accept: String,
        credentials: Credentials,
        extraParameters: [(String, String)] = []
    ) -> Request {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .accept: accept]
        var form: [(name: String, value: String)] = [(name: "token", value: token)] + extraParameters.map { (name: $0.0, value: $0.1) }
        switch credentials {
        case .none: break
        case .basic(let authorization): fields[.authorization] = authorization
        case .form(let parameters): form += parameters.map { (name: $0.0, value: $0.1) }
        }
        var isAuthenticated = true
        if case .none = credentials { isAuthenticated = false }
        return Request(endpoint: endpoint, headerFields: fields, body: Array(FormURLEncoding.encode(form).utf8), isAuthenticated: isAuthenticated)
    }

    /// A token no authorization server has issued: 32 random bytes, base64url.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
