/// The checks on the top-level claims of an RFC 9701 response (RFC 9701 §5, RFC 7519 §4.1), one function
/// per rule, run in the order of the error table: types, presence, issuer, audience, time, content.
enum ResponseClaims {
    /// The NumericDate claims whose type is checked with the structure (built once, not per token).
    static let timeClaimNames = ["iat", "exp", "nbf"]
    /// The claims RFC 9701 §5 requires.
    static let requiredClaimNames = ["iss", "aud", "iat", "token_introspection"]

    /// Top-level `iat`, `exp` and `nbf` must be JSON numbers (RFC 7519 §2, NumericDate). This is part of
    /// the structural check, so it runs before the header and the signature.
    static func checkTimeClaimTypes(_ claims: JSONObject) throws(IntrospectionJWTError) {
        for name in timeClaimNames {
            if let value = claims[name], value.doubleValue == nil {
                throw .malformed("the claim \"\(name)\" is a \(value.typeName), not a number: \(quoted(value))")
            }
        }
    }

    /// `iss`, `aud`, `iat` and `token_introspection` must be present (RFC 9701 §5).
    static func checkRequiredClaims(_ claims: JSONObject) throws(IntrospectionJWTError) {
        for name in requiredClaimNames where claims[name] == nil {
            throw .missingClaim("the response has no \"\(name)\" claim")
        }
    }

    /// `iss` must be a string exactly equal to the expected issuer (RFC 8414 §4: no normalisation).
    static func checkIssuer(_ claims: JSONObject, expected: String) throws(IntrospectionJWTError) {
        guard let value = claims["iss"] else { return }
        guard case .string(let issuer) = value else {
            throw .wrongIssuer("\"iss\" is a \(value.typeName), not a string: \(quoted(value))")
        }
        guard issuer.hasSameCodePoints(as: expected) else {
            throw .wrongIssuer("\"iss\" is \(quoted(issuer)); expected \(quoted(expected))")
        }
    }

    /// `aud`, a string or an array of strings, must contain one of the expected audiences.
    static func checkAudience(_ claims: JSONObject, expected: [String]) throws(IntrospectionJWTError) {
        guard let value = claims["aud"] else { return }
        guard isStringOrStrings(value) else {
            throw .wrongAudience("\"aud\" is neither a string nor an array of strings: \(quoted(value))")
        }
        func isExpected(_ audience: JSONValue) -> Bool {
            guard case .string(let audience) = audience else { return false }
            return expected.contains { $0.hasSameCodePoints(as: audience) }
        }
        let matches: Bool
        switch value {
        case .array(let elements): matches = elements.contains(where: isExpected)
        default: matches = isExpected(value)
        }
        guard matches else {
            throw .wrongAudience("\"aud\" \(quoted(value)) contains none of the expected audiences \(quoted(.array(expected.map(JSONValue.string))))")
        }
    }

    /// `iat` not in the future and not older than the maximum age; `nbf` reached; `exp` not passed
    /// (RFC 7519 §4.1.4-4.1.6), all with the clock skew. `at` is in seconds since the epoch.
    static func checkTimes(_ claims: JSONObject, at: Double, maximumAge: Double, clockSkew: Double) throws(IntrospectionJWTError) {
        let issuedAt = claims["iat"]?.doubleValue
        let notBefore = claims["nbf"]?.doubleValue
        let expiration = claims["exp"]?.doubleValue
        if let issuedAt, issuedAt > at + clockSkew {
            throw .notYetValid("\"iat\" \(seconds(claims["iat"])) is later than the verification time \(seconds(at)) plus \(seconds(clockSkew)) s of clock skew")
        }
        if let notBefore, notBefore > at + clockSkew {
            throw .notYetValid("\"nbf\" \(seconds(claims["nbf"])) is later than the verification time \(seconds(at)) plus \(seconds(clockSkew)) s of clock skew")
        }
        if let issuedAt, issuedAt < at - maximumAge - clockSkew {
            throw .expired("\"iat\" \(seconds(claims["iat"])) is more than \(seconds(maximumAge)) s (plus \(seconds(clockSkew)) s of clock skew) before the verification time \(seconds(at))")
        }
        if let expiration, expiration <= at - clockSkew {
            throw .expired("\"exp\" \(seconds(claims["exp"])) is at or before the verification time \(seconds(at)) minus \(seconds(clockSkew)) s of clock skew")
        }
    }

    /// `token_introspection` must be an RFC 7662 response object (RFC 9701 §5).
    static func checkTokenIntrospection(_ claims: JSONObject) throws(IntrospectionJWTError) -> TokenIntrospection {
        guard let value = claims["token_introspection"] else {
            throw .missingClaim("the response has no \"token_introspection\" claim")
        }
        guard case .object(let object) = value else {
            throw .invalidIntrospection("\"token_introspection\" is a \(value.typeName), not an object")
        }
        return try TokenIntrospection(validating: object)
    }

    private static func seconds(_ value: JSONValue?) -> String {
        value.map { quoted($0) } ?? "?"
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
