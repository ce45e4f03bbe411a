public import Foundation

/// An introspection response whose structure, header, signature and claims all passed.
public struct VerifiedIntrospectionResponse: Sendable {
    /// The checked protected header (`alg`, `kid`, `typ`, and every other member).
    public let header: JOSEHeader
    /// The top-level claims of the response (`iss`, `aud`, `iat`, `token_introspection`, ...).
    public let claims: JSONObject
    /// The introspection data: the checked `token_introspection` object.
    public let introspection: TokenIntrospection
    /// The key that verified the signature.
    public let verificationKey: VerificationKey

    /// `iss` of the response (the authorization server).
    public var issuer: String { claims["iss"]?.stringValue ?? "" }
    /// `aud` of the response, as a list.
    public var audiences: [String] { claims["aud"].flatMap(stringOrStrings) ?? [] }
    /// `iat` of the response: when the authorization server made it.
    public var issuedAt: Date { Date(timeIntervalSince1970: claims["iat"]?.doubleValue ?? 0) }
    /// Whether the introspected token is active.
    public var isActive: Bool { introspection.isActive }
}
