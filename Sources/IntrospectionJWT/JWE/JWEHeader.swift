// Written by hand: no listed Swift package decrypts JWE with OpenSSL (jwt-kit has no JWE, and issue 13 allows
// no second crypto library such as swift-crypto); OpenSSL does every primitive, this file only the JOSE rules.

/// The checked protected header of an encrypted response (the outer JWE of a nested JWT).
struct JWEHeader: Sendable {
    /// `alg`: one of the allowed key management algorithms.
    let algorithm: KeyManagementAlgorithm
    /// `enc`: one of the allowed content encryption algorithms.
    let contentEncryption: ContentEncryptionAlgorithm
    /// `kid`, when the header names a key with a string.
    let keyID: String?
    /// `kid` is present but not a string: it names no key.
    let keyIDIsInvalid: Bool
    /// Every member as received.
    let members: JSONObject

    /// What `cty` must say.
    enum ContentTypeRule {
        /// `JWT`: the content is a nested JWT (every introspection response).
        case jwt
        /// Anything or nothing (bare JWE test vectors, whose content is not a JWT).
        case any
    }

    /// Checks `alg`, `enc` and `zip` (`unsupported_encryption`), `cty` (`wrong_type`) and `crit`
    /// (`unsupported_critical_header`), in that order. The outer `typ` is not checked.
    static func check(
        _ members: JSONObject,
        allowedAlgorithms: Set<KeyManagementAlgorithm>,
        allowedContentEncryptions: Set<ContentEncryptionAlgorithm>,
        understoodCriticalParameters: Set<String>,
        contentType: ContentTypeRule = .jwt
    ) throws(IntrospectionJWTError) -> JWEHeader {
        let algorithm = try checkName(members["alg"], member: "alg", allowed: allowedAlgorithms, refusal: KeyManagementAlgorithm.refusal(of:))
        let encryption = try checkName(members["enc"], member: "enc", allowed: allowedContentEncryptions) { _ in nil }
        if let zip = members["zip"] {
            throw .unsupportedEncryption("\"zip\" is \(quoted(zip)): compressed content is never accepted (RFC 8725 §3.6)")
        }
        if contentType == .jwt { try checkContentType(members["cty"]) }
        try JOSEHeader.checkCritical(members["crit"], header: members, understood: understoodCriticalParameters)
        let (keyID, keyIDIsInvalid) = JOSEHeader.keyIdentifier(members)
        return JWEHeader(
            algorithm: algorithm, contentEncryption: encryption, keyID: keyID, keyIDIsInvalid: keyIDIsInvalid, members: members)
    }

    /// `alg` or `enc`: a string naming a supported algorithm (exact code points) that is allowed.
    private static func checkName<Algorithm: RawRepresentable & Hashable & CaseIterable>(
        _ value: JSONValue?,
        member: String,
        allowed: Set<Algorithm>,
        refusal: (String) -> String?
    ) throws(IntrospectionJWTError) -> Algorithm where Algorithm.RawValue == String {
        guard let value else { throw .unsupportedEncryption("the JWE header has no \"\(member)\"") }
        guard case .string(let name) = value else {
            throw .unsupportedEncryption("the JWE \"\(member)\" is a \(value.typeName), not a string: \(quoted(value))")
        }
        guard let algorithm = Algorithm(rawValue: name), name.hasSameCodePoints(as: algorithm.rawValue) else {
            if let refusal = refusal(name) { throw .unsupportedEncryption("the JWE \"\(member)\": \(refusal)") }
            throw .unsupportedEncryption("the JWE \"\(member)\" \(quoted(name)) is not a supported algorithm")
        }
        guard allowed.contains(algorithm) else {
            let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw .unsupportedEncryption("the JWE \"\(member)\" \(quoted(name)) is not among the allowed ones (\(list))")
        }
        return algorithm
    }

    /// `cty` must say that the content is a JWT (RFC 7519 §5.2, RFC 9701 §5): `JWT` in any letter case,
    /// with or without the `application/` prefix.
    static func checkContentType(_ value: JSONValue?) throws(IntrospectionJWTError) {
        guard let value else { throw .wrongType("the JWE header has no \"cty\"; a nested JWT needs \"JWT\"") }
        guard case .string(let type) = value else {
            throw .wrongType("the JWE \"cty\" is a \(value.typeName), not a string: \(quoted(value))")
        }
        let lowered = asciiLowercased(type)
        guard lowered == "jwt" || lowered == "application/jwt" else {
            throw .wrongType("the JWE \"cty\" is \(quoted(type)); a nested JWT needs \"JWT\"")
        }
    }
}
