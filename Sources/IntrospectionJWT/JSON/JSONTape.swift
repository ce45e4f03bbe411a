/// One value (or member name) of a JSON text, as ``StrictJSONParser`` found it: a flat index entry
/// pointing into the text instead of a tree of Swift values.
///
/// Objects are followed by their members as name/value entry pairs, arrays by their elements, each
/// element followed by its own descendants; ``next`` skips a value with everything inside it.
struct TapeEntry: Sendable, Equatable {
    /// The JSON type of the value (`true` and `false` are separate kinds).
    enum Kind: UInt8, Sendable {
        case null, `true`, `false`, number, string, array, object
    }

    /// The value's type.
    var kind: Kind
    /// For strings: whether the text holds a backslash escape (else its bytes are the decoded string).
    var hasEscapes: Bool
    /// Strings: the first byte after the opening quote; numbers: the first byte; containers: the bracket.
    var start: UInt32
    /// Strings: the closing quote's offset; numbers: the byte after the last; containers: the number of
    /// elements (arrays) or members (objects).
    var end: UInt32
    /// The index of the entry after this value and all its descendants.
    var next: UInt32
}

/// A validated JSON text with its tape, owned: the decoded payload of a token, kept so that claims are
/// checked in place and a tree is built only when a caller asks for one.
struct JSONTape: Sendable {
    /// The JSON text.
    let bytes: [UInt8]
    /// The tape; entry 0 is the outermost value.
    let entries: [TapeEntry]

    /// An empty object (`{}`), for a JWS whose payload is not JSON.
    static let emptyObject = JSONTape(bytes: Array("{}".utf8), entries: [TapeEntry(kind: .object, hasEscapes: false, start: 0, end: 0, next: 1)])

    /// Scans `bytes`, which must hold one JSON object (``StrictJSONParser``'s rules).
    init(object bytes: [UInt8]) throws(JSONParseFailure) {
        var entries: [TapeEntry] = []
        try self.init(object: bytes, reusing: &entries)
    }

    /// The same, scanning into the array taken from `storage` (left empty): an array that already has
    /// the capacity saves the tape's allocation.
    init(object bytes: [UInt8], reusing storage: inout [TapeEntry]) throws(JSONParseFailure) {
        try self.init(bytes, requireObject: true, reusing: &storage)
    }

    /// Scans `bytes`, which must hold one JSON value of any type (``StrictJSONParser``'s rules).
    init(value bytes: [UInt8]) throws(JSONParseFailure) {
        var entries: [TapeEntry] = []
        try self.init(bytes, requireObject: false, reusing: &entries)
    }

    private init(_ bytes: [UInt8], requireObject: Bool, reusing storage: inout [TapeEntry]) throws(JSONParseFailure) {
        var entries: [TapeEntry] = []
        swap(&entries, &storage)  // a unique reference, so the scan keeps the capacity
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseFailure) in
            try StrictJSONParser.scan(buffer, requireObject: requireObject, into: &entries)
        }
        self.init(bytes: bytes, entries: entries)
    }

    private init(bytes: [UInt8], entries: [TapeEntry]) {
        self.bytes = bytes
        self.entries = entries
    }

    /// Lends a view of the text and its tape to `body`; the view must not escape.
    func withView<R, E: Error>(_ body: (JSONTapeView) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = bytes.withUnsafeBufferPointer { bytes in
            entries.withUnsafeBufferPointer { entries in
                Result { () throws(E) -> R in try body(JSONTapeView(bytes: bytes, entries: entries)) }
            }
        }
        return try result.get()
    }
}

/// A borrowed JSON text and its tape: navigation, in-place comparison, and values built on demand.
struct JSONTapeView {
    let bytes: UnsafeBufferPointer<UInt8>
    let entries: UnsafeBufferPointer<TapeEntry>

    /// The entry at `index`.
    subscript(index: Int) -> TapeEntry { entries[index] }

    // MARK: - Navigation

    /// Calls `body` with the entry indices of each member's name and value of the object at `object`.
    func forEachMember<E: Error>(ofObjectAt object: Int, _ body: (_ name: Int, _ value: Int) throws(E) -> Void) throws(E) {
        let count = Int(entries[object].end)
        var name = object + 1
        for _ in 0..<count {
            let value = name + 1
            try body(name, value)
            name = Int(entries[value].next)
        }
    }

    /// Calls `body` with the entry index of each element of the array at `array`.
    func forEachElement<E: Error>(ofArrayAt array: Int, _ body: (Int) throws(E) -> Void) throws(E) {
        let count = Int(entries[array].end)
        var element = array + 1
        for _ in 0..<count {
            try body(element)
            element = Int(entries[element].next)
        }
    }

    /// The entry index of the value of the member named `name` (exact code points) of the object at `object`.
    func member(_ name: StaticString, ofObjectAt object: Int) -> Int? {
        name.withUTF8Buffer { member(withUTF8: $0, ofObjectAt: object) }
    }

    /// The entry index of the value of the member whose name has the UTF-8 `name`, or nil.
    func member(withUTF8 name: UnsafeBufferPointer<UInt8>, ofObjectAt object: Int) -> Int? {
        let count = Int(entries[object].end)
        var entry = object + 1
        for _ in 0..<count {
            if string(at: entry, equals: name) { return entry + 1 }
            entry = Int(entries[entry + 1].next)
        }
        return nil
    }

    // MARK: - Strings, compared in place

    /// The raw bytes between a string's quotes (escapes not decoded).
    func rawBytes(of entry: Int) -> UnsafeBufferPointer<UInt8> {
        let value = entries[entry]
        return UnsafeBufferPointer(rebasing: bytes[Int(value.start)..<Int(value.end)])
    }

    /// The decoded UTF-8 of the string at `entry`, one byte at a time.
    func decodedUTF8(of entry: Int) -> DecodedJSONString {
        let value = entries[entry]
        return DecodedJSONString(bytes: bytes, start: Int(value.start), end: Int(value.end))
    }

    /// Whether the string at `entry` has exactly the code points whose UTF-8 is `utf8`.
    func string(at entry: Int, equals utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let value = entries[entry]
        guard value.kind == .string else { return false }
        if !value.hasEscapes {
            return sameBytes(rawBytes(of: entry), utf8)
        }
        // An escape is at least two bytes for one, so the decoded string is never longer than the raw one.
        guard Int(value.end - value.start) >= utf8.count else { return false }
        var decoded = decodedUTF8(of: entry)
        for byte in utf8 where decoded.next() != byte { return false }
        return decoded.next() == nil
    }

    /// Whether the string at `entry` has exactly the code points of `string` (RFC 8414 §4: no normalisation).
    func string(at entry: Int, equals string: String) -> Bool {
        var string = string  // native after the first call: withUTF8 does not copy
        return string.withUTF8 { self.string(at: entry, equals: $0) }
    }

    /// Whether the strings at `lhs` and `rhs` have the same code points.
    func string(at lhs: Int, equalsStringAt rhs: Int) -> Bool {
        let left = entries[lhs], right = entries[rhs]
        if !left.hasEscapes && !right.hasEscapes {
            return sameBytes(rawBytes(of: lhs), rawBytes(of: rhs))
        }
        var a = decodedUTF8(of: lhs), b = decodedUTF8(of: rhs)
        while true {
            let x = a.next()
            guard x == b.next() else { return false }
            if x == nil { return true }
        }
    }

    /// The string at `entry` as a Swift `String`.
    func string(at entry: Int) -> String {
        if !entries[entry].hasEscapes {
            return String(decoding: rawBytes(of: entry), as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(Int(entries[entry].end - entries[entry].start))
        var iterator = decodedUTF8(of: entry)
        while let byte = iterator.next() { decoded.append(byte) }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// Whether the value at `entry` is a string or an array of strings.
    func isStringOrStrings(at entry: Int) -> Bool {
        switch entries[entry].kind {
        case .string: return true
        case .array:
            var all = true
            forEachElement(ofArrayAt: entry) { element in
                if entries[element].kind != .string { all = false }
            }
            return all
        default: return false
        }
    }

    /// A string as a one-element list, an array of strings as a list, anything else nil.
    func strings(at entry: Int) -> [String]? {
        switch entries[entry].kind {
        case .string: return [string(at: entry)]
        case .array:
            guard isStringOrStrings(at: entry) else { return nil }
            var strings: [String] = []
            strings.reserveCapacity(Int(entries[entry].end))
            forEachElement(ofArrayAt: entry) { strings.append(string(at: $0)) }
            return strings
        default: return nil
        }
    }

    // MARK: - Numbers

    /// The value of the number at `entry`, or nil when it is not a number.
    func double(at entry: Int) -> Double? {
        let value = entries[entry]
        guard value.kind == .number else { return nil }
        let text = rawBytes(of: entry)
        // Integers of up to 15 digits are exact in a Double: read them directly. Anything else (fractions,
        // exponents, long integers) goes to Double's correctly rounding parser.
        var position = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { position = 1 }
        if text.count - position <= 15 {
            var integer: Int64 = 0
            var plain = true
            while position < text.count {
                let digit = text[position] &- UInt8(ascii: "0")
                guard digit < 10 else { plain = false; break }
                integer = integer * 10 + Int64(digit)
                position += 1
            }
            if plain { return negative ? -Double(integer) : Double(integer) }
        }
        return Double(String(decoding: text, as: UTF8.self)) ?? .nan
    }

    // MARK: - Trees

    /// The value at `entry` as a ``JSONValue`` tree.
    func value(at entry: Int) -> JSONValue {
        let value = entries[entry]
        switch value.kind {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number:
            let text = String(decoding: rawBytes(of: entry), as: UTF8.self)
            // The grammar was checked by the scanner, so Double's parser accepts the text; it rounds correctly.
            return .number(JSONNumber(text: text, doubleValue: Double(text) ?? .nan))
        case .string: return .string(string(at: entry))
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(Int(value.end))
            forEachElement(ofArrayAt: entry) { elements.append(self.value(at: $0)) }
            return .array(elements)
        case .object: return .object(object(at: entry))
        }
    }

    /// The object at `entry` as a ``JSONObject`` tree.
    func object(at entry: Int) -> JSONObject {
        var members: [JSONObject.Member] = []
        members.reserveCapacity(Int(entries[entry].end))
        forEachMember(ofObjectAt: entry) { name, value in
            members.append(JSONObject.Member(name: string(at: name), value: self.value(at: value)))
        }
        return JSONObject(members: members)
    }
}

/// The UTF-8 of a validated JSON string with its escapes decoded, produced one byte at a time so that
/// names with escapes are compared and fingerprinted without building them.
struct DecodedJSONString: IteratorProtocol {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index: Int
    private let end: Int
    /// Bytes of a decoded `\u` escape still to be returned, lowest first.
    private var pending: UInt32 = 0
    private var pendingCount = 0

    init(bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
        self.bytes = bytes
        self.index = start
        self.end = end
    }

    mutating func next() -> UInt8? {
        if pendingCount > 0 {
            let byte = UInt8(truncatingIfNeeded: pending)
            pending >>= 8
            pendingCount -= 1
            return byte
        }
        guard index < end else { return nil }
        let byte = bytes[index]
        guard byte == UInt8(ascii: "\\") else {
            index += 1
            return byte
        }
        // The scanner accepted the string, so every escape here is complete and well formed.
        let escape = bytes[index + 1]
        index += 2
        switch escape {
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"): break
        default: return escape  // \" \\ \/
        }
        var scalar = hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            index += 2  // \u of the low surrogate
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4() - 0xDC00)
        }
        var encoded = UTF8.encode(Unicode.Scalar(scalar)!)!.makeIterator()  // a valid scalar by the scanner's checks
        let first = encoded.next()!
        while let byte = encoded.next() {
            pending |= UInt32(byte) << (8 * UInt32(pendingCount))
            pendingCount += 1
        }
        return first
    }

    private mutating func hex4() -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index] | 0x20  // lower case; digits are unchanged
            value = value << 4 | UInt32(byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : byte - UInt8(ascii: "a") + 10)
            index += 1
        }
        return value
    }
}

extension TapeEntry.Kind {
    /// The JSON type's name, for error messages (as ``JSONValue/typeName``).
    var typeName: String {
        switch self {
        case .null: "null"
        case .true, .false: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
