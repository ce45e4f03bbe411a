public import Foundation

/// The RFC 7662 §2.2 introspection data: the `token_introspection` member of an RFC 9701 response, or a
/// plain JSON introspection response. Members describe the introspected token, not the response.
public struct TokenIntrospection: Sendable, Equatable {
    /// Every member as received, including service-specific ones.
    public let json: JSONObject

    /// The RFC 7662 members that must be strings.
    static let stringMembers = ["scope", "client_id", "username", "token_type", "sub", "iss", "jti"]
    /// The RFC 7662 members that must be numbers (NumericDate seconds).
    static let numberMembers = ["exp", "iat", "nbf"]

    /// Checks the RFC 7662 types: `active` is a boolean; `scope`, `client_id`, `username`, `token_type`,
    /// `sub`, `iss` and `jti` are strings; `exp`, `iat` and `nbf` are numbers; `aud` is a string or an array
    /// of strings. Throws ``IntrospectionJWTError/Code/invalidIntrospection`` otherwise.
    public init(validating json: JSONObject) throws(IntrospectionJWTError) {
        guard let active = json["active"] else { throw .invalidIntrospection("token_introspection has no \"active\" member") }
        guard case .bool = active else {
            throw .invalidIntrospection("\"active\" is a \(active.typeName), not a boolean: \(quoted(active))")
        }
        for name in Self.stringMembers {
            if let value = json[name], value.stringValue == nil {
                throw .invalidIntrospection("\"\(name)\" is a \(value.typeName), not a string: \(quoted(value))")
            }
        }
        for name in Self.numberMembers {
            if let value = json[name], value.doubleValue == nil {
                throw .invalidIntrospection("\"\(name)\" is a \(value.typeName), not a number: \(quoted(value))")
            }
        }
        if let audience = json["aud"], stringOrStrings(audience) == nil {
            throw .invalidIntrospection("\"aud\" is neither a string nor an array of strings: \(quoted(audience))")
        }
        self.json = json
    }

    /// The value of any member, by exact name.
    public subscript(member: String) -> JSONValue? { json[member] }

    /// `active`: whether the token is active.
    public var isActive: Bool { json["active"]?.boolValue ?? false }
    /// `scope`, split at spaces; empty when absent.
    public var scopes: [String] {
        json["scope"]?.stringValue?.split(separator: " ", omittingEmptySubsequences: true).map(String.init) ?? []
    }
    /// `client_id`.
    public var clientID: String? { json["client_id"]?.stringValue }
    /// `username`.
    public var username: String? { json["username"]?.stringValue }
    /// `token_type`.
    public var tokenType: String? { json["token_type"]?.stringValue }
    /// `exp`: when the token expires.
    public var expiration: Date? { date("exp") }
    /// `iat`: when the token was issued.
    public var issuedAt: Date? { date("iat") }
    /// `nbf`: when the token becomes valid.
    public var notBefore: Date? { date("nbf") }
    /// `sub`.
    public var subject: String? { json["sub"]?.stringValue }
    /// `aud`, as a list; empty when absent.
    public var audiences: [String] { json["aud"].flatMap(stringOrStrings) ?? [] }
    /// `iss`: the issuer of the token.
    public var issuer: String? { json["iss"]?.stringValue }
    /// `jti`.
    public var jwtID: String? { json["jti"]?.stringValue }

    /// Whether `scope` holds `scope` (exact match of one space-separated entry).
    public func hasScope(_ scope: String) -> Bool {
        scopes.contains { $0.hasSameCodePoints(as: scope) }
    }

    private func date(_ name: String) -> Date? {
        json[name]?.doubleValue.map { Date(timeIntervalSince1970: $0) }
    }
}

/// A string as a one-element list, an array of strings as a list, anything else nil.
func stringOrStrings(_ value: JSONValue) -> [String]? {
    switch value {
    case .string(let string): return [string]
    case .array(let elements):
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let string) = element else { return nil }
            strings.append(string)
        }
        return strings
    default: return nil
    }
}
