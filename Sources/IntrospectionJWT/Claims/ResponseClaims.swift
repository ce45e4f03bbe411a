/// The checks on the top-level claims of an RFC 9701 response (RFC 9701 §5, RFC 7519 §4.1), one function
/// per rule, run in the order of the error table: types, presence, issuer, audience, time, content.
///
/// They read the payload's tape in place (entry 0 is the claims object): strings are compared where they
/// lie, escapes decoded only when present, and no `String` or tree is made unless a check fails.
enum ResponseClaims {
    /// The NumericDate claims whose type is checked with the structure (built once, not per token).
    static let timeClaimNames: [StaticString] = ["iat", "exp", "nbf"]
    /// The claims RFC 9701 §5 requires.
    static let requiredClaimNames: [StaticString] = ["iss", "aud", "iat", "token_introspection"]

    /// Top-level `iat`, `exp` and `nbf` must be JSON numbers (RFC 7519 §2, NumericDate). This is part of
    /// the structural check, so it runs before the header and the signature.
    static func checkTimeClaimTypes(_ claims: JSONTapeView) throws(IntrospectionJWTError) {
        for name in timeClaimNames {
            if let value = claims.member(name, ofObjectAt: 0), claims[value].kind != .number {
                throw .malformed("the claim \"\(name)\" is a \(claims[value].kind.typeName), not a number: \(quoted(claims.value(at: value)))")
            }
        }
    }

    /// `iss`, `aud`, `iat` and `token_introspection` must be present (RFC 9701 §5).
    static func checkRequiredClaims(_ claims: JSONTapeView) throws(IntrospectionJWTError) {
        for name in requiredClaimNames where claims.member(name, ofObjectAt: 0) == nil {
            throw .missingClaim("the response has no \"\(name)\" claim")
        }
    }

    /// `iss` must be a string exactly equal to the expected issuer (RFC 8414 §4: no normalisation).
    static func checkIssuer(_ claims: JSONTapeView, expected: String) throws(IntrospectionJWTError) {
        guard let value = claims.member("iss", ofObjectAt: 0) else { return }
        guard claims[value].kind == .string else {
            throw .wrongIssuer("\"iss\" is a \(claims[value].kind.typeName), not a string: \(quoted(claims.value(at: value)))")
        }
        guard claims.string(at: value, equals: expected) else {
            throw .wrongIssuer("\"iss\" is \(quoted(claims.string(at: value))); expected \(quoted(expected))")
        }
    }

    /// `aud`, a string or an array of strings, must contain one of the expected audiences.
    static func checkAudience(_ claims: JSONTapeView, expected: [String]) throws(IntrospectionJWTError) {
        guard let value = claims.member("aud", ofObjectAt: 0) else { return }
        guard claims.isStringOrStrings(at: value) else {
            throw .wrongAudience("\"aud\" is neither a string nor an array of strings: \(quoted(claims.value(at: value)))")
        }
        func isExpected(_ audience: Int) -> Bool {
            expected.contains { claims.string(at: audience, equals: $0) }
        }
        var matches = false
        if claims[value].kind == .array {
            claims.forEachElement(ofArrayAt: value) { element in
                if !matches, isExpected(element) { matches = true }
            }
        } else {
            matches = isExpected(value)
        }
        guard matches else {
            throw .wrongAudience("\"aud\" \(quoted(claims.value(at: value))) contains none of the expected audiences \(quoted(.array(expected.map(JSONValue.string))))")
        }
    }

    /// `iat` not in the future and not older than the maximum age; `nbf` reached; `exp` not passed
    /// (RFC 7519 §4.1.4-4.1.6), all with the clock skew. `at` is in seconds since the epoch.
    static func checkTimes(_ claims: JSONTapeView, at: Double, maximumAge: Double, clockSkew: Double) throws(IntrospectionJWTError) {
        let iat = claims.member("iat", ofObjectAt: 0)
        let nbf = claims.member("nbf", ofObjectAt: 0)
        let exp = claims.member("exp", ofObjectAt: 0)
        let issuedAt = iat.flatMap(claims.double(at:))
        let notBefore = nbf.flatMap(claims.double(at:))
        let expiration = exp.flatMap(claims.double(at:))
        func claim(_ entry: Int?) -> String {
            entry.map { quoted(claims.value(at: $0)) } ?? "?"
        }
        if let issuedAt, issuedAt > at + clockSkew {
            throw .notYetValid("\"iat\" \(claim(iat)) is later than the verification time \(seconds(at)) plus \(seconds(clockSkew)) s of clock skew")
        }
        if let notBefore, notBefore > at + clockSkew {
            throw .notYetValid("\"nbf\" \(claim(nbf)) is later than the verification time \(seconds(at)) plus \(seconds(clockSkew)) s of clock skew")
        }
        if let issuedAt, issuedAt < at - maximumAge - clockSkew {
            throw .expired("\"iat\" \(claim(iat)) is more than \(seconds(maximumAge)) s (plus \(seconds(clockSkew)) s of clock skew) before the verification time \(seconds(at))")
        }
        if let expiration, expiration <= at - clockSkew {
            throw .expired("\"exp\" \(claim(exp)) is at or before the verification time \(seconds(at)) minus \(seconds(clockSkew)) s of clock skew")
        }
    }

    /// `token_introspection` must be an RFC 7662 response object (RFC 9701 §5); returns its tape entry.
    static func checkTokenIntrospection(_ claims: JSONTapeView) throws(IntrospectionJWTError) -> Int {
        guard let value = claims.member("token_introspection", ofObjectAt: 0) else {
            throw .missingClaim("the response has no \"token_introspection\" claim")
        }
        guard claims[value].kind == .object else {
            throw .invalidIntrospection("\"token_introspection\" is a \(claims[value].kind.typeName), not an object")
        }
        try IntrospectionTypeCheck.check { (body: (TapeMember) -> Void) in
            claims.forEachMember(ofObjectAt: value) { name, _ in body(TapeMember(view: claims, nameEntry: name)) }
        }
        return value
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
