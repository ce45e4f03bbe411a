// Written by hand, with TapeDecoder (TapeDecoder.swift says why).

/// The elements of a JSON array on the tape, in order.
struct TapeUnkeyedContainer: UnkeyedDecodingContainer {
    /// The decoder of the array itself.
    let decoder: TapeDecoder
    /// The tape entry of the next element.
    private var element: Int
    let count: Int?
    private(set) var currentIndex = 0

    init(decoder: TapeDecoder, array: Int) {
        self.decoder = decoder
        self.element = array + 1
        self.count = Int(decoder.tape.entries[array].end)
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var isAtEnd: Bool { currentIndex >= count! }

    /// Decodes the next element with `read` and moves past it only when that succeeds.
    private mutating func next<T>(_ type: T.Type, _ read: (TapeDecoder) throws -> T) throws -> T {
        let key = TapeCodingKey(intValue: currentIndex)
        guard !isAtEnd else { throw atEnd(type) }
        let value = try read(decoder.decoder(at: element, key: key))
        advance()
        return value
    }

    private func atEnd(_ type: Any.Type) -> DecodingError {
        .valueNotFound(type, DecodingError.Context(
            codingPath: codingPath + [TapeCodingKey(intValue: currentIndex)], debugDescription: "Unkeyed container is at end."))
    }

    private mutating func advance() {
        element = Int(decoder.tape.entries[element].next)
        currentIndex += 1
    }

    /// Whether the next element is `null`; moves past it only then, as the protocol asks.
    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw atEnd(Any?.self) }
        guard decoder.tape.entries[element].kind == .null else { return false }
        advance()
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try $0.decodeBool() } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try $0.decodeString() } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) { try $0.decodeFloatingPoint(type) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) { try $0.decodeFloatingPoint(type) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) { try $0.decodeInteger(type) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type) { try $0.decodeValue(type) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try $0.unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { $0 }
    }
}
