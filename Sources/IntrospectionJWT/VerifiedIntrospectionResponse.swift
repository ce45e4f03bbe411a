public import Foundation

/// An introspection response whose structure, header, signature and claims all passed.
public struct VerifiedIntrospectionResponse: Sendable {
    /// The checked protected header (`alg`, `kid`, `typ`, and every other member).
    public let header: JOSEHeader
    /// The introspection data: the checked `token_introspection` object.
    public let introspection: TokenIntrospection
    /// The key that verified the signature.
    public let verificationKey: VerificationKey
    /// How the response was encrypted, when it was an encrypted (nested) JWT; nil for a signed-only one.
    public internal(set) var encryption: ResponseEncryption? = nil
    /// The payload as checked: its bytes and tape, and the trees built from them on demand.
    let payload: VerifiedPayload

    /// The top-level claims of the response (`iss`, `aud`, `iat`, `token_introspection`, ...).
    ///
    /// Built from the verified payload on first access and cached: verification itself reads the claims
    /// in place and makes no tree.
    public var claims: JSONObject { payload.object(at: 0) }

    /// `iss` of the response (the authorization server).
    public var issuer: String {
        payload.read("iss", inObjectAt: 0) { view, entry in view[entry].kind == .string ? view.string(at: entry) : nil } ?? ""
    }
    /// `aud` of the response, as a list.
    public var audiences: [String] { payload.read("aud", inObjectAt: 0) { $0.strings(at: $1) } ?? [] }
    /// `iat` of the response: when the authorization server made it.
    public var issuedAt: Date { Date(timeIntervalSince1970: payload.read("iat", inObjectAt: 0) { $0.double(at: $1) } ?? 0) }
    /// Whether the introspected token is active.
    public var isActive: Bool { introspection.isActive }
}
