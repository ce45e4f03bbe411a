/// An absolute `http` or `https` URI without query and fragment, normalised as RFC 3986 §6.2.2 and
/// §6.2.3 say, so that a DPoP proof's `htu` and the request's target URI compare as equal when they name
/// the same resource (RFC 9449 §4.3 check 9):
///
/// - scheme and host in lowercase (§6.2.2.1), the scheme's default port dropped, and an empty port too
///   (§6.2.3);
/// - percent-encodings in uppercase hex, and those of unreserved characters decoded (§6.2.2.1, §6.2.2.2);
/// - dot segments removed (§6.2.2.3, the algorithm of §5.2.4); an empty path is `/` (§6.2.3).
///
/// A user-info part, a character outside the URI grammar's printable ASCII and a bad percent-encoding make
/// the URI unusable (nil).
struct TargetURI: Hashable, CustomStringConvertible {
    /// The normalised text: `scheme://authority/path`.
    let text: String

    var description: String { text }

    /// Normalises an absolute URI; `query` says whether a query or fragment is tolerated (and dropped):
    /// a request's target has them stripped, a proof's `htu` must not carry them.
    static func parse(_ uri: String, droppingQuery: Bool) -> Result<TargetURI, Problem> {
        let bytes = Array(uri.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes[colon...].starts(with: Array("://".utf8)) else {
            return .failure(.notAbsolute)
        }
        let scheme = String(decoding: bytes[..<colon].map(lowercased), as: UTF8.self)
        let defaultPort: String
        switch scheme {
        case "https": defaultPort = "443"
        case "http": defaultPort = "80"
        default: return .failure(.scheme(scheme))
        }
        var rest = bytes[(colon + 3)...]
        if let end = rest.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            guard droppingQuery else { return .failure(.queryOrFragment) }
            rest = rest[..<end]
        }
        guard rest.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .failure(.character) }
        let pathStart = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let authority = rest[..<pathStart]
        guard !authority.contains(UInt8(ascii: "@")) else { return .failure(.userInfo) }
        guard let host = normalisedAuthority(authority, defaultPort: defaultPort) else { return .failure(.authority) }
        guard let path = normalisedPath(rest[pathStart...]) else { return .failure(.percentEncoding) }
        return .success(TargetURI(text: scheme + "://" + host + path))
    }

    /// Why a URI cannot be compared.
    enum Problem: Error, CustomStringConvertible {
        case notAbsolute, scheme(String), queryOrFragment, character, userInfo, authority, percentEncoding

        var description: String {
            switch self {
            case .notAbsolute: "it is not an absolute URI (scheme://authority/path)"
            case .scheme(let scheme): "its scheme \"\(scheme)\" is neither http nor https"
            case .queryOrFragment: "it has a query or a fragment (RFC 9449 §4.2: htu has neither)"
            case .character: "it has a character outside printable ASCII"
            case .userInfo: "it has a user-info part"
            case .authority: "its authority is empty or has a bad port"
            case .percentEncoding: "it has a bad percent-encoding"
            }
        }
    }

    /// `host[:port]` in lowercase, without the default or an empty port.
    private static func normalisedAuthority(_ authority: ArraySlice<UInt8>, defaultPort: String) -> String? {
        var host = authority
        var port: ArraySlice<UInt8> = []
        // The port follows the last colon, unless that colon is inside an IPv6 literal's brackets.
        if let colon = authority.lastIndex(of: UInt8(ascii: ":")), !authority[colon...].contains(UInt8(ascii: "]")) {
            host = authority[..<colon]
            port = authority[(colon + 1)...]
        }
        guard !host.isEmpty, port.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        let portText = String(decoding: port.drop(while: { $0 == UInt8(ascii: "0") && port.count > 1 }), as: UTF8.self)
        let hostText = String(decoding: host.map(lowercased), as: UTF8.self)
        return portText.isEmpty || portText == defaultPort ? hostText : hostText + ":" + portText
    }

    /// The path with percent-encodings normalised and dot segments removed; `/` when empty.
    private static func normalisedPath(_ path: ArraySlice<UInt8>) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(path.count)
        var index = path.startIndex
        while index < path.endIndex {
            let byte = path[index]
            guard byte == UInt8(ascii: "%") else {
                decoded.append(byte)
                index += 1
                continue
            }
            guard index + 2 < path.endIndex, let high = hexValue(path[index + 1]), let low = hexValue(path[index + 2]) else { return nil }
            let value = high << 4 | low
            if isUnreserved(value) {
                decoded.append(value)
            } else {
                decoded.append(contentsOf: [UInt8(ascii: "%"), hexDigit(high), hexDigit(low)])
            }
            index += 3
        }
        let segments = removingDotSegments(String(decoding: decoded, as: UTF8.self))
        return segments.isEmpty ? "/" : segments
    }

    /// RFC 3986 §5.2.4.
    private static func removingDotSegments(_ path: String) -> String {
        var input = Substring(path)
        var output: [Substring] = []
        while !input.isEmpty {
            if input.hasPrefix("../") {
                input = input.dropFirst(3)
            } else if input.hasPrefix("./") {
                input = input.dropFirst(2)
            } else if input.hasPrefix("/./") {
                input = input.dropFirst(2)
            } else if input == "/." {
                input = "/"
            } else if input.hasPrefix("/../") {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input == "/.." {
                input = "/"
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""
            } else {
                let start = input.hasPrefix("/") ? input.index(after: input.startIndex) : input.startIndex
                let end = input[start...].firstIndex(of: "/") ?? input.endIndex
                output.append(input[..<end])
                input = input[end...]
            }
        }
        return output.joined()
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}
