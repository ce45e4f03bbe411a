import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `Decodable` custom claims, decoded straight from the checked JSON text (TapeDecoder).
@Suite("Codable decoding of claims")
struct ClaimsDecodingTests {
    /// An introspection object from JSON text (it must have a boolean `active`).
    func introspection(_ members: String) throws -> TokenIntrospection {
        try TokenIntrospection(json: Array("{\"active\":true\(members.isEmpty ? "" : ",")\(members)}".utf8))
    }

    /// The `DecodingError` that decoding `type` from `members` throws (or an issue when it does not throw).
    func decodingError<T: Decodable>(_ type: T.Type, _ members: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> DecodingError? {
        let data = try introspection(members)
        do {
            let value = try data.decode(type)
            Issue.record("decoded \(value)", sourceLocation: sourceLocation)
            return nil
        } catch let error as DecodingError {
            return error
        }
    }

    struct Service: Decodable, Equatable {
        struct Tenant: Decodable, Equatable {
            let id: Int64
            let name: String
            let regions: [String]
        }

        let active: Bool
        let sub: String
        let exp: Date
        let tenant: Tenant
        let roles: [String]
        let level: Int?
        let note: String?
        let ratio: Double
        let scores: [String: Int]
    }

    @Test("Nested objects, arrays, dictionaries, optionals (absent and null) and a NumericDate decode from the introspection object")
    func nestedTypesDecode() throws {
        let data = try introspection("""
            "sub":"alice","exp":1763744400,"tenant":{"id":9007199254740993,"name":"Z\\u00fcrich","regions":["eu","ch"]},\
            "roles":["admin","auditor"],"note":null,"ratio":0.25,"scores":{"a":1,"b":-2}
            """)
        let service = try data.decode(Service.self)
        #expect(service == Service(
            active: true, sub: "alice", exp: Date(timeIntervalSince1970: 1_763_744_400),
            tenant: .init(id: 9_007_199_254_740_993, name: "Zürich", regions: ["eu", "ch"]),
            roles: ["admin", "auditor"], level: nil, note: nil, ratio: 0.25, scores: ["a": 1, "b": -2]))
    }

    @Test("A verified response's top-level claims decode, token_introspection as a nested type")
    func verifiedClaimsDecode() throws {
        struct Response: Decodable {
            struct Introspection: Decodable {
                let active: Bool
                let scope: String
                let exp: Date
                let aud: String
            }

            let iss: URL
            let aud: String
            let iat: Date
            let token_introspection: Introspection
        }
        let token = TokenMinter.response(key: TestKeys.rsa, algorithm: .rs256, issuedAt: testTime)
        let verified = try makeVerifier().verify(token, using: TestKeys.keySet, at: Date(timeIntervalSince1970: Double(testTime)))
        let claims = try verified.decodeClaims(Response.self)
        #expect(claims.iss == URL(string: TokenMinter.issuer))
        #expect(claims.aud == TokenMinter.audience)
        #expect(claims.iat == Date(timeIntervalSince1970: Double(testTime)))
        #expect(claims.token_introspection.scope == "read write dolphin")
        #expect(claims.token_introspection.exp == Date(timeIntervalSince1970: Double(testTime + 3600)))
        #expect(try verified.introspection.decode(Response.Introspection.self).aud == TokenMinter.audience)
    }

    struct Numbers: Decodable {
        let value: Int64
    }

    @Test("Integers are read exactly from the text: exponents and zero fractions are integers, other fractions are not",
          arguments: [("1.7e9", 1_700_000_000), ("17E8", 1_700_000_000), ("1700000000.000", 1_700_000_000), ("0.0", 0), ("-0", 0),
                      ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min), ("5e-0", 5), ("1230e-1", 123),
                      ("0.00e99999999999", 0)] as [(String, Int64)])
    func integersAreExact(text: String, expected: Int64) throws {
        #expect(try introspection("\"value\":\(text)").decode(Numbers.self).value == expected)
    }

    @Test("An integer out of its type's range, or with a fraction, throws dataCorrupted naming the number",
          arguments: ["9223372036854775808", "-9223372036854775809", "1e19", "1e999999999", "1.5", "1e-1", "123456789012345678901234"])
    func inexactIntegersThrow(text: String) throws {
        guard case .dataCorrupted(let context)? = try decodingError(Numbers.self, "\"value\":\(text)") else {
            Issue.record("not dataCorrupted")
            return
        }
        #expect(context.codingPath.map(\.stringValue) == ["value"])
        #expect(context.debugDescription.contains(text))
    }

    @Test("Every integer width checks its own range, unsigned types refuse negative numbers")
    func integerWidths() throws {
        struct Small: Decodable { let a: Int8; let b: UInt8; let c: Int16; let d: UInt16; let e: Int32; let f: UInt32; let g: UInt64; let h: UInt; let i: Int }
        let small = try introspection("\"a\":-128,\"b\":255,\"c\":-32768,\"d\":65535,\"e\":-2147483648,\"f\":4294967295,\"g\":18446744073709551615,\"h\":0,\"i\":-1")
            .decode(Small.self)
        #expect(small.a == .min && small.b == .max && small.c == .min && small.d == .max && small.e == .min && small.f == .max && small.g == .max && small.i == -1)
        struct Byte: Decodable { let value: UInt8 }
        struct Unsigned: Decodable { let value: UInt64 }
        for (type, text) in [(Byte.self as any Decodable.Type, "256"), (Byte.self, "-1"), (Unsigned.self, "-1"), (Unsigned.self, "18446744073709551616")] {
            let data = try introspection("\"value\":\(text)")
            #expect(throws: DecodingError.self, "\(type) from \(text)") { try data.decode(type) }
        }
    }

    @Test("Double and Float are correctly rounded from the text; a number beyond their range throws")
    func floatingPoint() throws {
        struct Reals: Decodable { let d: Double; let f: Float }
        let reals = try introspection("\"d\":0.1,\"f\":3.4028234e38").decode(Reals.self)
        #expect(reals.d == 0.1 && reals.f == Float.greatestFiniteMagnitude)
        #expect(throws: DecodingError.self) { try introspection("\"d\":1e400,\"f\":1").decode(Reals.self) }
        #expect(throws: DecodingError.self) { try introspection("\"d\":1,\"f\":1e39").decode(Reals.self) }
        struct Money: Decodable { let amount: Decimal }
        #expect(try introspection("\"amount\":12345678901234567890.123").decode(Money.self).amount
            == Decimal(string: "12345678901234567890.123"))
    }

    @Test("A missing key throws keyNotFound with the path to the object; null for a non-optional throws valueNotFound")
    func missingAndNull() throws {
        guard case .keyNotFound(let key, let context)? = try decodingError(Service.self, "\"sub\":\"a\"") else {
            Issue.record("not keyNotFound")
            return
        }
        #expect(key.stringValue == "exp")
        #expect(context.codingPath.isEmpty)
        guard case .valueNotFound(_, let nullContext)? = try decodingError(Numbers.self, "\"value\":null") else {
            Issue.record("not valueNotFound")
            return
        }
        #expect(nullContext.codingPath.map(\.stringValue) == ["value"])
    }

    @Test("A value of the wrong JSON type throws typeMismatch with the full coding path, through arrays and objects")
    func typeMismatchHasPath() throws {
        struct Outer: Decodable { let items: [Inner] }
        struct Inner: Decodable { let flag: Bool }
        guard case .typeMismatch(let type, let context)? = try decodingError(Outer.self, "\"items\":[{\"flag\":true},{\"flag\":\"yes\"}]") else {
            Issue.record("not typeMismatch")
            return
        }
        #expect(ObjectIdentifier(type) == ObjectIdentifier(Bool.self))
        #expect(context.codingPath.map(\.stringValue) == ["items", "Index 1", "flag"])
        #expect(context.codingPath[1].intValue == 1)
        #expect(context.debugDescription.contains("string"))
        for members in ["\"items\":{}", "\"items\":\"[]\"", "\"items\":[1]"] {
            #expect(throws: DecodingError.self, "\(members)") { try introspection(members).decode(Outer.self) }
        }
    }

    @Test("Unkeyed containers: count, isAtEnd, decodeNil moving only past null, nested containers, and an error past the end")
    func unkeyedContainers() throws {
        struct Row: Decodable {
            var values: [Int?] = []
            var nested: [String] = []
            var pair: (String, Int) = ("", 0)
            init(from decoder: any Decoder) throws {
                var array = try decoder.container(keyedBy: TestKey.self).nestedUnkeyedContainer(forKey: TestKey("rows"))
                #expect(array.count == 4)
                #expect(try !array.decodeNil())  // 1 is not null: stays put
                values.append(try array.decode(Int.self))
                #expect(try array.decodeNil())
                values.append(nil)
                var inner = try array.nestedUnkeyedContainer()
                while !inner.isAtEnd { nested.append(try inner.decode(String.self)) }
                let object = try array.nestedContainer(keyedBy: TestKey.self)
                pair = (try object.decode(String.self, forKey: TestKey("k")), try object.decode(Int.self, forKey: TestKey("v")))
                #expect(array.isAtEnd)
                #expect(array.currentIndex == 4)
                #expect(throws: DecodingError.self) { try array.decode(Int.self) }
            }
        }
        let row = try introspection("\"rows\":[1,null,[\"x\",\"y\"],{\"k\":\"key\",\"v\":7}]").decode(Row.self)
        #expect(row.values == [1, nil] && row.nested == ["x", "y"] && row.pair == ("key", 7))
    }

    @Test("Super decoders: superDecoder() reads the member \"super\" (absent reads as null), superDecoder(forKey:) the member")
    func superDecoders() throws {
        class Base: Decodable {
            let id: String
            required init(from decoder: any Decoder) throws {
                id = try decoder.container(keyedBy: TestKey.self).decode(String.self, forKey: TestKey("id"))
            }
        }
        final class Derived: Base, @unchecked Sendable {
            let extra: Int
            let parent: Base
            let missingIsNull: Bool
            required init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TestKey.self)
                extra = try container.decode(Int.self, forKey: TestKey("extra"))
                parent = try Base(from: container.superDecoder(forKey: TestKey("parent")))
                missingIsNull = try container.superDecoder(forKey: TestKey("absent")).singleValueContainer().decodeNil()
                try super.init(from: container.superDecoder())
            }
        }
        let derived = try introspection("\"extra\":3,\"super\":{\"id\":\"base\"},\"parent\":{\"id\":\"p\"}").decode(Derived.self)
        #expect(derived.id == "base" && derived.extra == 3 && derived.parent.id == "p" && derived.missingIsNull)
        #expect(throws: DecodingError.self) { try introspection("\"extra\":3").decode(Derived.self) }
    }

    @Test("Keys match by exact code points (no normalisation); allKeys lists the members in received order")
    func keysAreExact() throws {
        struct Keys: Decodable {
            let names: [String]
            let composed: String?
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TestKey.self)
                names = container.allKeys.map(\.stringValue)
                composed = try container.decodeIfPresent(String.self, forKey: TestKey("\u{E9}"))
            }
        }
        let keys = try introspection("\"e\\u0301\":\"decomposed\",\"z\":\"last\"").decode(Keys.self)
        #expect(keys.names == ["active", "e\u{301}", "z"])
        #expect(keys.composed == nil)  // "é" (U+00E9) is not "e" + U+0301
    }

    @Test("Dates: NumericDate seconds by default (fractions kept), a string is a type mismatch, a custom strategy reads its own form")
    func dates() throws {
        struct Stamp: Decodable { let at: Date }
        #expect(try introspection("\"at\":1763740800.5").decode(Stamp.self).at == Date(timeIntervalSince1970: 1_763_740_800.5))
        guard case .typeMismatch? = try decodingError(Stamp.self, "\"at\":\"2025-11-21T16:00:00Z\"") else {
            Issue.record("not typeMismatch")
            return
        }
        let options = ClaimsDecodingOptions(dateDecoding: .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let seconds = Double(text.dropFirst(2)) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad"))
            }
            return Date(timeIntervalSince1970: seconds)
        })
        #expect(try introspection("\"at\":\"t=42\"").decode(Stamp.self, options: options).at == Date(timeIntervalSince1970: 42))
    }

    @Test("userInfo from the options reaches the decoded type")
    func userInfoReachesDecoder() throws {
        let key = CodingUserInfoKey(rawValue: "tenant")!
        struct Seen: Decodable {
            let tenant: String?
            init(from decoder: any Decoder) throws { tenant = decoder.userInfo[CodingUserInfoKey(rawValue: "tenant")!] as? String }
        }
        #expect(try introspection("").decode(Seen.self, options: ClaimsDecodingOptions(userInfo: [key: "acme"])).tenant == "acme")
    }

    @Test("A URL member that is not a URL throws dataCorrupted; the object decoded as an array is a typeMismatch")
    func urlAndTopLevel() throws {
        struct Link: Decodable { let href: URL }
        guard case .dataCorrupted? = try decodingError(Link.self, "\"href\":\"\"") else {
            Issue.record("not dataCorrupted")
            return
        }
        guard case .typeMismatch? = try decodingError([Int].self, "") else {
            Issue.record("not typeMismatch")
            return
        }
    }
}

/// A coding key made from any string.
struct TestKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
