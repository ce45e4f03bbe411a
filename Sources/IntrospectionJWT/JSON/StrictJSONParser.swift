// Written by hand: no listed package parses JSON the way JOSE needs it. Foundation's parsers keep the
// last of two members with the same name (RFC 7515 §5.2 asks us to reject the token instead), compare
// names after Unicode normalisation, accept invalid escapes in places, and have no depth limit.

/// Why a JSON text was refused.
struct JSONParseFailure: Error, Sendable, CustomStringConvertible {
    /// A short, human description of the first problem found.
    let reason: String
    var description: String { reason }
}

/// A strict RFC 8259 parser: UTF-8 only, unique member names at every depth (compared by code point),
/// no trailing data, no lone surrogates, a bounded nesting depth.
struct StrictJSONParser: ~Copyable {
    /// The deepest nesting accepted: the outermost container counts as depth 1.
    static let defaultMaximumDepth = 32

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private let maximumDepth: Int

    private init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// Parses a complete JSON text.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        maximumDepth: Int = defaultMaximumDepth
    ) throws(JSONParseFailure) -> JSONValue {
        var parser = StrictJSONParser(bytes: bytes, maximumDepth: maximumDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw JSONParseFailure(reason: "unexpected data after the JSON value at offset \(parser.index)")
        }
        return value
    }

    /// Parses a complete JSON text that must be an object.
    static func parseObject(
        _ bytes: UnsafeBufferPointer<UInt8>,
        maximumDepth: Int = defaultMaximumDepth
    ) throws(JSONParseFailure) -> JSONObject {
        let value = try parse(bytes, maximumDepth: maximumDepth)
        guard case .object(let object) = value else {
            throw JSONParseFailure(reason: "expected a JSON object, found \(value.typeName)")
        }
        return object
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

    private mutating func parseValue() throws(JSONParseFailure) -> JSONValue {
        guard index < bytes.count else { throw JSONParseFailure(reason: "unexpected end of JSON text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObjectValue())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            throw JSONParseFailure(reason: "unexpected byte 0x\(String(bytes[index], radix: 16)) at offset \(index)")
        }
    }

    private mutating func enterContainer() throws(JSONParseFailure) {
        depth += 1
        guard depth <= maximumDepth else {
            throw JSONParseFailure(reason: "JSON nested deeper than \(maximumDepth) levels")
        }
    }

    /// Objects up to this many members check duplicate names linearly, by fingerprint first.
    private static let linearDuplicateCheckLimit = 48

    private mutating func parseObjectValue() throws(JSONParseFailure) -> JSONObject {
        try enterContainer()
        index += 1  // {
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return JSONObject(members: [])
        }
        // The names' fingerprints live on the stack: no allocation for the duplicate check.
        let result = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.linearDuplicateCheckLimit) { fingerprints in
            Result { () throws(JSONParseFailure) -> JSONObject in try parseMembers(fingerprints: fingerprints) }
        }
        return try result.get()
    }

    private mutating func parseMembers(fingerprints: UnsafeMutableBufferPointer<UInt64>) throws(JSONParseFailure) -> JSONObject {
        var members: [JSONObject.Member] = []
        members.reserveCapacity(8)  // one allocation for a typical object, not one per doubling
        var nameIndex: Set<CodePoints>? = nil
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw JSONParseFailure(reason: "expected a member name at offset \(index)")
            }
            let name = try parseString()
            if isDuplicate(name, among: members, fingerprints: fingerprints, index: &nameIndex) {
                throw JSONParseFailure(reason: "duplicate member name \"\(name)\"")
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw JSONParseFailure(reason: "expected ':' after member name \"\(name)\"")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONObject.Member(name: name, value: value))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return JSONObject(members: members)
            default: throw JSONParseFailure(reason: "expected ',' or '}' at offset \(index)")
            }
        }
    }

    /// Small objects are searched linearly, comparing a 64-bit fingerprint of each name before the name
    /// itself; past a few dozen members a hash set of the names takes over, so that a hostile object
    /// with thousands of members costs linear time, not quadratic. Records `name`'s fingerprint.
    private func isDuplicate(
        _ name: String,
        among members: [JSONObject.Member],
        fingerprints: UnsafeMutableBufferPointer<UInt64>,
        index: inout Set<CodePoints>?
    ) -> Bool {
        let count = members.count
        if count < fingerprints.count {
            let fingerprint = Self.fingerprint(name)
            for position in 0..<count where fingerprints[position] == fingerprint {
                if members[position].name.hasSameCodePoints(as: name) { return true }
            }
            fingerprints[count] = fingerprint
            return false
        }
        if index == nil {
            index = Set(members.map { CodePoints($0.name) })
        }
        return !index!.insert(CodePoints(name)).inserted
    }

    /// FNV-1a over the name's UTF-8 and its length: equal names have equal fingerprints.
    private static func fingerprint(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let done: Void? = name.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes { mix(byte) }
        }
        if done == nil {
            for byte in name.utf8 { mix(byte) }
        }
        return hash ^ UInt64(name.utf8.count) << 56
    }

    private mutating func parseArray() throws(JSONParseFailure) -> [JSONValue] {
        try enterContainer()
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return elements
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

    private mutating func parseNumber() throws(JSONParseFailure) -> JSONNumber {
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
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // The grammar was checked above, so Double's parser accepts the text; it rounds correctly.
        return JSONNumber(text: text, doubleValue: Double(text) ?? .nan)
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSONParseFailure) -> String {
        index += 1  // opening quote
        let start = index
        var isASCII = true
        // Fast path: no escapes. Scan to the closing quote.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if isASCII { return String(decoding: raw, as: UTF8.self) }
                guard let string = String(validating: raw, as: UTF8.self) else {
                    throw JSONParseFailure(reason: "invalid UTF-8 in a string at offset \(start)")
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw JSONParseFailure(reason: "unescaped control character in a string at offset \(index)") }
            if byte >= 0x80 { isASCII = false }
            index += 1
        }
        guard index < bytes.count else { throw JSONParseFailure(reason: "unterminated string at offset \(start - 1)") }
        return try parseEscapedString(from: start)
    }

    private mutating func parseEscapedString(from start: Int) throws(JSONParseFailure) -> String {
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: scalars, as: UTF8.self) else {
                    throw JSONParseFailure(reason: "invalid UTF-8 in a string at offset \(start)")
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                guard let escape = peek() else { break }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"): appendUTF8(of: try parseUnicodeEscape(), to: &scalars)
                default: throw JSONParseFailure(reason: "invalid escape sequence at offset \(index - 2)")
                }
            default:
                if byte < 0x20 { throw JSONParseFailure(reason: "unescaped control character in a string at offset \(index)") }
                scalars.append(byte)
                index += 1
            }
        }
        throw JSONParseFailure(reason: "unterminated string at offset \(start - 1)")
    }

    /// Reads the hex digits after `\u` (and a following low surrogate escape when needed).
    private mutating func parseUnicodeEscape() throws(JSONParseFailure) -> Unicode.Scalar {
        let high = try parseHex4()
        if (0xDC00...0xDFFF).contains(high) {
            throw JSONParseFailure(reason: "lone low surrogate \\u\(String(high, radix: 16)) in a string")
        }
        guard (0xD800...0xDBFF).contains(high) else {
            return Unicode.Scalar(high)!  // not a surrogate, so a valid scalar
        }
        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            throw JSONParseFailure(reason: "lone high surrogate \\u\(String(high, radix: 16)) in a string")
        }
        index += 2
        let low = try parseHex4()
        guard (0xDC00...0xDFFF).contains(low) else {
            throw JSONParseFailure(reason: "high surrogate \\u\(String(high, radix: 16)) not followed by a low surrogate")
        }
        let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        return Unicode.Scalar(value)!  // within U+10000...U+10FFFF by construction
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

    private func appendUTF8(of scalar: Unicode.Scalar, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UTF8.encode(scalar)!)  // every scalar has a UTF-8 encoding
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

/// A string hashed and compared by its UTF-8 code units (no Unicode normalisation).
struct CodePoints: Hashable {
    let string: String
    init(_ string: String) { self.string = string }
    static func == (lhs: CodePoints, rhs: CodePoints) -> Bool { lhs.string.hasSameCodePoints(as: rhs.string) }
    func hash(into hasher: inout Hasher) {
        let hashed: Void? = string.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            Array(string.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }  // the same hash as above
        }
    }
}
