public import Foundation

/// Verifies JWT introspection responses (RFC 9701, `application/token-introspection+jwt`).
///
/// The pipeline reads top to bottom and stops at the first failure, whose code says which step failed.
/// An encrypted response (a compact JWE around the signed JWT, RFC 9701 §5) is first checked and
/// decrypted: structure (`malformed`), `alg`/`enc`/`zip` (`unsupported_encryption`), `cty` (`wrong_type`),
/// `crit`, then decryption with ``decryptionKeys`` (`decryption_failed`); the inner JWS then goes through
/// the same steps as a signed-only response:
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
    /// The resource server's keys for encrypted responses (none by default).
    public let decryptionKeys: DecryptionKeySet

    /// A verifier that takes its keys from `keySource` (a remote JWKS, an archive, ...) and decrypts
    /// encrypted responses with `decryptionKeys`.
    public init(policy: VerificationPolicy, keySource: any VerificationKeySource, decryptionKeys: DecryptionKeySet = DecryptionKeySet()) {
        self.policy = policy
        self.keySource = keySource
        self.decryptionKeys = decryptionKeys
    }

    /// A verifier with a fixed key set, decrypting encrypted responses with `decryptionKeys`.
    public init(policy: VerificationPolicy, keys: JWKSet, decryptionKeys: DecryptionKeySet = DecryptionKeySet()) {
        self.init(policy: policy, keySource: keys, decryptionKeys: decryptionKeys)
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
        /// The outer JWE's facts, for an encrypted response.
        var encryption: ResponseEncryption? = nil
    }

    /// Steps 1 and 2: structure and header; for an encrypted response, its decryption first.
    func parse(_ token: String) throws(IntrospectionJWTError) -> ParsedResponse {
        if policy.requiresEncryption {
            switch CompactJWE.partCount(token) {
            case 5: return try parseEncrypted(token)
            case 3: throw .encryptionRequired("the response is signed but not encrypted, and the policy requires encryption")
            default: break  // neither: malformed, as below
            }
        }
        let jws: CompactJWS
        do {
            jws = try CompactJWS.parse(token)
        } catch {
            // Only a token that failed as a JWS is counted again: a signed response pays nothing for JWE.
            guard CompactJWE.partCount(token) == 5 else { throw error }
            return try parseEncrypted(token)
        }
        return try parseSigned(jws)
    }

    /// The signed response's structure and header.
    private func parseSigned(_ jws: CompactJWS) throws(IntrospectionJWTError) -> ParsedResponse {
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

    /// An encrypted response: the JWE checks, decryption, and the inner JWS's structure and header.
    private func parseEncrypted(_ token: String) throws(IntrospectionJWTError) -> ParsedResponse {
        let jwe = try CompactJWE.parse(token)
        let header = try JWEHeader.check(
            jwe.header,
            allowedAlgorithms: policy.allowedKeyManagementAlgorithms,
            allowedContentEncryptions: policy.allowedContentEncryptionAlgorithms,
            understoodCriticalParameters: policy.understoodCriticalHeaderParameters
        )
        let decrypted = try JWEDecryptor.decrypt(jwe, header: header, keys: decryptionKeys)
        let nested = try Self.nestedJWS(decrypted.plaintext)
        var parsed = try parseSigned(try CompactJWS.parse(nested))
        parsed.encryption = ResponseEncryption(header, decryptedWith: decrypted.key)
        parsed.encryption?.signedJWT = nested
        return parsed
    }

    /// The signed JWT an encrypted response holds (RFC 7519 §5.2, RFC 9701 §5): the decrypted content as a
    /// compact JWS's text, at most 64 KiB, ASCII with exactly two dots. Anything else (a nested JWE, JSON,
    /// ...) is `malformed`.
    static func nestedJWS(_ plaintext: [UInt8]) throws(IntrospectionJWTError) -> String {
        guard plaintext.count <= CompactJWS.maximumTokenByteCount else {
            throw .malformed("the decrypted content is \(plaintext.count) bytes long, over the limit of \(CompactJWS.maximumTokenByteCount)")
        }
        let dots = plaintext.reduce(0) { $0 + ($1 == UInt8(ascii: ".") ? 1 : 0) }
        guard dots == 2, plaintext.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            let what = dots == 4 ? "a nested JWE" : "not a compact JWS"
            throw .malformed("the decrypted content is \(what); an encrypted response must hold a signed JWT")
        }
        return String(decoding: plaintext, as: UTF8.self)
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
            verificationKey: key, encryption: parsed.encryption, payload: payload)
    }
}
