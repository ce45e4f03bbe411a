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

    /// The members passed on, each only when the answer has it: (field, member, value), or why `exp`
    /// cannot be written in whole seconds.
    private static func members(of identity: IntrospectionIdentity) -> Result<[(HTTPField.Name, String, String)], ResourceServerError> {
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
        return .success(members.compactMap { name, member, value in value.map { (name, member, $0) } })
    }

    /// The member of `identity` that cannot be sent in a header field, or nil: `forward-auth`'s authorizer
    /// refuses such an answer (502, counted as an invalid answer). A value that is not an RFC 9110 §5.5
    /// field value (a control character, leading or trailing white space) would reach the upstream changed
    /// (`" admin"` as `admin`), so the answer is refused rather than passed on altered.
    @Sendable static func unsendableMember(_ identity: IntrospectionIdentity) -> ResourceServerError? {
        switch members(of: identity) {
        case .failure(let failure):
            return failure
        case .success(let members):
            guard let (name, member, _) = members.first(where: { !HTTPField.isValidValue($0.2) }) else { return nil }
            return ResourceServerError(
                .protocolViolation,
                "the answer's \(member) holds a control character or leading or trailing white space and cannot be sent unchanged in the \(name) header field")
        }
    }

    /// The fields for `identity`, which ``unsendableMember(_:)`` has passed.
    static func fields(for identity: IntrospectionIdentity) -> HTTPFields {
        var fields = HTTPFields()
        for (name, _, value) in (try? members(of: identity).get()) ?? [] {
            fields[name] = value
        }
        return fields
    }

    /// The scopes of every `X-Required-Scope` field, split at spaces and tabs.
    static func requiredScopes(_ fields: HTTPFields) -> [String] {
        fields[values: requiredScope].flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
    }
}
