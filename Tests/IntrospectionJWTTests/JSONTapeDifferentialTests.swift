import Foundation
@testable import IntrospectionJWT
import IntrospectionTesting
import Testing

/// The tape scanner against the parser it replaced (``ReferenceJSONParser``, the tree parser of 8191ee2):
/// seeded random and mutated JSON texts must be accepted and refused alike, with the same reasons, and
/// the trees built from the tape — eagerly or lazily from a verified payload — must equal the old trees.
@Suite("JSON tape: differential test against the tree parser")
struct JSONTapeDifferentialTests {
    /// Strings that exercise escapes, surrogates, non-ASCII, canonical equivalence and control characters.
    static let strings = [
        "", "a", "active", "aud", "\\u0061ctive", "act\\u0069ve", "\\u0000", "\\\"", "\\\\", "\\/", "\\b\\f\\n\\r\\t",
        "é", "e\u{301}", "\\u00e9", "\\u00E9", "\\ud83d\\ude00", "😀", "\\ud83d", "\\ude00", "\\ud83dx", "\\ud83d\\u0041",
        "\\u12", "\\x", "https://as.example.com", "scope", "sc\\u006fpe", "iss", "exp", "n\\u0062f", "\u{7f}", "\u{2028}",
    ]
    static let numbers = ["0", "-0", "1", "-1", "1763740800", "1.5", "1e3", "1E+3", "1e-3", "-0.0e0", "123456789012345678901",
                          "01", "1.", ".5", "-", "1e", "1e+", "+1", "0x10", "1.7976931348623157e309", "9007199254740993"]
    static let alphabet = Array("{}[]\",:\\ \t\n0123456789-+.eEtrufalsn/bu".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xED, 0xA0, 0xF4, 0x90, 0xFF]

    struct Generator {
        var rng: SeededGenerator

        mutating func value(depth: Int) -> String {
            let maxDepth = Int.random(in: 0..<20, using: &rng) == 0 ? 36 : 4
            switch Int.random(in: 0..<(depth < maxDepth ? 9 : 6), using: &rng) {
            case 0: return "null"
            case 1: return Bool.random(using: &rng) ? "true" : "false"
            case 2, 3: return JSONTapeDifferentialTests.numbers.randomElement(using: &rng)!
            case 4, 5: return "\"" + string() + "\""
            case 6: return "[" + (0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth: depth + 1) }.joined(separator: ",") + "]"
            default: return object(depth: depth + 1)
            }
        }

        mutating func string() -> String {
            (0..<Int.random(in: 0...3, using: &rng)).map { _ in JSONTapeDifferentialTests.strings.randomElement(using: &rng)! }.joined()
        }

        mutating func object(depth: Int) -> String {
            // Few distinct names, so that duplicates (some equal only after decoding escapes) are common.
            let members = (0..<Int.random(in: 0...6, using: &rng)).map { _ -> String in
                let name = Int.random(in: 0..<3, using: &rng) == 0 ? string()
                    : ["active", "aud", "a\\u0063tive", "scope", "iss", "exp", "iat", "nbf", "sub", "x"].randomElement(using: &rng)!
                let space = [" ", "", "\n\t"].randomElement(using: &rng)!
                return "\"\(name)\"\(space):\(space)\(value(depth: depth))"
            }
            return "{" + members.joined(separator: ",") + "}"
        }

        mutating func mutate(_ text: [UInt8]) -> [UInt8] {
            var bytes = text
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = JSONTapeDifferentialTests.alphabet.randomElement(using: &rng)!
                case 1: bytes.insert(JSONTapeDifferentialTests.alphabet.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
                case 2 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
                case 3 where !bytes.isEmpty: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
                default: break
                }
            }
            return bytes
        }
    }

    /// Compares both parsers on `bytes`; returns whether the text was accepted.
    @discardableResult
    func compare(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let reference = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(ReferenceFailure) in try ReferenceJSONParser.parse(buffer) }
        }
        let tape = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseFailure) in try StrictJSONParser.parse(buffer) }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        switch (reference, tape) {
        case (.success(let old), .success(let new)):
            // Same values, same member order, same number texts.
            #expect(old == new, "\(text)", sourceLocation: sourceLocation)
            #expect(JSONWriter.string(for: old) == JSONWriter.string(for: new), "\(text)", sourceLocation: sourceLocation)
            if case .object(let object) = old {
                compareObject(object, bytes: bytes, text: text, sourceLocation: sourceLocation)
            }
            return true
        case (.failure(let old), .failure(let new)):
            #expect(old.reason == new.reason, "\(text)", sourceLocation: sourceLocation)
            return false
        default:
            Issue.record("accepted by one parser only: \(text) — reference \(reference), tape \(tape)", sourceLocation: sourceLocation)
            return false
        }
    }

    /// The lazily built tree of a verified payload, and the RFC 7662 type check on the scanned text and on
    /// the tree (which `TokenIntrospection(validating:)` writes out and scans again).
    func compareObject(_ object: JSONObject, bytes: [UInt8], text: String, sourceLocation: SourceLocation) {
        guard let tape = try? JSONTape(object: bytes) else {
            Issue.record("the object is refused by JSONTape(object:): \(text)", sourceLocation: sourceLocation)
            return
        }
        let payload = VerifiedPayload(tape: tape)
        #expect(payload.object(at: 0) == object, "\(text)", sourceLocation: sourceLocation)
        #expect(JSONWriter.string(for: .object(payload.object(at: 0))) == JSONWriter.string(for: .object(object)), sourceLocation: sourceLocation)
        let onTree = Result { () throws(IntrospectionJWTError) in try TokenIntrospection(validating: object) }
        let onTape = tape.withView { view in
            Result { () throws(IntrospectionJWTError) in
                try IntrospectionTypeCheck.check(view, objectAt: 0)
            }
        }
        switch (onTree, onTape) {
        case (.success(let tree), .success):
            let lazy = TokenIntrospection(checked: payload, object: 0)
            #expect(lazy == tree, sourceLocation: sourceLocation)
            #expect(lazy.isActive == tree.isActive && lazy.scopes == tree.scopes && lazy.audiences == tree.audiences
                && lazy.issuer == tree.issuer && lazy.expiration == tree.expiration && lazy.subject == tree.subject,
                "\(text)", sourceLocation: sourceLocation)
            for member in object.members {
                #expect(lazy[member.name] == object[member.name], sourceLocation: sourceLocation)
            }
        case (.failure(let tree), .failure(let tape)):
            #expect(tree.description == tape.description, "\(text)", sourceLocation: sourceLocation)
        default:
            Issue.record("the RFC 7662 check differs on \(text): tree \(onTree), tape \(onTape)", sourceLocation: sourceLocation)
        }
    }

    @Test("Thousands of generated JSON texts and their mutations: same verdicts, reasons and trees")
    func generatedAndMutated() {
        var generator = Generator(rng: SeededGenerator(seed: 0x7A9E))
        var accepted = 0, refused = 0
        for _ in 0..<4000 {
            let text = Array(generator.object(depth: 0).utf8)
            if compare(text) { accepted += 1 } else { refused += 1 }
            for _ in 0..<2 {
                if compare(generator.mutate(text)) { accepted += 1 } else { refused += 1 }
            }
        }
        // Both verdicts are well represented, or the test would prove little.
        #expect(accepted > 1000 && refused > 1000, "accepted \(accepted), refused \(refused)")
    }

    @Test("Mutations of the realistic payload: same verdicts, reasons and trees")
    func mutatedPayloads() {
        var generator = Generator(rng: SeededGenerator(seed: 9701))
        let payload = Array(TokenMinter.payload(issuedAt: testTime).utf8)
        #expect(compare(payload))
        for _ in 0..<3000 {
            compare(generator.mutate(payload))
        }
    }

    @Test("Depth limit: 32 nested containers pass, 33 do not, with the same reason")
    func depthLimit() {
        for depth in [31, 32, 33, 40] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            #expect(compare(Array(arrays.utf8)) == (depth <= 32))
            let objects = String(repeating: "{\"a\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
            #expect(compare(Array(objects.utf8)) == (depth <= 32))
        }
    }

    @Test("Objects past the linear duplicate check, with a duplicate hidden behind an escape")
    func largeObjects() {
        for count in [47, 48, 49, 100] {
            var members = (0..<count).map { "\"m\($0)\":\($0)" }
            #expect(compare(Array(("{" + members.joined(separator: ",") + "}").utf8)))
            members.append("\"\\u006d\(count / 2)\":0")
            #expect(!compare(Array(("{" + members.joined(separator: ",") + "}").utf8)))
            members[0] = "\"m\(count - 1)\":0"
            #expect(!compare(Array(("{" + members.joined(separator: ",") + "}").utf8)))
        }
    }

    @Test("Invalid UTF-8 around escapes and in names")
    func invalidUTF8() {
        let cases: [[UInt8]] = [
            Array("{\"a\":\"".utf8) + [0xC3] + Array("\\u00a9\"}".utf8),
            Array("{\"a\":\"".utf8) + [0xE2, 0x82] + Array("\"}".utf8),
            Array("{\"".utf8) + [0xED, 0xA0, 0x80] + Array("\":1}".utf8),
            Array("{\"".utf8) + [0xC0, 0xAF] + Array("\":1}".utf8),
            Array("{\"".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("\":1}".utf8),
            Array("{\"é\":1,\"".utf8) + [0xC3, 0xA9] + Array("\":2}".utf8),
            Array("{\"a\":\"\\u00e9".utf8) + [0xA9] + Array("\"}".utf8),
        ]
        for bytes in cases { compare(bytes) }
    }

    @Test("A verified response's lazy claims and introspection equal the eagerly parsed payload, from many tasks at once")
    func lazyTreesOfAVerifiedResponse() async throws {
        let at = Date(timeIntervalSince1970: TimeInterval(testTime))
        let token = TokenMinter.response(key: TestKeys.rsa, algorithm: .rs256, issuedAt: testTime)
        let payload = Array(TokenMinter.payload(issuedAt: testTime).utf8)
        let expected = try payload.withUnsafeBufferPointer { try ReferenceJSONParser.parse($0) }
        guard case .object(let claims) = expected, case .object(let introspection)? = claims["token_introspection"] else {
            Issue.record("the minted payload is not an RFC 9701 claims set")
            return
        }
        let response = try makeVerifier().verify(token, using: TestKeys.keySet, at: at)
        // Cheap accessors read the tape and agree with the tree.
        #expect(response.issuer == claims["iss"]?.stringValue)
        #expect(response.audiences == [claims["aud"]!.stringValue!])  // the minted aud is one string
        #expect(response.issuedAt.timeIntervalSince1970 == claims["iat"]?.doubleValue)
        #expect(response.introspection == (try TokenIntrospection(validating: introspection)))
        // The first reads race: every task must see the same, complete trees.
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    JSONWriter.string(for: .object(response.claims)) == JSONWriter.string(for: expected)
                        && response.introspection.json == introspection
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
        #expect(response.claims == claims)
    }
}

