public import Foundation
public import IntrospectionJWT

/// The outcome of one introspection call, shaped like the .NET `TokenIntrospectionResponse`: check
/// ``isError`` first; on success the RFC 7662 members are available as typed properties.
///
/// For a JWT response the properties come from the verified `token_introspection` object, never from
/// unverified data: when validation fails, ``isError`` is true and ``json`` is nil.
public struct TokenIntrospectionResponse: Sendable {
    /// Why the call failed, or nil on success.
    public let error: IntrospectionClientError?
    /// The HTTP status, when a response arrived.
    public let httpStatus: Int?
    /// The response's `Content-Type`, as received.
    public let contentType: String?
    /// The response body as received.
    public let rawBody: [UInt8]
    /// The format of this response: ``IntrospectionResponseFormat/jwt`` when the body was validated as a
    /// JWT response, ``IntrospectionResponseFormat/json`` for a plain JSON one, nil otherwise.
    public let format: IntrospectionResponseFormat?
    /// The parsed JSON: for a JSON response the body (the introspection object, or the error object of a
    /// failed call); for a verified JWT response its `token_introspection` object.
    public let json: JSONObject?
    /// The checked introspection data, on success.
    public let introspection: TokenIntrospection?
    /// For a JWT response that passed validation: header, top-level claims and (with the built-in
    /// verifier) the verification details.
    public let jwt: ValidatedIntrospectionJWT?

    init(
        error: IntrospectionClientError?,
        httpStatus: Int? = nil,
        contentType: String? = nil,
        rawBody: [UInt8] = [],
        format: IntrospectionResponseFormat? = nil,
        json: JSONObject? = nil,
        introspection: TokenIntrospection? = nil,
        jwt: ValidatedIntrospectionJWT? = nil
    ) {
        self.error = error
        self.httpStatus = httpStatus
        self.contentType = contentType
        self.rawBody = rawBody
        self.format = format
        self.json = json
        self.introspection = introspection
        self.jwt = jwt
    }

    /// This response with the `Retry-After` wait set on its error.
    func withRetryAfter(_ delay: Duration) -> TokenIntrospectionResponse {
        guard let error else { return self }
        return TokenIntrospectionResponse(
            error: error.withRetryAfter(delay), httpStatus: httpStatus, contentType: contentType, rawBody: rawBody, format: format,
            json: json, introspection: introspection, jwt: jwt)
    }

    /// Whether the call failed. Check it before reading anything else.
    public var isError: Bool { error != nil }
    /// The error's message, or nil on success.
    public var errorMessage: String? { error?.description }
    /// The body as text (invalid UTF-8 replaced).
    public var raw: String { String(decoding: rawBody, as: UTF8.self) }

    /// `active`: false on error.
    public var isActive: Bool { introspection?.isActive ?? false }
    /// `scope`, split at spaces; empty when absent or on error.
    public var scopes: [String] { introspection?.scopes ?? [] }
    /// `client_id`.
    public var clientID: String? { introspection?.clientID }
    /// `username`.
    public var username: String? { introspection?.username }
    /// `token_type`.
    public var tokenType: String? { introspection?.tokenType }
    /// `exp` of the token.
    public var expiration: Date? { introspection?.expiration }
    /// `iat` of the token.
    public var issuedAt: Date? { introspection?.issuedAt }
    /// `nbf` of the token.
    public var notBefore: Date? { introspection?.notBefore }
    /// `sub`.
    public var subject: String? { introspection?.subject }
    /// `aud` of the token; empty when absent.
    public var audiences: [String] { introspection?.audiences ?? [] }
    /// `iss` of the token.
    public var issuer: String? { introspection?.issuer }
    /// `jti`.
    public var jwtID: String? { introspection?.jwtID }

    /// Whether `scope` lists `scope`.
    public func hasScope(_ scope: String) -> Bool { introspection?.hasScope(scope) ?? false }

    /// The verified JWT header, for JWT responses.
    public var jwtHeader: JSONObject? { jwt?.header }
    /// The verified top-level JWT claims (they describe the response, not the token), for JWT responses.
    public var jwtClaims: JSONObject? { jwt?.claims }

    /// The introspection members as name-value claims (as .NET's `Claims`): an array yields one claim per
    /// element; strings are taken as they are, other values as compact JSON. Empty on error.
    public var claims: [IntrospectionClaim] {
        guard let introspection else { return [] }
        var result: [IntrospectionClaim] = []
        for member in introspection.json {
            if case .array(let elements) = member.value {
                for element in elements { result.append(IntrospectionClaim(name: member.name, value: element)) }
            } else {
                result.append(IntrospectionClaim(name: member.name, value: member.value))
            }
        }
        return result
    }
}

/// One introspection member (or one element of an array member) as a name and a string value.
public struct IntrospectionClaim: Sendable, Hashable, CustomStringConvertible {
    /// The member name (`sub`, `scope`, `aud`, ...).
    public let name: String
    /// The value: a string as it is, anything else as compact JSON.
    public let value: String

    /// Makes a claim.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    init(name: String, value: JSONValue) {
        self.name = name
        self.value = value.stringValue ?? JSONWriter.string(for: value)
    }

    public var description: String { "\(name)=\(value)" }
}
