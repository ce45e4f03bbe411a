import Foundation
@testable import IntrospectionJWT
import IntrospectionTesting
import Testing

/// Seeded random and mutated inputs: none crashes the process and none verifies.
@Suite("Robustness against random and mutated input")
struct RobustnessTests {
    let at = Date(timeIntervalSince1970: TimeInterval(testTime))
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \n{}\":,[]\\é\u{0}")

    func mustFail(_ token: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: IntrospectionJWTError.self, sourceLocation: sourceLocation) {
            try makeVerifier().verify(token, using: TestKeys.keySet, at: at)
        }
    }

    @Test("Thousands of byte-level mutations of valid tokens never verify", arguments: SignatureAlgorithm.allCases)
    func mutatedTokensNeverVerify(algorithm: SignatureAlgorithm) {
        let valid = TokenMinter.response(key: TestKeys.key(for: algorithm), algorithm: algorithm, issuedAt: testTime)
        var rng = SeededGenerator(seed: UInt64(algorithm.index) ^ 0xC0FFEE)  // stable across runs
        let characters = Array(valid)
        for _ in 0..<400 {
            var mutated = characters
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:  // replace
                    guard !mutated.isEmpty else { continue }
                    let index = Int.random(in: 0..<mutated.count, using: &rng)
                    mutated[index] = Self.alphabet.randomElement(using: &rng)!
                case 1:  // insert
                    mutated.insert(Self.alphabet.randomElement(using: &rng)!, at: Int.random(in: 0...mutated.count, using: &rng))
                case 2:  // delete
                    if !mutated.isEmpty { mutated.remove(at: Int.random(in: 0..<mutated.count, using: &rng)) }
                default:  // truncate
                    guard !mutated.isEmpty else { continue }
                    mutated = Array(mutated.prefix(Int.random(in: 0..<mutated.count, using: &rng)))
                }
            }
            // Strict base64url admits one encoding per byte string, so any change must fail.
            if mutated == characters { continue }
            mustFail(String(mutated))
        }
    }

    @Test("Decoded header and payload mutations, re-encoded but not re-signed, never verify")
    func semanticMutationsNeverVerify() {
        var rng = SeededGenerator(seed: 9701)
        let payload = Array(TokenMinter.payload(issuedAt: testTime).utf8)
        let header = TestBase64URL.encode(TokenMinter.header(algorithm: .es256, keyID: "ec-p256"))
        let signature = TokenMinter.response(key: TestKeys.p256, algorithm: .es256, issuedAt: testTime).split(separator: ".")[2]
        for _ in 0..<2000 {
            var mutated = payload
            let index = Int.random(in: 0..<mutated.count, using: &rng)
            mutated[index] = UInt8.random(in: 0...255, using: &rng)
            if mutated == payload { continue }
            mustFail(header + "." + TestBase64URL.encode(mutated) + "." + signature)
        }
    }

    @Test("Random strings and random three-part tokens never crash and never verify")
    func randomInputNeverVerifies() {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<300, using: &rng)
            mustFail(String((0..<length).map { _ in Self.alphabet.randomElement(using: &rng)! }))
        }
        for _ in 0..<1000 {
            let parts = (0..<3).map { _ in TestBase64URL.encode((0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
            mustFail(parts.joined(separator: "."))
        }
    }

    @Test("Random JSON-ish documents never crash the parser")
    func randomJSONNeverCrashes() {
        var rng = SeededGenerator(seed: 7159)
        let pieces = ["{", "}", "[", "]", "\"", "\\", "\\u", "d800", ":", ",", "1", "-", "0", "e", ".", "true", "null", "\"a\"", " ", "\u{7F}", "\u{FFFF}"]
        var parsed = 0
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            if (try? StrictJSONParser.parse(Array(text.utf8))) != nil { parsed += 1 }
        }
        #expect(parsed < 5000)
    }

    @Test("Mutated JWK Sets never crash and never load a key that verifies a foreign signature")
    func mutatedKeySetsNeverCrash() throws {
        var rng = SeededGenerator(seed: 7517)
        let document = Array(TokenMinter.jwks(TestKeys.all).utf8)
        let token = TokenMinter.response(key: TestKeys.p256, algorithm: .es256, issuedAt: testTime)
        for _ in 0..<1500 {
            var mutated = document
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 32...126, using: &rng)
            }
            guard let set = try? JWKSet(jsonBytes: mutated) else { continue }
            // Whatever loaded may verify the token only if the P-256 key itself survived unchanged.
            if (try? makeVerifier(keys: set).verify(token, using: set, at: at)) != nil {
                let original = TestKeys.p256.publicJWK().objectValue!
                #expect(set.keys.contains { $0.jwk["x"] == original["x"] && $0.jwk["y"] == original["y"] })
            }
        }
    }
}
