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
        // One pass over the members finds the RFC 7662 ones (no lookup per name); a member of the wrong
        // type is then reported in the fixed order of the checks below, whatever the member order.
        var active: JSONValue? = nil
        var wrongString: (rank: Int, member: JSONObject.Member)? = nil
        var wrongNumber: (rank: Int, member: JSONObject.Member)? = nil
        var audience: JSONValue? = nil
        for member in json.members {
            let name = member.name
            switch name.utf8.count {
            case 6 where name.hasSameCodePoints(as: "active"):
                active = member.value
            case 3 where name.hasSameCodePoints(as: "aud"):
                audience = member.value
            default:
                if let rank = Self.rank(of: name, in: Self.stringMembers) {
                    if case .string = member.value { continue }
                    if rank < wrongString?.rank ?? .max { wrongString = (rank, member) }
                } else if let rank = Self.rank(of: name, in: Self.numberMembers) {
                    if case .number = member.value { continue }
                    if rank < wrongNumber?.rank ?? .max { wrongNumber = (rank, member) }
                }
            }
        }
        guard let active else { throw .invalidIntrospection("token_introspection has no \"active\" member") }
        guard case .bool = active else {
            throw .invalidIntrospection("\"active\" is a \(active.typeName), not a boolean: \(quoted(active))")
        }
        if let (_, member) = wrongString {
            throw .invalidIntrospection("\"\(member.name)\" is a \(member.value.typeName), not a string: \(quoted(member.value))")
        }
        if let (_, member) = wrongNumber {
            throw .invalidIntrospection("\"\(member.name)\" is a \(member.value.typeName), not a number: \(quoted(member.value))")
        }
        if let audience, !isStringOrStrings(audience) {
            throw .invalidIntrospection("\"aud\" is neither a string nor an array of strings: \(quoted(audience))")
        }
        self.json = json
    }

    /// The position of `name` in `names` (code-point comparison), or nil.
    private static func rank(of name: String, in names: [String]) -> Int? {
        for (rank, candidate) in names.enumerated() where candidate.hasSameCodePoints(as: name) { return rank }
        return nil
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

/// Whether `value` is a string or an array of strings (``stringOrStrings(_:)`` without building the list).
func isStringOrStrings(_ value: JSONValue) -> Bool {
    switch value {
    case .string: return true
    case .array(let elements):
        for element in elements {
            guard case .string = element else { return false }
        }
        return true
    default: return false
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
