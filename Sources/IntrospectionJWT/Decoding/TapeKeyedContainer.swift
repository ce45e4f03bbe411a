// Written by hand, with TapeDecoder (TapeDecoder.swift says why).

/// The members of a JSON object on the tape, by `Key`: names match by exact code points.
struct TapeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The decoder of the object itself.
    let decoder: TapeDecoder
    /// The object's tape entry.
    let object: Int

    var codingPath: [any CodingKey] { decoder.codingPath }

    /// The keys of every member whose name `Key` knows, in received order.
    var allKeys: [Key] {
        decoder.tape.withView { view in
            var keys: [Key] = []
            view.forEachMember(ofObjectAt: object) { name, _ in
                if let key = Key(stringValue: view.string(at: name)) { keys.append(key) }
            }
            return keys
        }
    }

    /// The tape entry of the value of the member named by `key`, or nil.
    private func entry(_ key: some CodingKey) -> Int? {
        var name = key.stringValue  // native: withUTF8 does not copy
        return name.withUTF8 { utf8 in
            decoder.tape.withView { $0.member(withUTF8: utf8, ofObjectAt: object) }
        }
    }

    /// The decoder of the member named by `key`; `keyNotFound` when there is none.
    private func member(_ key: Key) throws -> TapeDecoder {
        guard let entry = entry(key) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue) (\(quoted(key.stringValue)))."))
        }
        return decoder.decoder(at: entry, key: key)
    }

    func contains(_ key: Key) -> Bool { entry(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { try member(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try member(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try member(key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try member(key).decodeFloatingPoint(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try member(key).decodeFloatingPoint(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try member(key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try member(key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try member(key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try member(key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try member(key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try member(key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try member(key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try member(key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try member(key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try member(key).decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try member(key).decodeValue(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try member(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try member(key).unkeyedContainer()
    }

    /// The decoder of the member `super` (a missing one reads as `null`), as JSONDecoder does.
    func superDecoder() throws -> any Decoder {
        decoder.decoder(at: entry(TapeCodingKey.super), key: TapeCodingKey.super)
    }

    /// The decoder of the member named by `key` (a missing one reads as `null`).
    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.decoder(at: entry(key), key: key)
    }
}
