internal import COpenSSL

/// OpenSSL's per-thread error queue. Every failed call leaves entries there; they are drained on every
/// failure so that they can never be mistaken for the cause of a later failure.
enum OpenSSLErrorStack {
    /// Empties the queue and returns its entries as text (for diagnostics; never shown as the main reason).
    static func drain() -> String {
        var entries: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            entries.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return entries.isEmpty ? "no OpenSSL error recorded" : entries.joined(separator: "; ")
    }

    /// Empties the queue without reading it (the hot path of a failed signature check).
    static func clear() {
        ERR_clear_error()
    }
}
