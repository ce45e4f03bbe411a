import Foundation
import IntrospectionJWT

/// The exact introspection requests the checker sends (RFC 7662 §2.1, RFC 9701 §4), built by hand so
/// that each one differs from a conforming call in exactly one way.
enum ConformanceRequests {
    /// The RFC 9701 media type, as the `Accept` value of JWT requests (exactly this, no list, no `q`).
    static let jwtMediaType = "application/token-introspection+jwt"

    /// A POST to `endpoint` with the form body `token=…`; `accept` and `authorization` when given.
    static func introspection(endpoint: String, token: String, accept: String, authorization: String?) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [
            (name: "Content-Type", value: "application/x-www-form-urlencoded"),
            (name: "Accept", value: accept),
        ]
        if let authorization { headers.append((name: "Authorization", value: authorization)) }
        return HTTPRequest(method: "POST", url: endpoint, headers: headers, body: Array(("token=" + formEncode(token)).utf8))
    }

    /// HTTP Basic as RFC 6749 §2.3.1 prescribes: id and secret each form-encoded, then joined by `:`
    /// and base64-encoded.
    static func basicAuthorization(clientID: String, clientSecret: String) -> String {
        "Basic " + Data((formEncode(clientID) + ":" + formEncode(clientSecret)).utf8).base64EncodedString()
    }

    /// `application/x-www-form-urlencoded` for one component (WHATWG URL §5.2, RFC 6749 Appendix B):
    /// ASCII letters, digits and `*-._` stay, a space is `+`, every other UTF-8 byte is `%XX`.
    static func formEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 0x2A, 0x2D, 0x2E, 0x5F, 0x30...0x39, 0x41...0x5A, 0x61...0x7A: output.append(byte)
            case 0x20: output.append(0x2B)
            default: output += [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A token no authorization server has issued: 32 random bytes, base64url.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
