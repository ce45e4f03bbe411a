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
        guard var field = values.first else {
            self = .missing
            return
        }
        guard values.count == 1 else {
            self = .malformed(Self.problem("the request has \(values.count) Authorization fields; exactly one is allowed"))
            return
        }
        self = field.withUTF8 { Self.parse($0) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> BearerAuthorization {
        let isWhitespace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        // Field values arrive without leading and trailing white space (RFC 9110 §5.5); be tolerant of a
        // framework that keeps it.
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
            let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else {
            return .malformed(problem("the Authorization field is empty"))
        }
        let value = bytes[first...last]
        let scheme = Array("bearer".utf8)
        guard value.count > scheme.count,
            zip(value.prefix(scheme.count), scheme).allSatisfy({ lowercased($0) == $1 }),
            value[value.startIndex + scheme.count] == 0x20
        else {
            let onlyScheme = value.count == scheme.count && zip(value, scheme).allSatisfy { lowercased($0) == $1 }
            return .malformed(problem(onlyScheme
                ? "the Authorization field has the Bearer scheme but no token"
                : "the Authorization field is not \"Bearer\" followed by a space and a token (RFC 6750 §2.1)"))
        }
        let token = value[(value.startIndex + scheme.count)...].drop(while: { $0 == 0x20 })
        guard !token.isEmpty else {
            return .malformed(problem("the Authorization field has the Bearer scheme but no token"))
        }
        guard token.count <= maximumTokenLength else {
            return .malformed(problem("the bearer token is \(token.count) bytes long; at most \(maximumTokenLength) are accepted"))
        }
        var sawPadding = false
        var offset = 0
        for byte in token {
            defer { offset += 1 }
            if byte == UInt8(ascii: "=") {
                guard offset > 0 else { return .malformed(problem("the bearer token starts with \"=\" (RFC 6750 §2.1 b64token)")) }
                sawPadding = true
            } else if sawPadding || !isB64TokenCharacter(byte) {
                let what = byte == 0x20 || byte == 0x09 ? "white space (one token only)" : "a character outside the b64token grammar"
                return .malformed(problem("the bearer token has \(what) at offset \(offset) (RFC 6750 §2.1)"))
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
