public import Foundation

/// Verifies JWT introspection responses (RFC 9701, `application/token-introspection+jwt`).
///
/// The pipeline reads top to bottom and stops at the first failure, whose code says which step failed:
/// 1. structure: three strict base64url parts, strict UTF-8 JSON objects, numeric time claims;
/// 2. header: `alg` in the allow-list, `typ` `token-introspection+jwt`, no unknown `crit`;
/// 3. key: from the key source, by `kid` (or every key that fits the algorithm);
/// 4. signature, by OpenSSL;
/// 5. claims: presence, `iss`, `aud`, time, and the `token_introspection` member.
///
/// ```swift
/// let keys = try JWKSet(json: jwksDocument)
/// let verifier = IntrospectionResponseVerifier(
///     policy: VerificationPolicy(issuer: "https://as.example.com", audience: "https://rs.example.com"),
///     keys: keys)
/// let response = try await verifier.verify(jwt)
/// if response.introspection.isActive { ... }
/// ```
public struct IntrospectionResponseVerifier: Sendable {
    /// What the response must satisfy.
    public let policy: VerificationPolicy
    /// Where the keys come from.
    public let keySource: any VerificationKeySource

    /// A verifier that takes its keys from `keySource` (a remote JWKS, an archive, ...).
    public init(policy: VerificationPolicy, keySource: any VerificationKeySource) {
        self.policy = policy
        self.keySource = keySource
    }

    /// A verifier with a fixed key set.
    public init(policy: VerificationPolicy, keys: JWKSet) {
        self.init(policy: policy, keySource: keys)
    }

    /// Verifies `token` as of `time` (now by default; an audit passes the moment the response was received).
    public func verify(_ token: String, at time: Date = Date()) async throws(IntrospectionJWTError) -> VerifiedIntrospectionResponse {
        let parsed = try parse(token)
        let keys: JWKSet
        if parsed.keyIDIsInvalid {
            keys = JWKSet(keys: [])
        } else {
            keys = try await keySource.keySet(forKeyID: parsed.header.keyID, algorithm: parsed.header.algorithm)
        }
        return try finish(parsed, keys: keys, at: time)
    }

    /// Verifies `token` with the given key set, synchronously (the key source is not consulted).
    public func verify(_ token: String, using keys: JWKSet, at time: Date = Date()) throws(IntrospectionJWTError) -> VerifiedIntrospectionResponse {
        try finish(try parse(token), keys: keys, at: time)
    }

    // MARK: - The steps

    struct ParsedResponse {
        let jws: CompactJWS
        let header: JOSEHeader
        let keyIDIsInvalid: Bool
        /// Where the registered claims are on the payload's tape.
        let claimEntries: ResponseClaims.Entries
    }

    /// Steps 1 and 2: structure and header.
    func parse(_ token: String) throws(IntrospectionJWTError) -> ParsedResponse {
        let jws = try CompactJWS.parse(token)
        let claimEntries = try jws.payload.withView { (claims) throws(IntrospectionJWTError) -> ResponseClaims.Entries in
            let entries = ResponseClaims.Entries(claims)
            try ResponseClaims.checkTimeClaimTypes(claims, entries)
            return entries
        }
        let (header, keyIDIsInvalid) = try JOSEHeader.check(
            jws.header,
            allowedAlgorithms: policy.allowedAlgorithms,
            understoodCriticalParameters: policy.understoodCriticalHeaderParameters
        )
        return ParsedResponse(jws: jws, header: header, keyIDIsInvalid: keyIDIsInvalid, claimEntries: claimEntries)
    }

    /// Steps 3 to 5: key, signature, claims.
    func finish(_ parsed: ParsedResponse, keys: JWKSet, at time: Date) throws(IntrospectionJWTError) -> VerifiedIntrospectionResponse {
        let key = try JWSSignatureVerifier.verifySignature(
            of: parsed.jws, algorithm: parsed.header.algorithm, keyID: parsed.header.keyID,
            keyIDIsInvalid: parsed.keyIDIsInvalid, keys: keys
        )
        let introspection = try parsed.jws.payload.withView { (claims) throws(IntrospectionJWTError) -> Int in
            let entries = parsed.claimEntries
            try ResponseClaims.checkRequiredClaims(entries)
            try ResponseClaims.checkIssuer(claims, entries, expected: policy.issuer)
            try ResponseClaims.checkAudience(claims, entries, expected: policy.audiences)
            try ResponseClaims.checkTimes(
                claims, entries,
                at: time.timeIntervalSince1970,
                maximumAge: policy.maximumAge.secondsValue,
                clockSkew: policy.clockSkew.secondsValue
            )
            return try ResponseClaims.checkTokenIntrospection(claims, entries)
        }
        // The tree of the claims is built only if a caller reads `claims` or `introspection.json`.
        let payload = VerifiedPayload(tape: parsed.jws.payload)
        return VerifiedIntrospectionResponse(
            header: parsed.header, introspection: TokenIntrospection(checked: payload, object: introspection),
            verificationKey: key, payload: payload)
    }
}
