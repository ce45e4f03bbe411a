package import Foundation

/// A response parsed by the verifier's own first step, with each later rule of the verifier available
/// on its own.
///
/// ``IntrospectionResponseVerifier`` runs the rules in order and stops at the first failure; the
/// conformance checker (another module of this package) holds the answer of an authorization server
/// here and runs each rule separately, recording every outcome. Either way a rule is the same code:
/// the JWS split and its limits (`CompactJWS`), the header rules (`JOSEHeader`), key selection and
/// signature (`JWSSignatureVerifier`), and the claim rules (`ResponseClaims`). An encrypted answer is
/// first held in ``EncryptedResponseRules``, whose decryption gives the `ResponseRules` of the signed JWT
/// inside.
package struct ResponseRules: Sendable {
    let jws: CompactJWS
    let entries: ResponseClaims.Entries

    /// Splits and parses `token` as the verifier does: at most 64 KiB, three strict base64url parts, a
    /// header and a payload that are strict UTF-8 JSON objects. Throws `malformed` otherwise.
    package init(_ token: String) throws(IntrospectionJWTError) {
        let jws = try CompactJWS.parse(token)
        self.jws = jws
        self.entries = jws.payload.withView { ResponseClaims.Entries($0) }
    }

    /// The signed JWT inside a decrypted response, with the verifier's nested-JWT rule first (the content
    /// is a compact JWS's text: at most 64 KiB, ASCII, two dots; a nested JWE is refused), then as
    /// ``init(_:)``. Throws `malformed`.
    package init(decryptedContent plaintext: [UInt8]) throws(IntrospectionJWTError) {
        try self.init(try IntrospectionResponseVerifier.nestedJWS(plaintext))
    }

    /// The protected header.
    package var header: JSONObject { jws.header }

    /// The top-level claims, as a tree.
    package var claims: JSONObject { jws.payload.withView { $0.object(at: 0) } }

    /// `typ` is `token-introspection+jwt` (RFC 9701 §5, RFC 7515 §4.1.9: `application/` prefix and ASCII
    /// letter case tolerated). Returns it as received.
    package func checkType() throws(IntrospectionJWTError) -> String {
        try JOSEHeader.checkType(header["typ"])
    }

    /// The signature algorithm `alg` names, when it is one the verifier implements (and `allowed`).
    package func algorithm(allowed: Set<SignatureAlgorithm> = SignatureAlgorithm.allSupported) throws(IntrospectionJWTError) -> SignatureAlgorithm {
        try JOSEHeader.checkAlgorithm(header["alg"], allowed: allowed)
    }

    /// Selects the key by `kid` (or every key fitting `algorithm`) and verifies the signature: the key that
    /// verified it, or `unknown_key`, `weak_key`, `bad_signature`.
    package func verifySignature(algorithm: SignatureAlgorithm, keys: JWKSet) throws(IntrospectionJWTError) -> VerificationKey {
        let (keyID, keyIDIsInvalid) = JOSEHeader.keyIdentifier(header)
        return try JWSSignatureVerifier.verifySignature(
            of: jws, algorithm: algorithm, keyID: keyID, keyIDIsInvalid: keyIDIsInvalid, keys: keys)
    }

    /// `iss` is present and exactly `expected`.
    package func checkIssuer(expected: String) throws(IntrospectionJWTError) {
        try ResponseClaims.requirePresent("iss", entries.iss)
        try jws.payload.withView { (claims) throws(IntrospectionJWTError) in
            try ResponseClaims.checkIssuer(claims, entries, expected: expected)
        }
    }

    /// `aud` is present and holds one of `expected`.
    package func checkAudience(expected: [String]) throws(IntrospectionJWTError) {
        try ResponseClaims.requirePresent("aud", entries.aud)
        try jws.payload.withView { (claims) throws(IntrospectionJWTError) in
            try ResponseClaims.checkAudience(claims, entries, expected: expected)
        }
    }

    /// `iat` is present, a number, not later than `time` plus `clockSkew` and not more than `maximumAge`
    /// (plus `clockSkew`) before it.
    package func checkIssuedAt(at time: Date, maximumAge: Duration, clockSkew: Duration) throws(IntrospectionJWTError) {
        try ResponseClaims.requirePresent("iat", entries.iat)
        try jws.payload.withView { (claims) throws(IntrospectionJWTError) in
            try ResponseClaims.checkNumber("iat", entries.iat, claims)
            let at = time.timeIntervalSince1970
            try ResponseClaims.checkIssuedAtNotInFuture(claims, entries, at: at, clockSkew: clockSkew.secondsValue)
            try ResponseClaims.checkIssuedAtNotTooOld(claims, entries, at: at, maximumAge: maximumAge.secondsValue, clockSkew: clockSkew.secondsValue)
        }
    }

    /// `token_introspection` is present and an RFC 7662 response object (member types checked); returns it.
    package func checkTokenIntrospection() throws(IntrospectionJWTError) -> JSONObject {
        try jws.payload.withView { (claims) throws(IntrospectionJWTError) -> JSONObject in
            claims.object(at: try ResponseClaims.checkTokenIntrospection(claims, entries))
        }
    }
}

/// An encrypted response (a compact JWE around the signed JWT, RFC 9701 §5, RFC 7519 §5.2) parsed by the
/// verifier's own first step, with each rule of the JWE layer available on its own: the content type
/// (`JWEHeader`), and the algorithm checks with decryption (`JWEHeader`, `JWEDecryptor`). Its decryption
/// gives the ``ResponseRules`` of the inner JWS.
package struct EncryptedResponseRules: Sendable {
    let jwe: CompactJWE

    /// Whether `token` has the five parts of a compact JWE (a signed-only response has three).
    package static func isEncrypted(_ token: String) -> Bool {
        CompactJWE.partCount(token) == 5
    }

    /// Splits and parses `token` as the verifier does: at most 128 KiB, five strict base64url parts (the
    /// encrypted key may be empty), a protected header that is a strict UTF-8 JSON object. Throws
    /// `malformed` otherwise.
    package init(_ token: String) throws(IntrospectionJWTError) {
        self.jwe = try CompactJWE.parse(token)
    }

    /// The protected header.
    package var header: JSONObject { jwe.header }

    /// `cty` says the content is a JWT (`JWT`, any ASCII letter case, `application/` prefix tolerated;
    /// RFC 7519 §5.2, RFC 9701 §5). Returns it as received; throws `wrong_type`.
    package func checkContentType() throws(IntrospectionJWTError) -> String {
        try JWEHeader.checkContentType(header["cty"])
        return header["cty"]?.stringValue ?? ""
    }

    /// Decrypts as the verifier does, except that `cty` is left to ``checkContentType()``: `alg` and `enc`
    /// supported and allowed, no `zip` (`unsupported_encryption`), `crit` (`unsupported_critical_header`),
    /// then key selection and decryption with `keys` (`decryption_failed`). Returns the decrypted content
    /// (for ``ResponseRules/init(decryptedContent:)``) and the encryption facts.
    package func decrypt(
        keys: DecryptionKeySet,
        allowedAlgorithms: Set<KeyManagementAlgorithm> = KeyManagementAlgorithm.allSupported,
        allowedContentEncryptions: Set<ContentEncryptionAlgorithm> = ContentEncryptionAlgorithm.allSupported
    ) throws(IntrospectionJWTError) -> (content: [UInt8], encryption: ResponseEncryption) {
        let checked = try JWEHeader.check(
            jwe.header, allowedAlgorithms: allowedAlgorithms, allowedContentEncryptions: allowedContentEncryptions,
            understoodCriticalParameters: [], contentType: .any)
        let decrypted = try JWEDecryptor.decrypt(jwe, header: checked, keys: keys)
        return (decrypted.plaintext, ResponseEncryption(checked, decryptedWith: decrypted.key))
    }
}
