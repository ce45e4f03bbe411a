import Foundation
@testable import IntrospectionJWT
import IntrospectionTesting
import Testing

@Suite("JWK Set loading and key selection")
struct KeySetTests {
    let at = Date(timeIntervalSince1970: TimeInterval(testTime))

    func jwks(_ members: [String]) -> String { "{\"keys\":[" + members.joined(separator: ",") + "]}" }
    func jwk(_ key: TestSigningKey, extra: [String: JSONValue] = [:]) -> String { JSONWriter.string(for: key.publicJWK(extra: extra)) }

    @Test("Unusable keys are skipped with a reason and never make the set fail")
    func unusableKeysAreSkipped() throws {
        let set = try JWKSet(json: jwks([
            "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"kid\":\"hmac\"}",
            jwk(TestKeys.p256, extra: ["use": .string("enc")]),
            jwk(TestKeys.p384, extra: ["key_ops": .array([.string("encrypt")])]),
            "{\"kty\":\"foo\"}",
            "42",
            "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}",
            "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" + String(repeating: "A", count: 43) + "\"}",
            "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQ\"}",
            jwk(TestKeys.rsa, extra: ["alg": .string("ES256")]),
            jwk(TestKeys.rsa, extra: ["alg": .string("RSA-OAEP")]),
            jwk(TestKeys.ed25519),
        ]))
        #expect(set.keys.count == 1)
        #expect(set.keys.first?.keyID == "ed25519")
        #expect(set.skippedKeys.map(\.index) == Array(0...9))
        #expect(set.skippedKeys[0].reason.contains("symmetric"))
        #expect(set.skippedKeys[1].reason.contains("encryption"))
    }

    @Test("An EC point off its curve is refused when the set loads")
    func pointOffCurveIsSkipped() throws {
        var jwkObject = TestKeys.p256.publicJWK().objectValue!.members
        let index = jwkObject.firstIndex { $0.name == "y" }!
        var y = Base64URL.decode(jwkObject[index].value.stringValue!)!
        y[31] ^= 1
        jwkObject[index] = .init(name: "y", value: .string(Base64URL.encode(y)))
        let set = try JWKSet(json: jwks([JSONWriter.string(for: .object(JSONObject(members: jwkObject)))]))
        #expect(set.keys.isEmpty)
        #expect(set.skippedKeys.count == 1)
    }

    @Test("Documents that are not a JWK Set are malformed")
    func notAKeySet() {
        for document in ["", "[]", "{}", "{\"keys\":{}}", "{\"keys\":[],\"keys\":[]}", "nope", "{\"keys\":[]"] {
            #expect(throws: IntrospectionJWTError.self, "\(document)") { try JWKSet(json: document) }
        }
        let oversized = "{\"keys\":[],\"pad\":\"" + String(repeating: "a", count: JWKSet.maximumByteCount) + "\"}"
        #expect { try JWKSet(json: oversized) } throws: { ($0 as? IntrospectionJWTError)?.code == .malformed }
        #expect(throws: Never.self) { try JWKSet(json: "{\"keys\":[]}") }
    }

    @Test("Without kid every fitting key is tried; with kid only the exact kid")
    func keySelection() throws {
        let noKid = TestSigningKey(.ec(.p256), keyID: nil)
        let set = try JWKSet(json: jwks([jwk(TestKeys.p384), jwk(TestKeys.p256), jwk(noKid)]))
        let verifier = makeVerifier(keys: set)
        let payload = TokenMinter.payload(issuedAt: testTime)
        let kidless = TokenMinter.sign(header: TokenMinter.header(algorithm: .es256, keyID: nil), payload: payload, key: noKid, algorithm: .es256)
        #expect(try verifier.verify(kidless, using: set, at: at).verificationKey.keyID == nil)
        let kidlessByOther = TokenMinter.sign(header: TokenMinter.header(algorithm: .es256, keyID: nil), payload: payload, key: TestKeys.p256, algorithm: .es256)
        #expect(try verifier.verify(kidlessByOther, using: set, at: at).verificationKey.keyID == "ec-p256")
        let wrongCase = TokenMinter.sign(header: TokenMinter.header(algorithm: .es256, keyID: "EC-P256"), payload: payload, key: TestKeys.p256, algorithm: .es256)
        #expect { try verifier.verify(wrongCase, using: set, at: at) } throws: { ($0 as? IntrospectionJWTError)?.code == .unknownKey }
        let stranger = TestSigningKey(.ec(.p256), keyID: nil)
        let unknownSigner = TokenMinter.sign(header: TokenMinter.header(algorithm: .es256, keyID: nil), payload: payload, key: stranger, algorithm: .es256)
        #expect { try verifier.verify(unknownSigner, using: set, at: at) } throws: { ($0 as? IntrospectionJWTError)?.code == .badSignature }
        let noFit = TokenMinter.sign(header: TokenMinter.header(algorithm: .es512, keyID: nil), payload: payload, key: TestKeys.p521, algorithm: .es512)
        #expect { try verifier.verify(noFit, using: set, at: at) } throws: { ($0 as? IntrospectionJWTError)?.code == .unknownKey }
    }

    @Test("A JWK alg different from the token's alg makes the key unusable for it")
    func keyAlgorithmBindsTheKey() throws {
        let set = try JWKSet(json: jwks([jwk(TestKeys.rsa, extra: ["alg": .string("PS256")])]))
        let token = TokenMinter.response(key: TestKeys.rsa, algorithm: .rs256, issuedAt: testTime)
        #expect { try makeVerifier(keys: set).verify(token, using: set, at: at) } throws: { ($0 as? IntrospectionJWTError)?.code == .unknownKey }
        let pss = TokenMinter.response(key: TestKeys.rsa, algorithm: .ps256, issuedAt: testTime)
        #expect(throws: Never.self) { try makeVerifier(keys: set).verify(pss, using: set, at: at) }
    }

    @Test("Two keys with the same kid: the one that verifies wins")
    func duplicateKidsAreBothTried() throws {
        let twin = TestSigningKey(.ec(.p256), keyID: "ec-p256")
        let set = try JWKSet(json: jwks([jwk(twin), jwk(TestKeys.p256)]))
        let token = TokenMinter.response(key: TestKeys.p256, algorithm: .es256, issuedAt: testTime)
        #expect(throws: Never.self) { try makeVerifier(keys: set).verify(token, using: set, at: at) }
    }

    @Test("An ES256 signature in DER form, of the wrong length, or with r or s zero fails")
    func ecdsaSignatureForm() throws {
        let token = TokenMinter.response(key: TestKeys.p256, algorithm: .es256, issuedAt: testTime)
        let parts = token.split(separator: ".").map(String.init)
        let raw = Base64URL.decode(parts[2])!
        var derBuffer = [UInt8](repeating: 0, count: ECDSASignature.maximumDERByteCount)
        let derLength = raw.withUnsafeBufferPointer { r in derBuffer.withUnsafeMutableBufferPointer { ECDSASignature.der(fromRaw: r, coordinateByteCount: 32, into: $0)! } }
        let variants: [[UInt8]] = [
            Array(derBuffer.prefix(derLength)), Array(raw.dropLast()), raw + [0], [0] + raw,
            [UInt8](repeating: 0, count: 32) + raw.suffix(32), raw.prefix(32) + [UInt8](repeating: 0, count: 32), [],
        ]
        for signature in variants {
            let forged = parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)
            #expect { try makeVerifier().verify(forged, using: TestKeys.keySet, at: at) } throws: { ($0 as? IntrospectionJWTError)?.code == .badSignature }
        }
    }
}
