internal import Foundation  // memcmp

/// A JSON value as the strict parser read it.
///
/// Strings compare by Unicode code points (never by canonical equivalence, which Swift's `String`
/// equality uses), as RFC 8414 §4 and RFC 7515 require for member names and claim values. Numbers keep
/// their original text so that a value is written back exactly as the authorization server sent it.
public enum JSONValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, when this value is a JSON string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The Boolean, when this value is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, when this value is a JSON number.
    public var doubleValue: Double? {
        if case .number(let value) = self { return value.doubleValue }
        return nil
    }

    /// The elements, when this value is a JSON array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, when this value is a JSON object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The JSON type's name, for error messages ("string", "number", ...).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The value serialised as compact JSON.
    public var description: String { JSONWriter.string(for: self) }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a.hasSameCodePoints(as: b)
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }
}

/// A JSON number: its text as received and its value as a `Double`.
public struct JSONNumber: Sendable, Equatable, CustomStringConvertible {
    /// The number exactly as it appeared in the JSON text (for example `1.7e9` or `1763740800`).
    public let text: String
    /// The number's value (rounded to the nearest `Double`).
    public let doubleValue: Double

    /// Makes a number from its JSON text and value; the text is trusted to be valid JSON.
    init(text: String, doubleValue: Double) {
        self.text = text
        self.doubleValue = doubleValue
    }

    /// Makes a number from an integer.
    public init(_ value: Int) {
        self.text = String(value)
        self.doubleValue = Double(value)
    }

    public var description: String { text }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.doubleValue == rhs.doubleValue
    }
}

/// A JSON object: its members in the order they were received, with unique names.
public struct JSONObject: Sendable, Equatable, Sequence, CustomStringConvertible {
    /// One member of an object.
    public struct Member: Sendable, Equatable {
        /// The member's name.
        public let name: String
        /// The member's value.
        public let value: JSONValue

        /// Makes a member.
        public init(name: String, value: JSONValue) {
            self.name = name
            self.value = value
        }

        public static func == (lhs: Member, rhs: Member) -> Bool {
            lhs.name.hasSameCodePoints(as: rhs.name) && lhs.value == rhs.value
        }
    }

    /// The members in received order.
    public let members: [Member]

    /// Makes an object from members whose names are unique (the strict parser guarantees it).
    public init(members: [Member]) {
        self.members = members
    }

    /// The value of the member with exactly this name (code-point comparison), or nil.
    public subscript(name: String) -> JSONValue? {
        for member in members where member.name.hasSameCodePoints(as: name) {
            return member.value
        }
        return nil
    }

    /// The member names in received order.
    public var names: [String] { members.map(\.name) }

    /// The number of members.
    public var count: Int { members.count }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    public var description: String { JSONWriter.string(for: .object(self)) }

    /// Objects are equal when they have the same names with equal values, whatever the order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for member in lhs.members {
            guard let other = rhs[member.name], other == member.value else { return false }
        }
        return true
    }
}

extension String {
    /// Whether both strings hold the same Unicode code points: no normalisation, unlike `==`.
    ///
    /// On the hot path (member lookups, duplicate checks): the lengths are compared first, then the
    /// contiguous UTF-8 of native strings byte by byte; only bridged strings take the generic route.
    package func hasSameCodePoints(as other: String) -> Bool {
        let lhs = utf8, rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        // Strings with different code points may still be canonically equivalent (`==`), but strings
        // that are not `==` never have the same code points: `==` (a byte compare for ASCII and NFC
        // text, the common case) rejects the misses, and only a hit is confirmed byte by byte.
        guard self == other else { return false }
        let fast = lhs.withContiguousStorageIfAvailable { lhsBytes in
            rhs.withContiguousStorageIfAvailable { rhsBytes in
                sameBytes(lhsBytes, rhsBytes)
            }
        }
        if let fast, let equal = fast { return equal }
        return lhs.elementsEqual(rhs)
    }
}

/// Whether two buffers hold the same bytes.
///
/// Member names and claim values are mostly short: they are compared eight bytes at a time in place
/// (a call to `memcmp` costs more than the comparison); long ones go to `memcmp`.
func sameBytes(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
    let count = lhs.count
    guard count == rhs.count else { return false }
    guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return true }  // both empty
    if count > 32 { return memcmp(left, right, count) == 0 }
    let a = UnsafeRawPointer(left), b = UnsafeRawPointer(right)
    var offset = 0
    while offset + 8 <= count {
        if a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
            return false
        }
        offset += 8
    }
    while offset < count {
        if left[offset] != right[offset] { return false }
        offset += 1
    }
    return true
}

extension JSONValue {
    /// Parses a complete JSON text strictly (UTF-8, unique member names at every depth, nesting up to 32).
    /// Throws ``IntrospectionJWTError/Code/malformed`` naming the first problem.
    public init(parsing bytes: some Collection<UInt8>) throws(IntrospectionJWTError) {
        do {
            self = try StrictJSONParser.parse(bytes)
        } catch {
            throw .malformed("not valid JSON: \(error.reason)")
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
