import Foundation
import HTTPTypes
import IntrospectionJWT
import IntrospectionResourceServer

/// The header fields of `forward-auth`'s 200 answer, which the proxy copies to the upstream request:
/// each RFC 7662 member only when the answer has it, and in JWT mode the verified signed JWT.
enum ForwardedIdentity {
    /// `X-Auth-Subject` (`sub`).
    static let subject = HTTPField.Name("X-Auth-Subject")!
    /// `X-Auth-Client-Id` (`client_id`).
    static let clientID = HTTPField.Name("X-Auth-Client-Id")!
    /// `X-Auth-Scope` (`scope`, as the authorization server wrote it).
    static let scope = HTTPField.Name("X-Auth-Scope")!
    /// `X-Auth-Username` (`username`).
    static let username = HTTPField.Name("X-Auth-Username")!
    /// `X-Auth-Expires` (`exp`, whole Unix seconds).
    static let expires = HTTPField.Name("X-Auth-Expires")!
    /// `X-Introspection-JWT`: the signed JWT that verified (for an encrypted answer, the JWS inside it).
    static let introspectionJWT = HTTPField.Name("X-Introspection-JWT")!
    /// `X-Required-Scope`: scopes a request adds to `--require-scope`, space-separated.
    static let requiredScope = HTTPField.Name("X-Required-Scope")!

    /// Every field the 200 answer can carry.
    static let all = [subject, clientID, scope, username, expires, introspectionJWT]

    /// The fields for `identity`, or the member that cannot be sent in a header field: a value that is
    /// not an RFC 9110 §5.5 field value (a control character, leading or trailing white space) would reach
    /// the upstream changed (`" admin"` as `admin`), so the answer is refused rather than passed on altered.
    static func fields(for identity: IntrospectionIdentity) -> Result<HTTPFields, ResourceServerError> {
        var fields = HTTPFields()
        var expiration: String?
        if let exp = identity.expiration {
            guard let seconds = Int64(exactly: exp.timeIntervalSince1970.rounded(.down)) else {
                return .failure(ResourceServerError(.protocolViolation, "the answer's exp \(exp.timeIntervalSince1970) is out of the range of a header value in whole seconds"))
            }
            expiration = String(seconds)
        }
        let members: [(HTTPField.Name, String, String?)] = [
            (subject, "sub", identity.subject),
            (clientID, "client_id", identity.clientID),
            (scope, "scope", identity["scope"]?.stringValue),
            (username, "username", identity.username),
            (expires, "exp", expiration),
            (introspectionJWT, "the signed JWT", identity.signedJWT),
        ]
        for (name, member, value) in members {
            guard let value else { continue }
            guard HTTPField.isValidValue(value) else {
                return .failure(ResourceServerError(
                    .protocolViolation,
                    "the answer's \(member) holds a control character or leading or trailing white space and cannot be sent unchanged in the \(name) header field"))
            }
            fields[name] = value
        }
        return .success(fields)
    }

    /// The member of `identity` that cannot be sent in a header field, or nil: the authorizer's last check
    /// of an answer, so that such an answer is decided (and counted) as an invalid answer, a 502.
    @Sendable static func unsendableMember(_ identity: IntrospectionIdentity) -> ResourceServerError? {
        if case .failure(let failure) = fields(for: identity) { failure } else { nil }
    }

    /// The scopes of every `X-Required-Scope` field, split at spaces and tabs.
    static func requiredScopes(_ fields: HTTPFields) -> [String] {
        fields[values: requiredScope].flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
    }
}
