public import Foundation
public import IntrospectionJWT

/// What a resource server knows about the caller once its token was introspected and found active:
/// the verified RFC 7662 members with typed accessors, and for RFC 9701 answers the signed JWT itself
/// (evidence that can be forwarded upstream or stored and re-verified later).
///
/// It never holds the access token.
public struct IntrospectionIdentity: Sendable {
    /// The verified introspection data (`token_introspection` of a JWT answer, or a JSON answer).
    public let introspection: TokenIntrospection
    /// The authorization server's answer as received: the compact JWT (`header.payload.signature`) of an
    /// RFC 9701 answer, which verified; nil for a plain JSON answer.
    public let signedResponse: String?
    /// The signed JWT whose signature verified: ``signedResponse`` itself, or for an encrypted answer
    /// (RFC 9701 §5) the JWS inside it, which anyone with the issuer's public keys can check again. This is
    /// what a forward-auth service passes upstream. Nil for a plain JSON answer.
    public let signedJWT: String?
    /// The verified JWT header of an RFC 9701 answer.
    public let responseHeader: JSONObject?
    /// The verified top-level claims of an RFC 9701 answer (`iss`, `aud`, `iat`, ...: they describe the
    /// answer, not the token).
    public let responseClaims: JSONObject?
    /// When the answer was received from the authorization server (a cached identity keeps the time of
    /// the call that produced it).
    public let receivedAt: Date
    /// `scope`, split at spaces once (every request served from the cache checks it).
    public let scopes: [String]

    /// Makes an identity; `signedJWT` defaults to `signedResponse` (an answer that was not encrypted).
    public init(
        introspection: TokenIntrospection,
        signedResponse: String? = nil,
        signedJWT: String? = nil,
        responseHeader: JSONObject? = nil,
        responseClaims: JSONObject? = nil,
        receivedAt: Date
    ) {
        self.introspection = introspection
        self.signedResponse = signedResponse
        self.signedJWT = signedJWT ?? signedResponse
        self.responseHeader = responseHeader
        self.responseClaims = responseClaims
        self.receivedAt = receivedAt
        self.scopes = introspection.scopes
    }

    /// `sub`: usually the resource owner.
    public var subject: String? { introspection.subject }
    /// `client_id`: the client the token was issued to.
    public var clientID: String? { introspection.clientID }
    /// `username`.
    public var username: String? { introspection.username }
    /// `exp` of the token.
    public var expiration: Date? { introspection.expiration }
    /// `iat` of the token.
    public var issuedAt: Date? { introspection.issuedAt }
    /// `aud` of the token.
    public var audiences: [String] { introspection.audiences }
    /// `iss` of the token.
    public var issuer: String? { introspection.issuer }
    /// `jti` of the token.
    public var jwtID: String? { introspection.jwtID }
    /// `token_type`.
    public var tokenType: String? { introspection.tokenType }

    /// Whether `scope` lists `scope` (exact code points).
    public func hasScope(_ scope: String) -> Bool {
        scopes.contains { Self.sameCodePoints($0, scope) }
    }

    /// Whether two strings have the same UTF-8 bytes (no Unicode normalisation, as the core compares
    /// scopes), compared as contiguous buffers.
    static func sameCodePoints(_ first: String, _ second: String) -> Bool {
        guard first.utf8.count == second.utf8.count else { return false }
        var (first, second) = (first, second)
        return first.withUTF8 { a in second.withUTF8 { b in a.elementsEqual(b) } }
    }

    /// Any other member of the introspection data (`cnf`, extension members, ...).
    public subscript(member: String) -> JSONValue? { introspection[member] }
}
