import Foundation

/// The local authorization server's own `application/x-www-form-urlencoded` codec (WHATWG URL §5),
/// written apart from the client's so that a shared mistake cannot make the tests pass.
public enum FormCodec {
    /// Parses a form body into name-value pairs, in order: `+` is a space, `%XX` a byte, then UTF-8.
    /// Nil when a percent escape is malformed or the bytes are not UTF-8.
    public static func decode(_ body: String) -> [(name: String, value: String)]? {
        var result: [(name: String, value: String)] = []
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = unescape(String(parts[0])) else { return nil }
            guard let value = unescape(parts.count > 1 ? String(parts[1]) : "") else { return nil }
            result.append((name, value))
        }
        return result
    }

    /// One encoded component, decoded.
    public static func unescape(_ component: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(component.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// One component, encoded: ASCII letters, digits and `*-._` stay, a space is `+`, the rest `%XX`.
    public static func escape(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || "*-._".unicodeScalars.contains(scalar) {
                output.unicodeScalars.append(scalar)
            } else if byte == 0x20 {
                output += "+"
            } else {
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }

    /// The exact `Authorization` header RFC 6749 §2.3.1 prescribes for HTTP Basic client authentication.
    public static func basicAuthorization(clientID: String, clientSecret: String) -> String {
        "Basic " + Data((escape(clientID) + ":" + escape(clientSecret)).utf8).base64EncodedString()
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
