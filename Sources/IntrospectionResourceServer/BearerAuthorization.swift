public import HTTPTypes

/// The bearer token of a request, read from its `Authorization` field exactly as RFC 6750 §2.1 says:
///
///     credentials = "Bearer" 1*SP b64token
///     b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
///
/// The scheme is compared case-insensitively (RFC 9110 §11.1); there must be exactly one
/// `Authorization` field and exactly one token in it. A token in the query (`access_token=`, RFC 6750
/// §2.3) or in a form body (§2.2) is never looked at: only the header counts, so a request that carries
/// its token elsewhere is a request without a token.
///
/// The value's descriptions (`print`, `dump`, interpolation) never show the token.
public enum BearerAuthorization: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// No `Authorization` field: RFC 6750 §3.1 answers 401 with a challenge and no error code.
    case missing
    /// An `Authorization` field that is not exactly one `Bearer <b64token>`: 400 `invalid_request`.
    case malformed(ResourceServerError)
    /// The token.
    case token(String)

    /// The longest token accepted (16 KiB); a longer one is `malformed` before it is hashed or sent.
    public static let maximumTokenLength = 16 * 1024

    /// Reads the `Authorization` fields of a request.
    public init(_ headerFields: HTTPFields) {
        self.init(authorizationValues: headerFields[values: .authorization])
    }

    /// Reads the values of every `Authorization` field of a request, in order (frameworks that do not use
    /// swift-http-types pass their header values here).
    public init(authorizationValues values: [String]) {
        self = Self.reading(values, schemes: [.bearer]).authorization
    }

    /// Reads the values of every `Authorization` field as ``init(authorizationValues:)`` does, accepting
    /// the `DPoP` scheme beside `Bearer` when `acceptingDPoP` (RFC 9449 §7.1: the same token68 grammar);
    /// returns the scheme the request used (`Bearer` when it used neither).
    public static func reading(_ values: [String], acceptingDPoP: Bool) -> (authorization: BearerAuthorization, scheme: TokenScheme) {
        reading(values, schemes: acceptingDPoP ? [.bearer, .dpop] : [.bearer])
    }

    private static func reading(_ values: [String], schemes: [TokenScheme]) -> (authorization: BearerAuthorization, scheme: TokenScheme) {
        guard var field = values.first else { return (.missing, .bearer) }
        guard values.count == 1 else {
            return (.malformed(Self.problem("the request has \(values.count) Authorization fields; exactly one is allowed")), .bearer)
        }
        return field.withUTF8 { Self.parse($0, schemes: schemes) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, schemes: [TokenScheme]) -> (authorization: BearerAuthorization, scheme: TokenScheme) {
        let isWhitespace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        // Field values arrive without leading and trailing white space (RFC 9110 §5.5); be tolerant of a
        // framework that keeps it.
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
            let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else {
            return (.malformed(problem("the Authorization field is empty")), .bearer)
        }
        let value = UnsafeBufferPointer(rebasing: bytes[first...last])
        for scheme in schemes {
            let name = Array(scheme.rawValue.lowercased().utf8)
            guard value.count >= name.count, zip(value.prefix(name.count), name).allSatisfy({ lowercased($0) == $1 }),
                value.count == name.count || value[name.count] == 0x20
            else { continue }
            return (parseToken(value, scheme: scheme), scheme)
        }
        let names = schemes.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
        return (.malformed(problem("the Authorization field is not \(names) followed by a space and a token (RFC 6750 §2.1)")), .bearer)
    }

    /// The token after `scheme` and its space (the scheme's name is known to start `value`).
    private static func parseToken(_ value: UnsafeBufferPointer<UInt8>, scheme: TokenScheme) -> BearerAuthorization {
        let name = scheme.rawValue
        guard value.count > name.utf8.count else {
            return .malformed(problem("the Authorization field has the \(name) scheme but no token"))
        }
        let token = value[name.utf8.count...].drop(while: { $0 == 0x20 })
        guard !token.isEmpty else {
            return .malformed(problem("the Authorization field has the \(name) scheme but no token"))
        }
        guard token.count <= maximumTokenLength else {
            return .malformed(problem("the \(scheme.tokenName) is \(token.count) bytes long; at most \(maximumTokenLength) are accepted"))
        }
        var sawPadding = false
        var offset = 0
        for byte in token {
            defer { offset += 1 }
            if byte == UInt8(ascii: "=") {
                guard offset > 0 else { return .malformed(problem("the \(scheme.tokenName) starts with \"=\" (RFC 6750 §2.1 b64token)")) }
                sawPadding = true
            } else if sawPadding || !isB64TokenCharacter(byte) {
                let what = byte == 0x20 || byte == 0x09 ? "white space (one token only)" : "a character outside the b64token grammar"
                return .malformed(problem("the \(scheme.tokenName) has \(what) at offset \(offset) (RFC 6750 §2.1)"))
            }
        }
        return .token(String(decoding: UnsafeBufferPointer(rebasing: token), as: UTF8.self))
    }

    private static func isB64TokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    private static func problem(_ message: String) -> ResourceServerError {
        ResourceServerError(.malformedAuthorization, message)
    }

    /// `missing`, `malformed(…)` or `token(<redacted>)`.
    public var description: String {
        switch self {
        case .missing: "missing"
        case .malformed(let error): "malformed(\(error.message))"
        case .token: "token(<redacted>)"
        }
    }

    public var debugDescription: String { description }

    /// A mirror without the token, so that `dump` cannot print it either.
    public var customMirror: Mirror { Mirror(self, children: ["value": description]) }
}

/// The authentication scheme of an `Authorization` field: `Bearer` (RFC 6750) or `DPoP` (RFC 9449 §7.1).
public enum TokenScheme: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `Authorization: Bearer <token>`.
    case bearer = "Bearer"
    /// `Authorization: DPoP <token>`, with a proof in the `DPoP` field.
    case dpop = "DPoP"

    /// `Bearer` or `DPoP`.
    public var description: String { rawValue }

    /// How messages name the token.
    var tokenName: String {
        switch self {
        case .bearer: "bearer token"
        case .dpop: "DPoP-bound token"
        }
    }
}
