/// The checks on the top-level claims of an RFC 9701 response (RFC 9701 §5, RFC 7519 §4.1), one function
/// per rule, run in the order of the error table: types, presence, issuer, audience, time, content.
///
/// They read the payload's tape in place (entry 0 is the claims object): strings are compared where they
/// lie, escapes decoded only when present, and no `String` or tree is made unless a check fails.
enum ResponseClaims {
    /// Where the registered claims are on the payload's tape (value entries), found in one pass over the
    /// top-level members rather than one search per check.
    struct Entries {
        var iss: Int?, aud: Int?, iat: Int?, exp: Int?, nbf: Int?, tokenIntrospection: Int?

        init(_ claims: JSONTapeView) {
            claims.forEachMember(ofObjectAt: 0) { name, value in
                let member = TapeMember(view: claims, nameEntry: name)
                switch member.nameUTF8Count {
                case 3:
                    if member.nameIs("iss") { iss = value }
                    else if member.nameIs("aud") { aud = value }
                    else if member.nameIs("iat") { iat = value }
                    else if member.nameIs("exp") { exp = value }
                    else if member.nameIs("nbf") { nbf = value }
                case 19:
                    if member.nameIs("token_introspection") { tokenIntrospection = value }
                default:
                    break
                }
            }
        }
    }

    /// Top-level `iat`, `exp` and `nbf` must be JSON numbers (RFC 7519 §2, NumericDate). This is part of
    /// the structural check, so it runs before the header and the signature.
    static func checkTimeClaimTypes(_ claims: JSONTapeView, _ entries: Entries) throws(IntrospectionJWTError) {
        try checkNumber("iat", entries.iat, claims)
        try checkNumber("exp", entries.exp, claims)
        try checkNumber("nbf", entries.nbf, claims)
    }

    /// A NumericDate claim, when present, must be a JSON number (RFC 7519 §2).
    static func checkNumber(_ name: StaticString, _ entry: Int?, _ claims: JSONTapeView) throws(IntrospectionJWTError) {
        if let value = entry, claims[value].kind != .number {
            throw .malformed("the claim \"\(name)\" is a \(claims[value].kind.typeName), not a number: \(quoted(claims.value(at: value)))")
        }
    }

    /// `iss`, `aud`, `iat` and `token_introspection` must be present (RFC 9701 §5).
    static func checkRequiredClaims(_ entries: Entries) throws(IntrospectionJWTError) {
        try requirePresent("iss", entries.iss)
        try requirePresent("aud", entries.aud)
        try requirePresent("iat", entries.iat)
        try requirePresent("token_introspection", entries.tokenIntrospection)
    }

    /// One required claim must be present (RFC 9701 §5).
    static func requirePresent(_ name: StaticString, _ entry: Int?) throws(IntrospectionJWTError) {
        if entry == nil { throw .missingClaim("the response has no \"\(name)\" claim") }
    }

    /// `iss` must be a string exactly equal to the expected issuer (RFC 8414 §4: no normalisation).
    static func checkIssuer(_ claims: JSONTapeView, _ entries: Entries, expected: String) throws(IntrospectionJWTError) {
        guard let value = entries.iss else { return }
        guard claims[value].kind == .string else {
            throw .wrongIssuer("\"iss\" is a \(claims[value].kind.typeName), not a string: \(quoted(claims.value(at: value)))")
        }
        guard claims.string(at: value, equals: expected) else {
            throw .wrongIssuer("\"iss\" is \(quoted(claims.string(at: value))); expected \(quoted(expected))")
        }
    }

    /// `aud`, a string or an array of strings, must contain one of the expected audiences.
    static func checkAudience(_ claims: JSONTapeView, _ entries: Entries, expected: [String]) throws(IntrospectionJWTError) {
        guard let value = entries.aud else { return }
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
    /// (RFC 7519 §4.1.4-4.1.6), all with the clock skew, in that order. `at` is in seconds since the epoch.
    static func checkTimes(
        _ claims: JSONTapeView, _ entries: Entries, at: Double, maximumAge: Double, clockSkew: Double
    ) throws(IntrospectionJWTError) {
        try checkIssuedAtNotInFuture(claims, entries, at: at, clockSkew: clockSkew)
        try checkNotBefore(claims, entries, at: at, clockSkew: clockSkew)
        try checkIssuedAtNotTooOld(claims, entries, at: at, maximumAge: maximumAge, clockSkew: clockSkew)
        try checkExpiration(claims, entries, at: at, clockSkew: clockSkew)
    }

    /// `iat` is not later than `at` plus the clock skew.
    static func checkIssuedAtNotInFuture(_ claims: JSONTapeView, _ entries: Entries, at: Double, clockSkew: Double) throws(IntrospectionJWTError) {
        if let entry = entries.iat, let issuedAt = claims.double(at: entry), issuedAt > at + clockSkew {
            throw .notYetValid("\"iat\" \(quoted(claims.value(at: entry))) is later than the verification time \(seconds(at)) plus \(seconds(clockSkew)) s of clock skew")
        }
    }

    /// `nbf`, when present, is not later than `at` plus the clock skew.
    static func checkNotBefore(_ claims: JSONTapeView, _ entries: Entries, at: Double, clockSkew: Double) throws(IntrospectionJWTError) {
        if let entry = entries.nbf, let notBefore = claims.double(at: entry), notBefore > at + clockSkew {
            throw .notYetValid("\"nbf\" \(quoted(claims.value(at: entry))) is later than the verification time \(seconds(at)) plus \(seconds(clockSkew)) s of clock skew")
        }
    }

    /// `iat` is not older than the maximum age (plus the clock skew) at `at`.
    static func checkIssuedAtNotTooOld(
        _ claims: JSONTapeView, _ entries: Entries, at: Double, maximumAge: Double, clockSkew: Double
    ) throws(IntrospectionJWTError) {
        if let entry = entries.iat, let issuedAt = claims.double(at: entry), issuedAt < at - maximumAge - clockSkew {
            throw .expired("\"iat\" \(quoted(claims.value(at: entry))) is more than \(seconds(maximumAge)) s (plus \(seconds(clockSkew)) s of clock skew) before the verification time \(seconds(at))")
        }
    }

    /// A top-level `exp`, when present, has not passed at `at` (minus the clock skew).
    static func checkExpiration(_ claims: JSONTapeView, _ entries: Entries, at: Double, clockSkew: Double) throws(IntrospectionJWTError) {
        if let entry = entries.exp, let expiration = claims.double(at: entry), expiration <= at - clockSkew {
            throw .expired("\"exp\" \(quoted(claims.value(at: entry))) is at or before the verification time \(seconds(at)) minus \(seconds(clockSkew)) s of clock skew")
        }
    }

    /// `token_introspection` must be an RFC 7662 response object (RFC 9701 §5); returns its tape entry.
    static func checkTokenIntrospection(_ claims: JSONTapeView, _ entries: Entries) throws(IntrospectionJWTError) -> Int {
        guard let value = entries.tokenIntrospection else {
            throw .missingClaim("the response has no \"token_introspection\" claim")
        }
        guard claims[value].kind == .object else {
            throw .invalidIntrospection("\"token_introspection\" is a \(claims[value].kind.typeName), not an object")
        }
        try IntrospectionTypeCheck.check(claims, objectAt: value)
        return value
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
