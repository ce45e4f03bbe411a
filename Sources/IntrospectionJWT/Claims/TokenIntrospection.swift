public import Foundation

/// The RFC 7662 §2.2 introspection data: the `token_introspection` member of an RFC 9701 response, or a
/// plain JSON introspection response. Members describe the introspected token, not the response.
///
/// The members are held one way only: as a strictly scanned JSON text, whatever the source (a verified
/// payload, a JSON body, or a tree given by a caller, written out and scanned). Accessors read the text in
/// place; the ``json`` tree is built on first access and cached; ``decode(_:options:)`` decodes your own
/// `Decodable` types from it.
public struct TokenIntrospection: Sendable, Equatable {
    /// The JSON text, its tape and its cached trees.
    let payload: VerifiedPayload
    /// The tape entry of the introspection object.
    let object: Int

    /// Every member as received, including service-specific ones.
    public var json: JSONObject { payload.object(at: object) }

    /// Checks the RFC 7662 types: `active` is a boolean; `scope`, `client_id`, `username`, `token_type`,
    /// `sub`, `iss` and `jti` are strings; `exp`, `iat` and `nbf` are numbers; `aud` is a string or an array
    /// of strings. Throws ``IntrospectionJWTError/Code/invalidIntrospection`` otherwise, and also when the
    /// tree is not strict JSON (two members with the same name, or nested deeper than the parser allows).
    ///
    /// The tree is written out and scanned like any other JSON text; ``json`` then returns `json` itself.
    public init(validating json: JSONObject) throws(IntrospectionJWTError) {
        let tape: JSONTape
        do {
            tape = try JSONTape(object: Array(JSONWriter.string(for: .object(json)).utf8))
        } catch {
            throw .invalidIntrospection("the introspection object is not strict JSON: \(error.reason)")
        }
        try Self.checkTypes(tape, object: 0)
        self.init(checked: VerifiedPayload(tape: tape, tree: json, at: 0), object: 0)
    }

    /// Scans `bytes`, a plain JSON introspection response (RFC 7662 §2.2, `application/json`), and checks it
    /// as ``init(validating:)`` does. Throws ``IntrospectionJWTError/Code/malformed`` when the bytes are not
    /// one strict UTF-8 JSON object (the message says what they are), and
    /// ``IntrospectionJWTError/Code/invalidIntrospection`` for a member of the wrong type.
    public init(json bytes: some Collection<UInt8>) throws(IntrospectionJWTError) {
        let tape: JSONTape
        do {
            tape = try JSONTape(value: Array(bytes))
        } catch {
            throw .malformed("not valid JSON: \(error.reason)")
        }
        guard tape.entries[0].kind == .object else {
            throw .malformed("a JSON \(tape.entries[0].kind.typeName), not an object")
        }
        try Self.checkTypes(tape, object: 0)
        self.init(checked: VerifiedPayload(tape: tape), object: 0)
    }

    /// The object at tape entry `object` of a payload, whose types ``IntrospectionTypeCheck/check(_:objectAt:)``
    /// has already checked.
    init(checked payload: VerifiedPayload, object: Int) {
        self.payload = payload
        self.object = object
    }

    private static func checkTypes(_ tape: JSONTape, object: Int) throws(IntrospectionJWTError) {
        try tape.withView { (view) throws(IntrospectionJWTError) in
            try IntrospectionTypeCheck.check(view, objectAt: object)
        }
    }

    /// The value of any member, by exact name.
    public subscript(member: String) -> JSONValue? {
        payload.value(of: member, inObjectAt: object)
    }

    /// Equal when the members are equal (``JSONObject``'s equality).
    public static func == (lhs: TokenIntrospection, rhs: TokenIntrospection) -> Bool {
        lhs.json == rhs.json
    }

    /// The member `name`, read in place by `read`.
    private func member<R>(_ name: StaticString, _ read: (JSONTapeView, Int) -> R?) -> R? {
        payload.read(name, inObjectAt: object, read)
    }

    private func string(_ name: StaticString) -> String? {
        member(name) { view, entry in view[entry].kind == .string ? view.string(at: entry) : nil }
    }

    private func date(_ name: StaticString) -> Date? {
        member(name) { $0.double(at: $1) }.map { Date(timeIntervalSince1970: $0) }
    }

    /// `active`: whether the token is active.
    public var isActive: Bool { member("active") { view, entry in view[entry].kind == .true } ?? false }
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
    public var audiences: [String] { member("aud") { $0.strings(at: $1) } ?? [] }
    /// `iss`: the issuer of the token.
    public var issuer: String? { string("iss") }
    /// `jti`.
    public var jwtID: String? { string("jti") }

    /// Whether `scope` holds `scope` (exact match of one space-separated entry).
    public func hasScope(_ scope: String) -> Bool {
        scopes.contains { $0.hasSameCodePoints(as: scope) }
    }
}
