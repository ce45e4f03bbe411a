import Foundation
@testable import IntrospectionJWT
import Testing

/// The decryption key set and the decryptor's guarantees, on the generated encrypted vectors
/// (TestVectors/introspection-jwe).
@Suite("Decryption keys and decryption")
struct DecryptionTests {
    /// A generated case: its token, verification keys, decryption keys (first file) and time.
    static func vector(_ id: String) throws -> (token: String, keys: JWKSet, decryptionKeys: DecryptionKeySet, at: Date) {
        let object = try TestVectorFiles.json("introspection-jwe/cases/\(id).json")
        let files = object["decryption_keys"] as? [[String: Any]] ?? []
        let decryptionKeys = try files.first.map { file in
            try DecryptionKeySet(fileContents: Array(((file["jwks"].map { try TestVectorFiles.jsonText($0) }) ?? (file["pem"] as! String)).utf8))
        } ?? DecryptionKeySet()
        return (object["token"] as! String, try JWKSet(json: try TestVectorFiles.jsonText(object["jwks"]!)), decryptionKeys,
                Date(timeIntervalSince1970: (object["at"] as! NSNumber).doubleValue))
    }

    static func verifier(_ keys: JWKSet, _ decryptionKeys: DecryptionKeySet, requiresEncryption: Bool = false) -> IntrospectionResponseVerifier {
        IntrospectionResponseVerifier(
            policy: VerificationPolicy(issuer: "https://as.example.com", audiences: ["https://rs.example.com"], requiresEncryption: requiresEncryption),
            keys: keys, decryptionKeys: decryptionKeys)
    }

    static func failure(_ id: String) throws -> IntrospectionJWTError? {
        let (token, keys, decryptionKeys, at) = try vector(id)
        do throws(IntrospectionJWTError) {
            _ = try verifier(keys, decryptionKeys).verify(token, using: keys, at: at)
            return nil
        } catch {
            return error
        }
    }

    @Test("Every secret-dependent decryption failure gives the same code and the same message")
    func secretDependentFailuresLookAlike() throws {
        let ids = ["decryption-failed-tag-modified", "decryption-failed-encrypted-key-modified", "decryption-failed-cek-wrong-length",
                   "decryption-failed-iv-modified", "decryption-failed-kid-wrong-key", "decryption-failed-tag-truncated",
                   "decryption-failed-encrypted-key-missing"]
        let failures = try ids.map { try #require(try Self.failure($0), "\($0) verified") }
        for failure in failures { #expect(failure.code == .decryptionFailed) }
        #expect(Set(failures.map(\.message)).count == 1, "\(failures.map(\.message))")
    }

    @Test("The verified response of an encrypted input carries the JWE's alg, enc, kid and decryption key")
    func encryptionFacts() throws {
        let (token, keys, decryptionKeys, at) = try Self.vector("valid-ecdh-es-a192kw-a192cbc-hs384")
        let response = try Self.verifier(keys, decryptionKeys).verify(token, using: keys, at: at)
        let encryption = try #require(response.encryption)
        #expect(encryption.algorithm == .ecdhESA192KW && encryption.contentEncryption == .a192CBCHS384)
        #expect(encryption.keyID == "ec-p384-enc" && encryption.decryptionKeyID == "ec-p384-enc")
        #expect(encryption.header["epk"] != nil)
        #expect(response.header.algorithm == .rs256 && response.header.keyID == "rsa-2048")
    }

    @Test("A signed-only response verifies the same with or without decryption keys, and fails only when encryption is required")
    func signedResponsesAreUnchanged() throws {
        let (token, keys, decryptionKeys, at) = try Self.vector("plain-jws-without-requirement")
        let plain = try Self.verifier(keys, DecryptionKeySet()).verify(token, using: keys, at: at)
        let withKeys = try Self.verifier(keys, decryptionKeys).verify(token, using: keys, at: at)
        #expect(plain.encryption == nil && withKeys.encryption == nil)
        #expect(plain.claims == withKeys.claims)
        #expect(throws: IntrospectionJWTError(.encryptionRequired, "the response is signed but not encrypted, and the policy requires encryption")) {
            _ = try Self.verifier(keys, decryptionKeys, requiresEncryption: true).verify(token, using: keys, at: at)
        }
    }

    @Test("Keys that cannot decrypt are skipped with their reason; usable ones load")
    func unusableKeysAreSkipped() throws {
        let rsa = try Self.vector("valid-rsa-oaep-a128gcm").decryptionKeys
        #expect(rsa.keys.count == 1 && rsa.keys[0].keyType == .rsa && rsa.keys[0].bitCount == 2048)
        let document = try TestVectorFiles.json("introspection-jwe/cases/valid-rsa-oaep-a128gcm.json")
        var jwk = ((document["decryption_keys"] as! [[String: Any]])[0]["jwks"] as! [String: Any])["keys"] as! [[String: Any]]
        let good = jwk[0]
        func variant(_ change: ([String: Any]) -> [String: Any]) -> [String: Any] { change(good) }
        jwk = [
            variant { $0.filter { !["d", "p", "q", "dp", "dq", "qi"].contains($0.key) } },
            variant { $0.merging(["use": "sig"]) { $1 } },
            variant { $0.merging(["key_ops": ["sign", "verify"]]) { $1 } },
            variant { $0.merging(["alg": "RSA1_5"]) { $1 } },
            variant { $0.merging(["alg": "PBES2-HS256+A128KW"]) { $1 } },
            variant { $0.merging(["alg": "ECDH-ES"]) { $1 } },
            variant { $0.filter { $0.key != "qi" } },
            variant { $0.merging(["d": "AQAB"]) { $1 } },
            ["kty": "oct", "k": "AAAAAAAAAAAAAAAAAAAAAAAA"],
            ["kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"],
            variant { $0.merging(["key_ops": ["unwrapKey"], "use": "enc", "alg": "RSA-OAEP-256"]) { $1 } },
        ]
        let set = try DecryptionKeySet(json: try TestVectorFiles.jsonText(["keys": jwk]))
        #expect(set.keys.count == 1 && set.keys[0].algorithm == "RSA-OAEP-256")
        let reasons = set.skippedKeys.map(\.reason)
        #expect(set.skippedKeys.map(\.index) == Array(0...9))
        for (index, fragment) in ["private part", "signature key", "key_ops", "RSA1_5", "password", "does not fit", "CRT", "belong together", "fits no supported", "signature curve"].enumerated() {
            #expect(reasons[index].contains(fragment), "\(index): \(reasons[index])")
        }
    }

    @Test("A decryption key file is a JWK Set or one PEM private key; anything else is decryption_keys_unavailable")
    func keyFiles() throws {
        let pem = try String(contentsOf: TestVectorFiles.url("introspection-jwe/keys/x25519-enc.pem"), encoding: .utf8)
        let fromPEM = try DecryptionKeySet(fileContents: Array(pem.utf8))
        #expect(fromPEM.keys.count == 1 && fromPEM.keys[0].keyType == .x25519 && fromPEM.keys[0].keyID == nil)
        for broken in ["", "{}", "[]", "{\"keys\":3}", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "\u{FEFF}{\"keys\":[]}"] {
            #expect(throws: IntrospectionJWTError.self, "\(broken)") {
                do throws(IntrospectionJWTError) {
                    _ = try DecryptionKeySet(fileContents: Array(broken.utf8))
                } catch {
                    #expect(error.code == .decryptionKeysUnavailable)
                    throw error
                }
            }
        }
        let merged = fromPEM.merging(try Self.vector("valid-rsa-oaep-a128gcm").decryptionKeys)
        #expect(merged.keys.map(\.keyType) == [.x25519, .rsa])
    }

    @Test("Truncations and bit flips of an encrypted response never crash and never verify")
    func mutationsNeverVerify() throws {
        let (token, keys, decryptionKeys, at) = try Self.vector("valid-ecdh-es-a128cbc-hs256")
        let verifier = Self.verifier(keys, decryptionKeys)
        let bytes = Array(token.utf8)
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: IntrospectionJWTError.self) { _ = try verifier.verify(String(decoding: bytes[0..<length], as: UTF8.self), using: keys, at: at) }
        }
        for index in stride(from: 0, to: bytes.count, by: 5) {
            var mutated = bytes
            mutated[index] = mutated[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(throws: IntrospectionJWTError.self, "\(index)") { _ = try verifier.verify(String(decoding: mutated, as: UTF8.self), using: keys, at: at) }
        }
    }
}
