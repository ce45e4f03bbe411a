import Foundation

/// The `application/x-www-form-urlencoded` serializer (WHATWG URL §5.2, the algorithm RFC 6749 Appendix B
/// adopts): UTF-8, then every byte outside `*-._` and ASCII letters and digits is written `%XX` (upper
/// case hex), and a space becomes `+`.
///
/// It encodes the request body (RFC 7662 §2.1) and, as RFC 6749 §2.3.1 requires, the client identifier
/// and secret before they are joined for HTTP Basic.
package enum FormURLEncoding {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Whether `byte` is written as itself.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x2A, 0x2D, 0x2E, 0x5F: true  // * - . _
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }

    /// One name or value, encoded.
    package static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else if byte == 0x20 {
                output.append(0x2B)  // +
            } else {
                output.append(0x25)  // %
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A whole form body: `name=value` pairs joined by `&`, in the given order.
    package static func encode(_ parameters: [(name: String, value: String)]) -> String {
        parameters.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }

    /// The HTTP Basic credentials of an OAuth client, as RFC 6749 §2.3.1 prescribes:
    /// `Basic base64(form(client_id) ":" form(client_secret))`, the identifier and the secret each
    /// form-encoded before they are joined as the RFC 7617 user-id and password.
    package static func basicAuthorization(clientID: String, clientSecret: String) -> String {
        "Basic " + Data((encode(clientID) + ":" + encode(clientSecret)).utf8).base64EncodedString()
    }
}
