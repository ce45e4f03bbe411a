// The JSON parser as it was before the tape (commit 8191ee2), kept verbatim apart from its names as the
// oracle of the differential test: the tape scanner must accept exactly the texts it accepts, fail with the
// same reasons, and the trees built from the tape must equal the trees it built.
@testable import IntrospectionJWT

struct ReferenceFailure: Error, Sendable {
    let reason: String
}

/// A strict RFC 8259 parser: UTF-8 only, unique member names at every depth (compared by code point),
/// no trailing data, no lone surrogates, a bounded nesting depth.
struct ReferenceJSONParser: ~Copyable {
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
    ) throws(ReferenceFailure) -> JSONValue {
        var parser = ReferenceJSONParser(bytes: bytes, maximumDepth: maximumDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw ReferenceFailure(reason: "unexpected data after the JSON value at offset \(parser.index)")
        }
        return value
    }

    /// Parses a complete JSON text that must be an object.
    static func parseObject(
        _ bytes: UnsafeBufferPointer<UInt8>,
        maximumDepth: Int = defaultMaximumDepth
    ) throws(ReferenceFailure) -> JSONObject {
        let value = try parse(bytes, maximumDepth: maximumDepth)
        guard case .object(let object) = value else {
            throw ReferenceFailure(reason: "expected a JSON object, found \(value.typeName)")
        }
        return object
    }

    /// Parses a complete JSON text held in any byte collection.
    static func parse(
        _ bytes: some Collection<UInt8>,
        maximumDepth: Int = defaultMaximumDepth
    ) throws(ReferenceFailure) -> JSONValue {
        let result: Result<JSONValue, ReferenceFailure>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(ReferenceFailure) in try parse(buffer, maximumDepth: maximumDepth) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(ReferenceFailure) in
            try parse(buffer, maximumDepth: maximumDepth)
        }
    }

    // MARK: - Values

    private mutating func parseValue() throws(ReferenceFailure) -> JSONValue {
        guard index < bytes.count else { throw ReferenceFailure(reason: "unexpected end of JSON text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObjectValue())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            throw ReferenceFailure(reason: "unexpected byte 0x\(String(bytes[index], radix: 16)) at offset \(index)")
        }
    }

    private mutating func enterContainer() throws(ReferenceFailure) {
        depth += 1
        guard depth <= maximumDepth else {
            throw ReferenceFailure(reason: "JSON nested deeper than \(maximumDepth) levels")
        }
    }

    /// Objects up to this many members check duplicate names linearly, by fingerprint first.
    private static let linearDuplicateCheckLimit = 48

    private mutating func parseObjectValue() throws(ReferenceFailure) -> JSONObject {
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
            Result { () throws(ReferenceFailure) -> JSONObject in try parseMembers(fingerprints: fingerprints) }
        }
        return try result.get()
    }

    private mutating func parseMembers(fingerprints: UnsafeMutableBufferPointer<UInt64>) throws(ReferenceFailure) -> JSONObject {
        var members: [JSONObject.Member] = []
        members.reserveCapacity(8)  // one allocation for a typical object, not one per doubling
        var nameIndex: Set<[UInt8]>? = nil
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw ReferenceFailure(reason: "expected a member name at offset \(index)")
            }
            let name = try parseString()
            if isDuplicate(name, among: members, fingerprints: fingerprints, index: &nameIndex) {
                throw ReferenceFailure(reason: "duplicate member name \"\(name)\"")
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw ReferenceFailure(reason: "expected ':' after member name \"\(name)\"")
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
            default: throw ReferenceFailure(reason: "expected ',' or '}' at offset \(index)")
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
        index: inout Set<[UInt8]>?
    ) -> Bool {
        let count = members.count
        if count < fingerprints.count {
            let fingerprint = Self.fingerprint(name)
            for position in 0..<count where fingerprints[position] == fingerprint {
                if members[position].name.utf8.elementsEqual(name.utf8) { return true }
            }
            fingerprints[count] = fingerprint
            return false
        }
        if index == nil {
            index = Set(members.map { Array($0.name.utf8) })
        }
        return !index!.insert(Array(name.utf8)).inserted
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

    private mutating func parseArray() throws(ReferenceFailure) -> [JSONValue] {
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
            default: throw ReferenceFailure(reason: "expected ',' or ']' at offset \(index)")
            }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(ReferenceFailure) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw ReferenceFailure(reason: "truncated literal at offset \(index)") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw ReferenceFailure(reason: "invalid literal at offset \(index)") }
        index += count
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws(ReferenceFailure) -> JSONNumber {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw ReferenceFailure(reason: "invalid number at offset \(start)") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) {
                throw ReferenceFailure(reason: "number with a leading zero at offset \(start)")
            }
        } else {
            skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let digit = peek(), isDigit(digit) else { throw ReferenceFailure(reason: "invalid fraction at offset \(start)") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek(), isDigit(digit) else { throw ReferenceFailure(reason: "invalid exponent at offset \(start)") }
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

    private mutating func parseString() throws(ReferenceFailure) -> String {
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
                    throw ReferenceFailure(reason: "invalid UTF-8 in a string at offset \(start)")
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw ReferenceFailure(reason: "unescaped control character in a string at offset \(index)") }
            if byte >= 0x80 { isASCII = false }
            index += 1
        }
        guard index < bytes.count else { throw ReferenceFailure(reason: "unterminated string at offset \(start - 1)") }
        return try parseEscapedString(from: start)
    }

    private mutating func parseEscapedString(from start: Int) throws(ReferenceFailure) -> String {
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: scalars, as: UTF8.self) else {
                    throw ReferenceFailure(reason: "invalid UTF-8 in a string at offset \(start)")
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
                default: throw ReferenceFailure(reason: "invalid escape sequence at offset \(index - 2)")
                }
            default:
                if byte < 0x20 { throw ReferenceFailure(reason: "unescaped control character in a string at offset \(index)") }
                scalars.append(byte)
                index += 1
            }
        }
        throw ReferenceFailure(reason: "unterminated string at offset \(start - 1)")
    }

    /// Reads the hex digits after `\u` (and a following low surrogate escape when needed).
    private mutating func parseUnicodeEscape() throws(ReferenceFailure) -> Unicode.Scalar {
        let high = try parseHex4()
        if (0xDC00...0xDFFF).contains(high) {
            throw ReferenceFailure(reason: "lone low surrogate \\u\(String(high, radix: 16)) in a string")
        }
        guard (0xD800...0xDBFF).contains(high) else {
            return Unicode.Scalar(high)!  // not a surrogate, so a valid scalar
        }
        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            throw ReferenceFailure(reason: "lone high surrogate \\u\(String(high, radix: 16)) in a string")
        }
        index += 2
        let low = try parseHex4()
        guard (0xDC00...0xDFFF).contains(low) else {
            throw ReferenceFailure(reason: "high surrogate \\u\(String(high, radix: 16)) not followed by a low surrogate")
        }
        let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        return Unicode.Scalar(value)!  // within U+10000...U+10FFFF by construction
    }

    private mutating func parseHex4() throws(ReferenceFailure) -> UInt32 {
        guard bytes.count - index >= 4 else { throw ReferenceFailure(reason: "truncated \\u escape at offset \(index)") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw ReferenceFailure(reason: "invalid \\u escape at offset \(index)")
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

