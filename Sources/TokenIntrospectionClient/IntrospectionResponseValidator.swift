public import Foundation
public import IntrospectionJWT

/// Checks a JWT introspection response (`application/token-introspection+jwt`, RFC 9701) before the client
/// reports it as a success.
///
/// Validation is asynchronous because a validator may need to fetch keys, and the protocol is `Sendable`
/// because one validator serves concurrent calls. `IntrospectionResponseVerifier` conforms: it is what the
/// client uses when none is given. A validator throws `IntrospectionJWTError`; custom validators may use
/// their own codes (`IntrospectionJWTError.Code(rawValue:)`).
public protocol IntrospectionResponseValidator: Sendable {
    /// Validates `jwt`, the response body, as of `time` (when the response was received).
    func validate(_ jwt: String, at time: Date) async throws(IntrospectionJWTError) -> ValidatedIntrospectionJWT
}

/// A JWT introspection response that a validator accepted.
public struct ValidatedIntrospectionJWT: Sendable {
    /// The protected header (`alg`, `typ`, `kid`, ...).
    public let header: JSONObject
    /// The top-level claims (`iss`, `aud`, `iat`, `token_introspection`, ...): they describe the response.
    public let claims: JSONObject
    /// The `token_introspection` object: it describes the introspected token.
    public let introspection: TokenIntrospection
    /// The verifier's full result, when `IntrospectionResponseVerifier` validated the response.
    public let verified: VerifiedIntrospectionResponse?

    /// Makes the result of a custom validator.
    public init(header: JSONObject, claims: JSONObject, introspection: TokenIntrospection) {
        self.header = header
        self.claims = claims
        self.introspection = introspection
        self.verified = nil
    }

    /// Wraps the verifier's result.
    public init(_ verified: VerifiedIntrospectionResponse) {
        self.header = verified.header.members
        self.claims = verified.claims
        self.introspection = verified.introspection
        self.verified = verified
    }
}

extension IntrospectionResponseVerifier: IntrospectionResponseValidator {
    /// Runs the full verification pipeline (structure, header, key, signature, claims).
    public func validate(_ jwt: String, at time: Date) async throws(IntrospectionJWTError) -> ValidatedIntrospectionJWT {
        ValidatedIntrospectionJWT(try await verify(jwt, at: time))
    }
}
