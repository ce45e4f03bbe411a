public import Foundation

/// The RFC 7662 §2.2 introspection data: the `token_introspection` member of an RFC 9701 response, or a
/// plain JSON introspection response. Members describe the introspected token, not the response.
public struct TokenIntrospection: Sendable, Equatable {
    /// Where the members are: a tree given by a caller, or the tape of a verified payload, from which the
    /// tree is built on first access (``json``) and single members are read in place.
    private enum Backing: Sendable {
        case tree(JSONObject)
        case tape(VerifiedPayload, object: Int)
    }

    private let backing: Backing

    /// Every member as received, including service-specific ones.
    public var json: JSONObject {
        switch backing {
        case .tree(let object): object
        case .tape(let payload, let object): payload.object(at: object)
        }
    }

    /// Checks the RFC 7662 types: `active` is a boolean; `scope`, `client_id`, `username`, `token_type`,
    /// `sub`, `iss` and `jti` are strings; `exp`, `iat` and `nbf` are numbers; `aud` is a string or an array
    /// of strings. Throws ``IntrospectionJWTError/Code/invalidIntrospection`` otherwise.
    public init(validating json: JSONObject) throws(IntrospectionJWTError) {
        try IntrospectionTypeCheck.check { (body: (JSONObject.Member) -> Void) in
            for member in json.members { body(member) }
        }
        self.backing = .tree(json)
    }

    /// The object at tape entry `object` of a verified payload, whose types
    /// ``IntrospectionTypeCheck/check(_:)`` has already checked.
    init(checked payload: VerifiedPayload, object: Int) {
        self.backing = .tape(payload, object: object)
    }

    /// The value of any member, by exact name.
    public subscript(member: String) -> JSONValue? {
        switch backing {
        case .tree(let object): object[member]
        case .tape(let payload, let object): payload.value(of: member, inObjectAt: object)
        }
    }

    /// Equal when the members are equal (``JSONObject``'s equality), however they are held.
    public static func == (lhs: TokenIntrospection, rhs: TokenIntrospection) -> Bool {
        lhs.json == rhs.json
    }

    /// The value of a member named by a constant; read in place when on a tape.
    private func member<R>(_ name: StaticString, _ read: (JSONValue) -> R?, inPlace: (JSONTapeView, Int) -> R?) -> R? {
        switch backing {
        case .tree(let object):
            return object.members.first { $0.nameIs(name) }.flatMap { read($0.value) }
        case .tape(let payload, let object):
            return payload.read(name, inObjectAt: object, inPlace)
        }
    }

    private func string(_ name: StaticString) -> String? {
        member(name, { $0.stringValue }, inPlace: { view, entry in view[entry].kind == .string ? view.string(at: entry) : nil })
    }

    /// `active`: whether the token is active.
    public var isActive: Bool {
        member("active", { $0.boolValue }, inPlace: { view, entry in view[entry].kind == .true }) ?? false
    }
    /// `scope`, split at spaces; empty when absent.
    public var scopes: [String] {
        string("scope")?.split(separator: " ", omittingEmptySubsequences: true).map(String.init) ?? []
    }
    /// `client_id`.
    public var clientID: String? { string("client_id") }
    /// `username`.
    public var username: String? { string("username") }
    /// `token_type`.
    public var tokenType: String? { string("token_type") }
    /// `exp`: when the token expires.
    public var expiration: Date? { date("exp") }
    /// `iat`: when the token was issued.
    public var issuedAt: Date? { date("iat") }
    /// `nbf`: when the token becomes valid.
    public var notBefore: Date? { date("nbf") }
    /// `sub`.
    public var subject: String? { string("sub") }
    /// `aud`, as a list; empty when absent.
    public var audiences: [String] { member("aud", stringOrStrings, inPlace: { $0.strings(at: $1) }) ?? [] }
    /// `iss`: the issuer of the token.
    public var issuer: String? { string("iss") }
    /// `jti`.
    public var jwtID: String? { string("jti") }

    /// Whether `scope` holds `scope` (exact match of one space-separated entry).
    public func hasScope(_ scope: String) -> Bool {
        scopes.contains { $0.hasSameCodePoints(as: scope) }
    }

    private func date(_ name: StaticString) -> Date? {
        member(name, { $0.doubleValue }, inPlace: { $0.double(at: $1) }).map { Date(timeIntervalSince1970: $0) }
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
