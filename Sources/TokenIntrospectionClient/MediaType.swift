/// Media type comparison for `Content-Type` (RFC 9110 §8.3.1): the type and subtype compare
/// case-insensitively and parameters (`; charset=utf-8`) are ignored.
enum MediaType {
    /// The `type/subtype` of a `Content-Type` value, lower-cased, without parameters or white space.
    static func essence(of contentType: String) -> String {
        let beforeParameters = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        let trimmed = beforeParameters.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        return String(decoding: trimmed.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Whether `contentType` names `mediaType` (given in lower case).
    static func matches(_ contentType: String?, _ mediaType: String) -> Bool {
        guard let contentType else { return false }
        return essence(of: contentType).utf8.elementsEqual(mediaType.utf8)
    }
}
