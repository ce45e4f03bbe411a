import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `private_key_jwt` client assertions (RFC 7523 §2.2, §3): signed through OpenSSL by the core with a key
/// loaded from PEM or JWK, checked with the test key's own verifier (written apart from the library's)
/// and decoded with Foundation, not with the library's parser.
@Suite("Client assertions (private_key_jwt)")
struct ClientAssertionTests {
    static let issuedAt = Date(timeIntervalSince1970: 1_800_000_000)

    /// The header and claims of a compact JWS, decoded with Foundation.
    static func decode(_ jws: String) throws -> (header: [String: Any], claims: [String: Any], signature: [UInt8], input: [UInt8]) {
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        try #require(parts.count == 3, "not three parts: \(jws)")
        func bytes(_ part: String) throws -> Data {
            var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            return try #require(Data(base64Encoded: base64), "not base64url: \(part)")
        }
        let header = try #require(try JSONSerialization.jsonObject(with: try bytes(parts[0])) as? [String: Any])
        let claims = try #require(try JSONSerialization.jsonObject(with: try bytes(parts[1])) as? [String: Any])
        return (header, claims, Array(try bytes(parts[2])), Array((parts[0] + "." + parts[1]).utf8))
    }

    static let keyKinds: [(TestSigningKey.Kind, SignatureAlgorithm)] = [
        (.rsa(bits: 2048), .rs256), (.ec(.p256), .es256), (.ec(.p384), .es384), (.ec(.p521), .es512), (.ed25519, .edDSA),
    ]

    @Test("A PEM key of each type signs an assertion: iss = sub = client id, aud, a jti, exp 60 s after iat, verifiable")
    func pemKeysSignAssertions() throws {
        for (kind, algorithm) in Self.keyKinds {
            let testKey = TestSigningKey(kind, keyID: nil)
            let key = try JWTSigningKey(fileContents: Array(testKey.privateKeyPEM.utf8))
            #expect(key.defaultAlgorithm == algorithm)
            let assertion = try ClientAssertion(key: key)
            let jws = try assertion.make(clientID: "rs-orders", audience: "https://as.example.com", now: Self.issuedAt)
            let (header, claims, signature, input) = try Self.decode(jws)
            #expect(header["alg"] as? String == algorithm.rawValue)
            #expect(header["kid"] == nil)
            #expect(claims["iss"] as? String == "rs-orders")
            #expect(claims["sub"] as? String == "rs-orders")
            #expect(claims["aud"] as? String == "https://as.example.com")
            #expect(claims["iat"] as? Int == 1_800_000_000)
            #expect(claims["exp"] as? Int == 1_800_000_060)
            #expect((claims["jti"] as? String)?.count == 43)  // 32 random bytes, base64url
            #expect(testKey.verify(signature: signature, message: input, algorithm: algorithm), "\(algorithm) signature does not verify")
        }
    }

    @Test("A private JWK signs with its kid in the header; its alg is the default; PS256 can be chosen for RSA")
    func jwkKeysSignAssertions() throws {
        let ec = TestSigningKey(.ec(.p256), keyID: "client-key-1")
        let key = try JWTSigningKey(fileContents: Array(ec.privateJWK(extra: ["alg": .string("ES256"), "use": .string("sig")]).description.utf8))
        #expect(key.keyID == "client-key-1")
        let jws = try ClientAssertion(key: key).make(clientID: "c", audience: "https://as", now: Self.issuedAt)
        let decoded = try Self.decode(jws)
        #expect(decoded.header["kid"] as? String == "client-key-1")
        #expect(ec.verify(signature: decoded.signature, message: decoded.input, algorithm: .es256))

        let rsa = TestSigningKey(.rsa(bits: 2048), keyID: "rsa-1")
        let set = "{\"keys\":[\(rsa.privateJWK().description)]}"
        let rsaKey = try JWTSigningKey(fileContents: Array(set.utf8))
        let pss = try ClientAssertion(key: rsaKey, algorithm: .ps256).make(clientID: "c", audience: "https://as", now: Self.issuedAt)
        let decodedPSS = try Self.decode(pss)
        #expect(decodedPSS.header["alg"] as? String == "PS256")
        #expect(rsa.verify(signature: decodedPSS.signature, message: decodedPSS.input, algorithm: .ps256))
        #expect(!rsa.verify(signature: decodedPSS.signature, message: decodedPSS.input, algorithm: .rs256))
    }

    @Test("Every assertion is fresh: a new jti on each call, iat at the time given")
    func everyAssertionIsFresh() throws {
        let assertion = try ClientAssertion(key: try JWTSigningKey(fileContents: Array(TestSigningKey(.ec(.p256), keyID: nil).privateKeyPEM.utf8)))
        var seen: Set<String> = []
        for offset in 0..<20 {
            let jws = try assertion.make(clientID: "c", audience: "https://as", now: Self.issuedAt.addingTimeInterval(Double(offset)))
            let claims = try Self.decode(jws).claims
            #expect(claims["iat"] as? Int == 1_800_000_000 + offset)
            seen.insert(try #require(claims["jti"] as? String))
        }
        #expect(seen.count == 20)
    }

    @Test("A lifetime over 60 s or under 1 s is refused; a shorter one is kept")
    func lifetimeIsBounded() throws {
        let key = try JWTSigningKey(fileContents: Array(TestSigningKey(.ed25519, keyID: nil).privateKeyPEM.utf8))
        #expect(throws: IntrospectionJWTError.self) { try ClientAssertion(key: key, lifetime: .seconds(61)) }
        #expect(throws: IntrospectionJWTError.self) { try ClientAssertion(key: key, lifetime: .milliseconds(500)) }
        let short = try ClientAssertion(key: key, lifetime: .seconds(30))
        let claims = try Self.decode(try short.make(clientID: "c", audience: "a", now: Self.issuedAt)).claims
        #expect(claims["exp"] as? Int == 1_800_000_030)
    }

    @Test("An algorithm that does not fit the key is refused with unsupported_algorithm")
    func algorithmMustFitTheKey() throws {
        let key = try JWTSigningKey(fileContents: Array(TestSigningKey(.ec(.p256), keyID: nil).privateKeyPEM.utf8))
        let error = try #require(throws: IntrospectionJWTError.self) { try ClientAssertion(key: key, algorithm: .rs256) }
        #expect(error.code == .unsupportedAlgorithm)
        #expect(error.message.contains("RS256"))
    }

    @Test("Keys that cannot sign are refused with signing_key_unavailable, naming why", arguments: [
        ("not a key", "not valid JSON"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "no usable PEM private key"),
        (#"{"kty":"oct","k":"c2VjcmV0"}"#, "symmetric"),
        (#"{"kty":"OKP","crv":"X25519","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","d":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#, "X25519"),
        (#"{"keys":[]}"#, "exactly one key"),
        (#"[1]"#, "not an object"),
    ])
    func unusableKeysAreRefused(text: String, reason: String) throws {
        let error = try #require(throws: IntrospectionJWTError.self) { try JWTSigningKey(fileContents: Array(text.utf8)) }
        #expect(error.code == .signingKeyUnavailable)
        #expect(error.message.contains(reason), "\(error.message)")
    }

    @Test("A public JWK, an encryption JWK, an alg of another key type and a small RSA key are refused")
    func publicAndMisfitKeysAreRefused() throws {
        let ec = TestSigningKey(.ec(.p256), keyID: "k")
        let cases: [(String, String)] = [
            (ec.publicJWK().description, "a public key cannot sign"),
            (ec.privateJWK(extra: ["use": .string("enc")]).description, "encryption key"),
            (ec.privateJWK(extra: ["alg": .string("RS256")]).description, "does not fit"),
            (ec.privateJWK(extra: ["key_ops": .array([.string("verify")])]).description, "key_ops"),
            (TestSigningKey(.rsa(bits: 1024), keyID: nil).privateKeyPEM, "under the required 2048"),
        ]
        for (text, reason) in cases {
            let error = try #require(throws: IntrospectionJWTError.self) { try JWTSigningKey(fileContents: Array(text.utf8)) }
            #expect(error.code == .signingKeyUnavailable)
            #expect(error.message.contains(reason), "\(error.message) should say \(reason)")
        }
    }

    @Test("A JWK whose public part is not the private key's is refused")
    func mismatchedJWKIsRefused() throws {
        guard case .object(let first) = TestSigningKey(.ed25519, keyID: nil).privateJWK(),
            case .object(let second) = TestSigningKey(.ed25519, keyID: nil).privateJWK()
        else { Issue.record("not JWK objects"); return }
        let mixed = JSONObject(members: first.members.map { $0.name == "x" ? .init(name: "x", value: second["x"]!) : $0 })
        let error = try #require(throws: IntrospectionJWTError.self) { try JWTSigningKey(fileContents: Array(JSONValue.object(mixed).description.utf8)) }
        #expect(error.code == .signingKeyUnavailable)
    }

    @Test("A key's description and mirror show its kid, type and size, never its private part")
    func descriptionsNeverShowTheKey() throws {
        let testKey = TestSigningKey(.ec(.p256), keyID: "k-7")
        let jwk = testKey.privateJWK()
        let key = try JWTSigningKey(fileContents: Array(jwk.description.utf8))
        guard case .object(let object) = jwk, case .string(let d)? = object["d"] else { Issue.record("no d"); return }
        var dumped = ""
        dump(key, to: &dumped)
        #expect(key.description == "JWTSigningKey(kid: \"k-7\", EC P-256, 256 bits)")
        #expect(!dumped.contains(d))
        #expect(!String(describing: try ClientAssertion(key: key)).contains(d))
    }
}
