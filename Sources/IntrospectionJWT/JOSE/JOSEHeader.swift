/// The checked protected header of an introspection response.
public struct JOSEHeader: Sendable, Equatable {
    /// `alg`: one of the allowed algorithms.
    public let algorithm: SignatureAlgorithm
    /// `kid`, when the header names a key.
    public let keyID: String?
    /// `typ`, as received (one of the accepted spellings of `token-introspection+jwt`).
    public let type: String
    /// Every header member as received, including ones the verifier ignores (`jwk`, `x5c`, ...).
    public let members: JSONObject
}

/// The media type of RFC 9701 responses, without the `application/` prefix.
let tokenIntrospectionType = "token-introspection+jwt"
/// The same, for byte comparisons.
let tokenIntrospectionTypeBytes: StaticString = "token-introspection+jwt"

/// Header parameters defined by JWS/JWA that `crit` must never list (RFC 7515 §4.1.11).
private let registeredHeaderParameters: Set<String> = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
    "enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
]

extension JOSEHeader {
    /// Checks `alg`, `typ` and `crit`, in that order (RFC 7515 §4.1, RFC 8725 §3.1, §3.11).
    ///
    /// `kid` that is present but not a string can match no key, so it is kept as "no such kid" and
    /// reported later as `unknown_key`.
    static func check(
        _ members: JSONObject,
        allowedAlgorithms: Set<SignatureAlgorithm>,
        understoodCriticalParameters: Set<String>
    ) throws(IntrospectionJWTError) -> (header: JOSEHeader, keyIDIsInvalid: Bool) {
        let algorithm = try checkAlgorithm(members["alg"], allowed: allowedAlgorithms)
        let type = try checkType(members["typ"])
        try checkCritical(members["crit"], header: members, understood: understoodCriticalParameters)
        let (keyID, keyIDIsInvalid) = keyIdentifier(members)
        return (JOSEHeader(algorithm: algorithm, keyID: keyID, type: type, members: members), keyIDIsInvalid)
    }

    /// `kid` when it is a string; a `kid` of another JSON type names no key.
    static func keyIdentifier(_ members: JSONObject) -> (keyID: String?, isInvalid: Bool) {
        switch members["kid"] {
        case nil: (nil, false)
        case .string(let value)?: (value, false)
        case .some: (nil, true)
        }
    }

    static func checkAlgorithm(
        _ value: JSONValue?,
        allowed: Set<SignatureAlgorithm>
    ) throws(IntrospectionJWTError) -> SignatureAlgorithm {
        guard let value else { throw .unsupportedAlgorithm("the header has no \"alg\"") }
        guard case .string(let name) = value else {
            throw .unsupportedAlgorithm("\"alg\" is a \(value.typeName), not a string: \(quoted(value))")
        }
        guard let algorithm = SignatureAlgorithm(rawValue: name), name.hasSameCodePoints(as: algorithm.rawValue) else {
            if name == "none" { throw .unsupportedAlgorithm("\"alg\" is \"none\": unsigned responses are never accepted") }
            if name.hasPrefix("HS") {
                throw .unsupportedAlgorithm("\"alg\" is \(quoted(name)): HMAC algorithms are never accepted")
            }
            throw .unsupportedAlgorithm("\"alg\" \(quoted(name)) is not a supported signature algorithm")
        }
        guard allowed.contains(algorithm) else {
            let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw .unsupportedAlgorithm("\"alg\" \(quoted(name)) is not among the allowed algorithms (\(list))")
        }
        return algorithm
    }

    static func checkType(_ value: JSONValue?) throws(IntrospectionJWTError) -> String {
        guard let value else { throw .wrongType("the header has no \"typ\"; expected \"\(tokenIntrospectionType)\"") }
        guard case .string(let type) = value else {
            throw .wrongType("\"typ\" is a \(value.typeName), not a string: \(quoted(value))")
        }
        guard isTokenIntrospectionType(type) else {
            throw .wrongType("\"typ\" is \(quoted(type)); expected \"\(tokenIntrospectionType)\"")
        }
        return type
    }

    /// `token-introspection+jwt` with or without the `application/` prefix, in any letter case
    /// (RFC 7515 §4.1.9); media-type parameters are not tolerated.
    static func isTokenIntrospectionType(_ type: String) -> Bool {
        isMediaType(type, tokenIntrospectionTypeBytes)
    }

    /// Whether `type` names the media type `application/<expected>`, with or without the `application/`
    /// prefix, in any ASCII letter case (RFC 7515 §4.1.9); media-type parameters are not tolerated.
    /// `expected` is lowercase ASCII.
    static func isMediaType(_ type: String, _ expected: StaticString) -> Bool {
        // Compared in place, letter case folded byte by byte: no lowered copy (this runs on every token).
        var type = type
        return type.withUTF8 { bytes in
            let prefix: StaticString = "application/"
            var offset = 0
            if bytes.count == prefix.utf8CodeUnitCount + expected.utf8CodeUnitCount {
                guard equalsIgnoringASCIICase(bytes, 0, prefix) else { return false }
                offset = prefix.utf8CodeUnitCount
            } else if bytes.count != expected.utf8CodeUnitCount {
                return false
            }
            return equalsIgnoringASCIICase(bytes, offset, expected)
        }
    }

    /// Whether `bytes` at `offset` hold `expected` (lowercase ASCII), ASCII letters compared in any case.
    private static func equalsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ expected: StaticString) -> Bool {
        expected.withUTF8Buffer { expected in
            guard bytes.count - offset >= expected.count else { return false }
            for index in 0..<expected.count {
                let byte = bytes[offset + index]
                let folded = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
                if folded != expected[index] { return false }
            }
            return true
        }
    }

    static func checkCritical(
        _ value: JSONValue?,
        header: JSONObject,
        understood: Set<String>
    ) throws(IntrospectionJWTError) {
        guard let value else { return }
        guard case .array(let elements) = value else {
            throw .unsupportedCriticalHeader("\"crit\" is a \(value.typeName), not an array of names")
        }
        guard !elements.isEmpty else { throw .unsupportedCriticalHeader("\"crit\" is an empty array") }
        var seen = Set<CodePoints>()
        for element in elements {
            guard case .string(let name) = element else {
                throw .unsupportedCriticalHeader("\"crit\" holds a \(element.typeName), not a header name: \(quoted(element))")
            }
            guard seen.insert(CodePoints(name)).inserted else {
                throw .unsupportedCriticalHeader("\"crit\" lists \(quoted(name)) twice")
            }
            guard !registeredHeaderParameters.contains(name) else {
                throw .unsupportedCriticalHeader("\"crit\" lists \(quoted(name)), a parameter JWS defines itself")
            }
            guard understood.contains(where: { $0.hasSameCodePoints(as: name) }) else {
                throw .unsupportedCriticalHeader("\"crit\" lists \(quoted(name)), which this verifier does not implement")
            }
            guard header[name] != nil else {
                throw .unsupportedCriticalHeader("\"crit\" lists \(quoted(name)), which the header does not carry")
            }
        }
    }
}

/// Lowercases ASCII letters only (media types compare case-insensitively in ASCII).
func asciiLowercased(_ text: String) -> String {
    String(decoding: text.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }, as: UTF8.self)
}
