package import HTTPTypes

/// Media type comparison for `Content-Type` (RFC 9110 §8.3.1): the type and subtype compare
/// case-insensitively and parameters (`; charset=utf-8`) are ignored. Written by hand: a dozen lines that
/// no listed package offers on its own.
package enum MediaType {
    /// The `type/subtype` of a `Content-Type` value, lower-cased, without parameters or white space.
    package static func essence(of contentType: String) -> String {
        let beforeParameters = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        let trimmed = beforeParameters.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        return String(decoding: trimmed.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The essence of `response`'s `Content-Type`, or nil when it has none (or an empty one).
    package static func essence(of response: HTTPResponse) -> String? {
        guard let value = response.headerFields[.contentType] else { return nil }
        let essence = essence(of: value)
        return essence.isEmpty ? nil : essence
    }

    /// Whether `contentType` names `mediaType` (given in lower case).
    package static func matches(_ contentType: String?, _ mediaType: String) -> Bool {
        guard let contentType else { return false }
        return essence(of: contentType).utf8.elementsEqual(mediaType.utf8)
    }

    /// Whether a media type essence is JSON: `application/json`, `application/jwk-set+json`, or any
    /// `application/…+json` (RFC 6839 §3.1).
    package static func isJSON(_ essence: String) -> Bool {
        essence == "application/json" || (essence.hasPrefix("application/") && essence.hasSuffix("+json"))
    }
}
