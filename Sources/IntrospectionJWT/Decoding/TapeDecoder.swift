// Written by hand: no listed package implements `Decoder` over our strict JSON tape, and decoding through
// Foundation's JSONDecoder would re-parse the verified text by Foundation's laxer rules (it keeps the last
// of two equal member names, compares names after normalisation, and rounds integers through Double).
import Foundation

/// A `Decoder` over one value of a checked JSON text's tape: ``TokenIntrospection/decode(_:options:)`` and
/// ``VerifiedIntrospectionResponse/decodeClaims(_:options:)`` hand it to `Decodable` types.
///
/// Strictness is the scanner's: duplicate names were refused before anything is decoded, member names
/// match by exact code points, integers are read exactly from the number's text (a fraction that is not
/// zero, or a value out of range, throws), and `Date` is a NumericDate (seconds since the epoch) unless
/// ``ClaimsDecodingOptions/dateDecoding`` says otherwise. Failures are `DecodingError`s.
struct TapeDecoder: Decoder {
    /// The text and its tape; the decoder keeps them alive, so that it may outlive any view.
    let tape: JSONTape
    /// The entry of the value this decoder reads, or nil for a missing value (read as `null`: a super
    /// decoder for a key that is absent).
    let entry: Int?
    let options: ClaimsDecodingOptions
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] { options.userInfo }

    /// The JSON type of the value (`null` when missing).
    var kind: TapeEntry.Kind { entry.map { tape.entries[$0].kind } ?? .null }

    /// A decoder for the value at `entry`, reached through `key`.
    func decoder(at entry: Int?, key: any CodingKey) -> TapeDecoder {
        TapeDecoder(tape: tape, entry: entry, options: options, codingPath: codingPath + [key])
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(TapeKeyedContainer<Key>(decoder: self, object: try entry(of: .object, for: [String: Any].self)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        TapeUnkeyedContainer(decoder: self, array: try entry(of: .array, for: [Any].self))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: - Values

    /// The entry of the value, which must be of JSON type `kind` to decode a `type`.
    func entry(of kind: TapeEntry.Kind, for type: Any.Type) throws -> Int {
        guard let entry, self.kind == kind else { throw mismatch(type) }
        return entry
    }

    /// `valueNotFound` for a `null` (or missing) value, `typeMismatch` for a value of another JSON type.
    func mismatch(_ type: Any.Type) -> DecodingError {
        if kind == .null {
            return .valueNotFound(type, context("Expected \(type) value but found null instead."))
        }
        return .typeMismatch(type, context("Expected to decode \(type) but found a \(kind.typeName) instead."))
    }

    func context(_ description: String) -> DecodingError.Context {
        DecodingError.Context(codingPath: codingPath, debugDescription: description)
    }

    func decodeBool() throws -> Bool {
        switch kind {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self)
        }
    }

    func decodeString() throws -> String {
        let entry = try entry(of: .string, for: String.self)
        return tape.withView { $0.string(at: entry) }
    }

    /// The number's text, as received.
    func numberText(for type: Any.Type) throws -> String {
        let entry = try entry(of: .number, for: type)
        return tape.withView { String(decoding: $0.rawBytes(of: entry), as: UTF8.self) }
    }

    /// An integer, exactly: `1e3` is 1000; `1.5` and numbers out of `T`'s range throw `dataCorrupted`.
    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let entry = try entry(of: .number, for: type)
        switch tape.withView({ ExactInteger<T>($0.rawBytes(of: entry)) }) {
        case .value(let value): return value
        case .notAnInteger: throw DecodingError.dataCorrupted(context("The JSON number \(try numberText(for: type)) is not an integer, so not a \(type)."))
        case .outOfRange: throw DecodingError.dataCorrupted(context("The JSON number \(try numberText(for: type)) does not fit in \(type)."))
        }
    }

    /// A floating-point number, correctly rounded from the text; one beyond the type's range throws.
    func decodeFloatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws -> T {
        let text = try numberText(for: type)
        guard let value = T(text), value.isFinite else {
            throw DecodingError.dataCorrupted(context("The JSON number \(text) does not fit in \(type)."))
        }
        return value
    }

    /// Any `Decodable`; `Date`, `URL` and `Decimal` are read from the JSON value itself, as JSONDecoder does.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if type == Date.self {
            return try decodeDate() as! T
        }
        if type == URL.self {
            let string = try decodeString()
            guard let url = URL(string: string) else {
                throw DecodingError.dataCorrupted(context("Invalid URL string \(quoted(string))."))
            }
            return url as! T
        }
        if type == Decimal.self {
            let text = try numberText(for: type)
            guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw DecodingError.dataCorrupted(context("The JSON number \(text) does not fit in Decimal."))
            }
            return decimal as! T
        }
        return try T(from: self)
    }

    private func decodeDate() throws -> Date {
        switch options.dateDecoding.strategy {
        case .numericDate:
            return Date(timeIntervalSince1970: try decodeFloatingPoint(Double.self))
        case .custom(let decode):
            return try decode(self)
        }
    }
}

/// The decoder is its own single-value container.
extension TapeDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decodeFloatingPoint(type) }
    func decode(_ type: Float.Type) throws -> Float { try decodeFloatingPoint(type) }
    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }
}

/// A coding key for array positions and for `super`.
struct TapeCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    /// The key of `superDecoder()`.
    static let `super` = TapeCodingKey(stringValue: "super")
}
