// Written by hand: no listed package parses JSON the way JOSE needs it. Foundation's parsers keep the
// last of two members with the same name (RFC 7515 §5.2 asks us to reject the token instead), compare
// names after Unicode normalisation, accept invalid escapes in places, and have no depth limit.

/// Why a JSON text was refused.
struct JSONParseFailure: Error, Sendable, CustomStringConvertible {
    /// A short, human description of the first problem found.
    let reason: String
    var description: String { reason }
}

/// A strict RFC 8259 scanner: UTF-8 only, unique member names at every depth (compared by code point),
/// no trailing data, no lone surrogates, a bounded nesting depth.
///
/// It validates the text in one pass and records a flat tape (``TapeEntry``) instead of a tree: the
/// verifier checks claims on the tape in place, and the ``JSONValue`` trees of every other caller are
/// built from the tape (``JSONTapeView/value(at:)``), so there is one grammar for both.
struct StrictJSONParser: ~Copyable {
    /// The deepest nesting accepted: the outermost container counts as depth 1.
    static let defaultMaximumDepth = 32

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private let maximumDepth: Int
    private var entries: [TapeEntry] = []

    private init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// A capacity for the tape of a text of `byteCount` bytes that rarely needs to grow (every entry takes
    /// at least one byte of text; in claims sets a member name and its value take twenty or more).
    static func estimatedEntryCount(forByteCount byteCount: Int) -> Int {
        min(byteCount, byteCount / 8 + 16)
    }

    /// Scans a complete JSON text into `entries` (emptied first; entry 0 is the outermost value).
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        requireObject: Bool = false,
        maximumDepth: Int = defaultMaximumDepth,
        into entries: inout [TapeEntry]
    ) throws(JSONParseFailure) {
        // Offsets are kept in 32 bits; a JSON text of 4 GiB is refused as a whole.
        guard bytes.count < Int(UInt32.max) else { throw JSONParseFailure(reason: "JSON text longer than 4 GiB") }
        var parser = StrictJSONParser(bytes: bytes, maximumDepth: maximumDepth)
        entries.removeAll(keepingCapacity: true)
        if entries.capacity == 0 { entries.reserveCapacity(estimatedEntryCount(forByteCount: bytes.count)) }
        swap(&parser.entries, &entries)
        defer { swap(&parser.entries, &entries) }
        parser.skipWhitespace()
        try parser.scanValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw JSONParseFailure(reason: "unexpected data after the JSON value at offset \(parser.index)")
        }
        if requireObject, parser.entries[0].kind != .object {
            let value = parser.entries.withUnsafeBufferPointer { JSONTapeView(bytes: bytes, entries: $0).value(at: 0) }
            throw JSONParseFailure(reason: "expected a JSON object, found \(value.typeName)")
        }
    }

    /// Parses a complete JSON text into a tree.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        maximumDepth: Int = defaultMaximumDepth
    ) throws(JSONParseFailure) -> JSONValue {
        var entries: [TapeEntry] = []
        try scan(bytes, maximumDepth: maximumDepth, into: &entries)
        return entries.withUnsafeBufferPointer { JSONTapeView(bytes: bytes, entries: $0).value(at: 0) }
    }

    /// Parses a complete JSON text that must be an object, scanning into `entries`.
    static func parseObject(
        _ bytes: UnsafeBufferPointer<UInt8>,
        maximumDepth: Int = defaultMaximumDepth,
        entries: inout [TapeEntry]
    ) throws(JSONParseFailure) -> JSONObject {
        try scan(bytes, requireObject: true, maximumDepth: maximumDepth, into: &entries)
        return entries.withUnsafeBufferPointer { JSONTapeView(bytes: bytes, entries: $0).object(at: 0) }
    }

    /// Parses a complete JSON text held in any byte collection.
    static func parse(
        _ bytes: some Collection<UInt8>,
        maximumDepth: Int = defaultMaximumDepth
    ) throws(JSONParseFailure) -> JSONValue {
        let result: Result<JSONValue, JSONParseFailure>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseFailure) in try parse(buffer, maximumDepth: maximumDepth) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(JSONParseFailure) in
            try parse(buffer, maximumDepth: maximumDepth)
        }
    }

    // MARK: - Values

    private mutating func scanValue() throws(JSONParseFailure) {
        guard index < bytes.count else { throw JSONParseFailure(reason: "unexpected end of JSON text") }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"): try scanObject()
        case UInt8(ascii: "["): try scanArray()
        case UInt8(ascii: "\""): try scanString()
        case UInt8(ascii: "t"): try expectLiteral("true"); appendScalar(.true, from: start)
        case UInt8(ascii: "f"): try expectLiteral("false"); appendScalar(.false, from: start)
        case UInt8(ascii: "n"): try expectLiteral("null"); appendScalar(.null, from: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber(); appendScalar(.number, from: start)
        default:
            throw JSONParseFailure(reason: "unexpected byte 0x\(String(bytes[index], radix: 16)) at offset \(index)")
        }
    }

    private mutating func appendScalar(_ kind: TapeEntry.Kind, from start: Int, hasEscapes: Bool = false) {
        entries.append(TapeEntry(
            kind: kind, hasEscapes: hasEscapes, start: UInt32(start), end: UInt32(index), next: UInt32(entries.count + 1)))
    }

    /// Appends a container's entry; ``closeContainer(_:count:)`` fills in its count and extent.
    private mutating func openContainer(_ kind: TapeEntry.Kind) throws(JSONParseFailure) -> Int {
        depth += 1
        guard depth <= maximumDepth else {
            throw JSONParseFailure(reason: "JSON nested deeper than \(maximumDepth) levels")
        }
        entries.append(TapeEntry(kind: kind, hasEscapes: false, start: UInt32(index), end: 0, next: 0))
        index += 1  // { or [
        return entries.count - 1
    }

    private mutating func closeContainer(_ entry: Int, count: Int) {
        index += 1  // } or ]
        depth -= 1
        entries[entry].end = UInt32(count)
        entries[entry].next = UInt32(entries.count)
    }

    /// Objects up to this many members check duplicate names linearly, by fingerprint first.
    private static let linearDuplicateCheckLimit = 48

    private mutating func scanObject() throws(JSONParseFailure) {
        let entry = try openContainer(.object)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            closeContainer(entry, count: 0)
            return
        }
        // The names' fingerprints and entries live on the stack: no allocation for the duplicate check.
        let result = withUnsafeTemporaryAllocation(of: (UInt64, UInt32).self, capacity: Self.linearDuplicateCheckLimit) { names in
            Result { () throws(JSONParseFailure) in try scanMembers(of: entry, names: names) }
        }
        try result.get()
    }

    private mutating func scanMembers(of object: Int, names: UnsafeMutableBufferPointer<(UInt64, UInt32)>) throws(JSONParseFailure) {
        var count = 0
        var nameIndex: Set<[UInt8]>? = nil
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw JSONParseFailure(reason: "expected a member name at offset \(index)")
            }
            let name = entries.count
            try scanString()
            if isDuplicate(name, count: count, names: names, index: &nameIndex) {
                throw JSONParseFailure(reason: "duplicate member name \"\(string(at: name))\"")
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw JSONParseFailure(reason: "expected ':' after member name \"\(string(at: name))\"")
            }
            index += 1
            skipWhitespace()
            try scanValue()
            count += 1
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                closeContainer(object, count: count)
                return
            default: throw JSONParseFailure(reason: "expected ',' or '}' at offset \(index)")
            }
        }
    }

    /// Small objects are searched linearly, comparing a 64-bit fingerprint of each name before the name
    /// itself (in place, escapes decoded on the fly); past a few dozen members a hash set of the decoded
    /// names takes over, so that a hostile object with thousands of members costs linear time, not
    /// quadratic. Records the name at entry `name` as the object's `count`-th.
    private func isDuplicate(
        _ name: Int,
        count: Int,
        names: UnsafeMutableBufferPointer<(UInt64, UInt32)>,
        index: inout Set<[UInt8]>?
    ) -> Bool {
        entries.withUnsafeBufferPointer { entries in
            let view = JSONTapeView(bytes: bytes, entries: entries)
            if count < names.count {
                let fingerprint = view[name].hasEscapes
                    ? Self.fingerprint(view.decodedUTF8(of: name)) : Self.fingerprint(view.rawBytes(of: name))
                for position in 0..<count where names[position].0 == fingerprint {
                    if view.string(at: Int(names[position].1), equalsStringAt: name) { return true }
                }
                names[count] = (fingerprint, UInt32(name))
                return false
            }
            if index == nil {
                index = Set(names.map { Array(IteratorSequence(view.decodedUTF8(of: Int($0.1)))) })
            }
            return !index!.insert(Array(IteratorSequence(view.decodedUTF8(of: name)))).inserted
        }
    }

    /// A fingerprint of a name without escapes: its length with its first and last eight bytes. Equal
    /// names have equal fingerprints; names of an object rarely share all three (and a shared one only
    /// costs a comparison of the names).
    private static func fingerprint(_ name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = name.count
        guard let base = name.baseAddress, count > 0 else { return 0 }
        let raw = UnsafeRawPointer(base)
        var head: UInt64 = 0, tail: UInt64 = 0
        if count >= 8 {
            head = raw.loadUnaligned(as: UInt64.self)
            tail = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else {
            for offset in 0..<count { head = head << 8 | UInt64(name[offset]) }
        }
        return (head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(count)
    }

    /// The same for a name with escapes, over its decoded UTF-8 (the same value as for its unescaped
    /// spelling). Rare: the decoded name is built.
    private static func fingerprint(_ name: DecodedJSONString) -> UInt64 {
        let decoded = Array(IteratorSequence(name))
        return decoded.withUnsafeBufferPointer { fingerprint($0) }
    }

    /// The decoded string at entry `entry`, for error messages.
    private func string(at entry: Int) -> String {
        entries.withUnsafeBufferPointer { JSONTapeView(bytes: bytes, entries: $0).string(at: entry) }
    }

    private mutating func scanArray() throws(JSONParseFailure) {
        let entry = try openContainer(.array)
        var count = 0
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            closeContainer(entry, count: 0)
            return
        }
        while true {
            skipWhitespace()
            try scanValue()
            count += 1
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                closeContainer(entry, count: count)
                return
            default: throw JSONParseFailure(reason: "expected ',' or ']' at offset \(index)")
            }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseFailure) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw JSONParseFailure(reason: "truncated literal at offset \(index)") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw JSONParseFailure(reason: "invalid literal at offset \(index)") }
        index += count
    }

    // MARK: - Numbers

    private mutating func scanNumber() throws(JSONParseFailure) {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw JSONParseFailure(reason: "invalid number at offset \(start)") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) {
                throw JSONParseFailure(reason: "number with a leading zero at offset \(start)")
            }
        } else {
            skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let digit = peek(), isDigit(digit) else { throw JSONParseFailure(reason: "invalid fraction at offset \(start)") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek(), isDigit(digit) else { throw JSONParseFailure(reason: "invalid exponent at offset \(start)") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    // MARK: - Strings

    /// Scans a string (at its opening quote) and appends its entry. UTF-8 is checked once the closing
    /// quote is found, over the raw bytes: escapes decode to complete ASCII or multi-byte sequences and
    /// begin with an ASCII backslash, so the raw text is valid UTF-8 exactly when the decoded one is.
    private mutating func scanString() throws(JSONParseFailure) {
        index += 1  // opening quote
        let start = index
        var isASCII = true
        var hasEscapes = false
        while index < bytes.count {
            let byte = bytes[index]
            // Printable ASCII other than '"' and '\\' (nearly every byte of a token) needs no decision.
            if byte &- 0x20 < 0x60, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if !isASCII, !Self.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[start..<index])) {
                    throw JSONParseFailure(reason: "invalid UTF-8 in a string at offset \(start)")
                }
                entries.append(TapeEntry(
                    kind: .string, hasEscapes: hasEscapes, start: UInt32(start), end: UInt32(index),
                    next: UInt32(entries.count + 1)))
                index += 1
                return
            case UInt8(ascii: "\\"):
                hasEscapes = true
                index += 1
                guard let escape = peek() else { break }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"): try scanUnicodeEscape()
                default: throw JSONParseFailure(reason: "invalid escape sequence at offset \(index - 2)")
                }
            default:
                if byte < 0x20 { throw JSONParseFailure(reason: "unescaped control character in a string at offset \(index)") }
                if byte >= 0x80 { isASCII = false }
                index += 1
            }
        }
        throw JSONParseFailure(reason: "unterminated string at offset \(start - 1)")
    }

    /// Whether `bytes` is valid UTF-8, by the standard library's decoder (the same rules as
    /// `String(validating:)`: no overlong forms, no surrogates, nothing above U+10FFFF), without allocating.
    private static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Reads the hex digits after `\u` (and a following low surrogate escape when needed).
    private mutating func scanUnicodeEscape() throws(JSONParseFailure) {
        let high = try parseHex4()
        if (0xDC00...0xDFFF).contains(high) {
            throw JSONParseFailure(reason: "lone low surrogate \\u\(String(high, radix: 16)) in a string")
        }
        guard (0xD800...0xDBFF).contains(high) else {
            return  // not a surrogate, so a valid scalar
        }
        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            throw JSONParseFailure(reason: "lone high surrogate \\u\(String(high, radix: 16)) in a string")
        }
        index += 2
        let low = try parseHex4()
        guard (0xDC00...0xDFFF).contains(low) else {
            throw JSONParseFailure(reason: "high surrogate \\u\(String(high, radix: 16)) not followed by a low surrogate")
        }
    }

    private mutating func parseHex4() throws(JSONParseFailure) -> UInt32 {
        guard bytes.count - index >= 4 else { throw JSONParseFailure(reason: "truncated \\u escape at offset \(index)") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONParseFailure(reason: "invalid \\u escape at offset \(index)")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    // MARK: - Whitespace

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}
