public import Foundation

/// How ``TokenIntrospection/decode(_:options:)`` and ``VerifiedIntrospectionResponse/decodeClaims(_:options:)``
/// decode what JSON has no type for.
public struct ClaimsDecodingOptions: Sendable {
    /// How a `Date` is read.
    public struct DateDecoding: Sendable {
        enum Strategy: Sendable {
            case numericDate
            case custom(@Sendable (any Decoder) throws -> Date)
        }

        let strategy: Strategy

        /// A JSON number of seconds since 1970-01-01T00:00:00Z, UTC (a JWT NumericDate, RFC 7519 §2): the
        /// form of `exp`, `iat` and `nbf`. The default.
        public static let numericDate = DateDecoding(strategy: .numericDate)

        /// Your own reading: `decode` gets a decoder for the value (use its `singleValueContainer()`).
        public static func custom(_ decode: @escaping @Sendable (any Decoder) throws -> Date) -> DateDecoding {
            DateDecoding(strategy: .custom(decode))
        }
    }

    /// How a `Date` is read; ``DateDecoding/numericDate`` by default.
    public var dateDecoding: DateDecoding
    /// Handed to the types being decoded as the decoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Options; the defaults read dates as NumericDate seconds.
    public init(dateDecoding: DateDecoding = .numericDate, userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.dateDecoding = dateDecoding
        self.userInfo = userInfo
    }
}

extension TokenIntrospection {
    /// Decodes the introspection object — every member, the RFC 7662 ones and your service's own — into
    /// `type`, straight from the checked JSON text.
    ///
    /// ```swift
    /// struct Claims: Decodable { let sub: String; let tenant: String; let roles: [String]; let exp: Date }
    /// let claims = try response.introspection.decode(Claims.self)
    /// ```
    ///
    /// The text was parsed strictly before (no duplicate names at any depth); names match by exact code
    /// points; integers are read exactly from the number's text (`1.7e9` is an `Int`, `1.5` and values out
    /// of range throw); dates are NumericDate seconds unless `options` say otherwise.
    /// Throws `DecodingError` (`keyNotFound`, `valueNotFound`, `typeMismatch`, `dataCorrupted`, with the
    /// coding path), or what `type`'s own `init(from:)` throws.
    public func decode<T: Decodable>(_ type: T.Type = T.self, options: ClaimsDecodingOptions = ClaimsDecodingOptions()) throws -> T {
        try TapeDecoder(tape: payload.tape, entry: object, options: options, codingPath: []).decodeValue(type)
    }
}

extension VerifiedIntrospectionResponse {
    /// Decodes the top-level claims of the response (`iss`, `aud`, `iat`, `token_introspection`, and any
    /// other claim the authorization server added) into `type`, as ``TokenIntrospection/decode(_:options:)``
    /// does for the introspection object.
    public func decodeClaims<T: Decodable>(_ type: T.Type = T.self, options: ClaimsDecodingOptions = ClaimsDecodingOptions()) throws -> T {
        try TapeDecoder(tape: payload.tape, entry: 0, options: options, codingPath: []).decodeValue(type)
    }
}
