import Foundation
@testable import IntrospectionJWT
import IntrospectionTesting
import Testing

@Suite("Strict JOSE parsing")
struct StrictParsingTests {
    let at = Date(timeIntervalSince1970: TimeInterval(testTime))
    static let header = TokenMinter.header(algorithm: .es256, keyID: "ec-p256")

    /// A token with the given header and payload JSON texts, signed by the P-256 test key.
    func token(header: String = header, payload: String) -> String {
        TokenMinter.sign(header: header, payload: payload, key: TestKeys.p256, algorithm: .es256)
    }

    func code(of token: String) -> IntrospectionJWTError.Code? {
        do {
            _ = try makeVerifier().verify(token, using: TestKeys.keySet, at: at)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("Base64url is decoded strictly: no padding, no + or /, canonical trailing bits")
    func base64URLIsStrict() {
        #expect(Base64URL.decode("QQ") == [0x41])
        #expect(Base64URL.decode("QR") == nil)  // non-canonical trailing bits
        #expect(Base64URL.decode("QQ==") == nil)
        #expect(Base64URL.decode("QUI") == [0x41, 0x42])
        #expect(Base64URL.decode("QUJ") == nil)
        #expect(Base64URL.decode("Q") == nil)
        #expect(Base64URL.decode("+/8") == nil)
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64URL.decode("QU I") == nil)
        #expect(Base64URL.decode("") == [])
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test("A token that is not three parts is malformed, five parts (JWE) included")
    func partCountIsChecked() {
        let good = token(payload: TokenMinter.payload(issuedAt: testTime))
        #expect(code(of: good) == nil)
        for bad in ["", ".", "..", "a.b", good + ".x", good + ".x.y", "a.b.c.d.e", good.replacingOccurrences(of: ".", with: "")] {
            #expect(code(of: bad) == .malformed, "\(bad.prefix(30))")
        }
    }

    @Test("Padding, illegal characters and white space in any part are malformed")
    func badBase64InTokenIsMalformed() {
        let good = token(payload: TokenMinter.payload(issuedAt: testTime))
        let parts = good.split(separator: ".").map(String.init)
        for bad in [
            parts[0] + "=." + parts[1] + "." + parts[2],
            parts[0] + "." + parts[1] + "." + parts[2] + "==",
            parts[0] + "." + parts[1] + " ." + parts[2],
            " " + good, good + "\n",
            parts[0] + "." + parts[1].replacingOccurrences(of: "_", with: "/").replacingOccurrences(of: "-", with: "+") + "+/." + parts[2],
            parts[0] + "." + parts[1] + "." + parts[2] + "é",
        ] {
            #expect(code(of: bad) == .malformed, "\(bad)")
        }
    }

    @Test("Header and payload must be strict UTF-8 JSON objects")
    func headerAndPayloadMustBeObjects() {
        for payload in ["[]", "\"x\"", "1", "null", "{", "{\"iss\":1}x", "\u{FEFF}{}", "{'a':1}", "{\"a\":01}", "{\"a\":1,}", "{\"a\":\"\\x\"}", "{\"a\":\"\u{01}\"}"] {
            #expect(code(of: token(payload: payload)) == .malformed, "\(payload)")
        }
        #expect(code(of: token(header: "[]", payload: "{}")) == .malformed)
    }

    @Test("Duplicate member names are refused at any depth, escaped or not")
    func duplicateMembersAreMalformed() {
        let base = TokenMinter.payload(issuedAt: testTime)
        let duplicates = [
            "{\"iss\":\"a\"," + base.dropFirst(),
            base.replacingOccurrences(of: "\"active\":true", with: "\"active\":true,\"active\":false"),
            base.replacingOccurrences(of: "\"sub\":", with: "\"x\":{\"a\":1,\"\\u0061\":2},\"sub\":"),
        ]
        for payload in duplicates {
            #expect(code(of: token(payload: payload)) == .malformed, "\(payload)")
        }
        #expect(code(of: token(header: "{\"typ\":\"token-introspection+jwt\",\"alg\":\"ES256\",\"alg\":\"ES256\"}", payload: base)) == .malformed)
        // Names that are canonically equivalent but different code points are different names.
        let kelvin = base.replacingOccurrences(of: "\"sub\":", with: "\"K\":1,\"\u{212A}\":2,\"sub\":")
        #expect(code(of: token(payload: kelvin)) == nil)
    }

    @Test("Invalid UTF-8 and lone surrogates are malformed")
    func invalidTextIsMalformed() {
        let base = TokenMinter.payload(issuedAt: testTime)
        let loneHigh = base.replacingOccurrences(of: "\"sub\":\"Z5O3upPC88QrAjx00dis\"", with: "\"sub\":\"\\ud800\"")
        let loneLow = base.replacingOccurrences(of: "\"sub\":\"Z5O3upPC88QrAjx00dis\"", with: "\"sub\":\"\\udc00x\"")
        let pair = base.replacingOccurrences(of: "\"sub\":\"Z5O3upPC88QrAjx00dis\"", with: "\"sub\":\"\\ud83d\\ude00\"")
        #expect(code(of: token(payload: loneHigh)) == .malformed)
        #expect(code(of: token(payload: loneLow)) == .malformed)
        #expect(code(of: token(payload: pair)) == nil)
        var invalid = Array(base.utf8)
        let position = invalid.firstIndex(of: UInt8(ascii: "Z"))!
        invalid[position] = 0xC3  // a lead byte followed by ASCII
        let header = TestBase64URL.encode(Self.header)
        let signingInput = header + "." + TestBase64URL.encode(invalid)
        let signed = signingInput + "." + TestBase64URL.encode(TestKeys.p256.sign(Array(signingInput.utf8), algorithm: .es256))
        #expect(code(of: signed) == .malformed)
    }

    @Test("JSON nested 32 deep is accepted, 33 deep is malformed")
    func depthLimit() {
        // The payload object is depth 1 and token_introspection depth 2, so the extra member adds 30 or 31.
        func payload(extraDepth: Int) -> String {
            let nested = String(repeating: "[", count: extraDepth) + String(repeating: "]", count: extraDepth)
            return TokenMinter.payload(issuedAt: testTime).replacingOccurrences(of: "\"sub\":", with: "\"deep\":\(nested),\"sub\":")
        }
        #expect(code(of: token(payload: payload(extraDepth: 30))) == nil)
        #expect(code(of: token(payload: payload(extraDepth: 31))) == .malformed)
        #expect(code(of: token(payload: payload(extraDepth: 5000))) == .malformed)
    }

    @Test("A token over 64 KiB is malformed; one just under verifies")
    func tokenSizeLimit() {
        func padded(to length: Int) -> String {
            var low = 0, high = length
            var best = ""
            while low <= high {  // find the filler that makes the token as long as possible without passing `length`
                let filler = (low + high) / 2
                let payload = TokenMinter.payload(issuedAt: testTime).replacingOccurrences(of: "\"sub\":", with: "\"pad\":\"\(String(repeating: "a", count: filler))\",\"sub\":")
                let candidate = token(payload: payload)
                if candidate.utf8.count <= length { best = candidate; low = filler + 1 } else { high = filler - 1 }
            }
            return best
        }
        let largest = padded(to: 65536)
        #expect(largest.utf8.count > 65530)
        #expect(code(of: largest) == nil)
        let tooLarge = token(payload: TokenMinter.payload(issuedAt: testTime).replacingOccurrences(of: "\"sub\":", with: "\"pad\":\"\(String(repeating: "a", count: 50_000))\",\"sub\":"))
        #expect(tooLarge.utf8.count > 65536)
        #expect(code(of: tooLarge) == .malformed)
    }

    @Test("Top-level iat, exp or nbf that is not a number is malformed, before any header check")
    func timeClaimTypesAreStructural() {
        for claim in ["\"iat\":\"1763740800\"", "\"exp\":null", "\"nbf\":true"] {
            let payload = "{\"iss\":\"\(TokenMinter.issuer)\",\"aud\":\"\(TokenMinter.audience)\",\(claim),\"token_introspection\":{\"active\":true}}"
            #expect(code(of: token(payload: payload)) == .malformed)
            let unsigned = TestBase64URL.encode("{\"alg\":\"none\"}") + "." + TestBase64URL.encode(payload) + "."
            #expect(code(of: unsigned) == .malformed)
        }
    }

    @Test("crit is refused unless every name is understood and present")
    func criticalHeaders() {
        for crit in ["[\"exp\"]", "[]", "\"exp\"", "1", "[1]", "[\"alg\"]"] {
            let header = "{\"typ\":\"token-introspection+jwt\",\"alg\":\"ES256\",\"kid\":\"ec-p256\",\"exp\":1,\"crit\":\(crit)}"
            #expect(code(of: token(header: header, payload: TokenMinter.payload(issuedAt: testTime))) == .unsupportedCriticalHeader, "\(crit)")
        }
        let understood = IntrospectionResponseVerifier(
            policy: VerificationPolicy(issuer: TokenMinter.issuer, audiences: [TokenMinter.audience], understoodCriticalHeaderParameters: ["urn:example:ext"]),
            keys: TestKeys.keySet)
        let header = "{\"typ\":\"token-introspection+jwt\",\"alg\":\"ES256\",\"kid\":\"ec-p256\",\"urn:example:ext\":1,\"crit\":[\"urn:example:ext\"]}"
        #expect(throws: Never.self) { try understood.verify(token(header: header, payload: TokenMinter.payload(issuedAt: testTime)), using: TestKeys.keySet, at: at) }
    }

    @Test("Keys named by the token itself are ignored")
    func embeddedKeysAreIgnored() throws {
        let attacker = TestSigningKey(.ec(.p256), keyID: "ec-p256")
        let jwk = JSONWriter.string(for: attacker.publicJWK())
        let header = "{\"typ\":\"token-introspection+jwt\",\"alg\":\"ES256\",\"kid\":\"ec-p256\",\"jwk\":\(jwk),\"jku\":\"https://evil.example/jwks\",\"x5u\":\"https://evil.example/x5u\"}"
        let payload = TokenMinter.payload(issuedAt: testTime)
        let signedByAttacker = TokenMinter.sign(header: header, payload: payload, key: attacker, algorithm: .es256)
        #expect(code(of: signedByAttacker) == .badSignature)
        let signedByRealKey = TokenMinter.sign(header: header, payload: payload, key: TestKeys.p256, algorithm: .es256)
        #expect(code(of: signedByRealKey) == nil)
    }
}
