import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// The fuzz targets' seeds and crash cases (Fuzz/Corpus, Fuzz/Crashes) through the same public API as
/// the targets, so that a crash found by fuzzing stays fixed under a plain `swift test`.
@Suite("Fuzz corpus and crash cases")
struct FuzzRegressionTests {
    static let fuzzRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// Every input of the target's seed corpus and crash cases.
    static func inputs(_ target: String) -> [(name: String, bytes: [UInt8])] {
        ["Corpus", "Crashes"].flatMap { folder -> [(name: String, bytes: [UInt8])] in
            let directory = fuzzRoot.appendingPathComponent(folder).appendingPathComponent(target)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().compactMap { name in
                guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { return nil }
                return ("\(folder)/\(target)/\(name)", Array(data))
            }
        }
    }

    @Test("JWS inputs give a response or one error, never a crash")
    func jwsInputs() throws {
        let inputs = Self.inputs("FuzzJWS")
        #expect(inputs.count > 100, "the FuzzJWS seed corpus is missing")
        let keys = try JWKSet(json: String(decoding: try Data(contentsOf: TestVectorFiles.url("glewlwyd/jwks.json")), as: UTF8.self))
        let verifier = IntrospectionResponseVerifier(
            policy: VerificationPolicy(issuer: "http://127.0.0.1:39255/api/oidc", audience: "rs"), keys: keys)
        var verified = 0
        for input in inputs {
            let token = String(decoding: input.bytes, as: UTF8.self)
            if (try? verifier.verify(token, using: keys, at: Date(timeIntervalSince1970: 1_795_281_450))) != nil { verified += 1 }
        }
        #expect(verified >= 1, "the glewlwyd responses among the seeds should verify")
    }

    @Test("JWK Set inputs load or fail as malformed, never anything else")
    func jwksInputs() {
        let inputs = Self.inputs("FuzzJWKS")
        #expect(inputs.count > 10, "the FuzzJWKS seed corpus is missing")
        for input in inputs {
            do throws(IntrospectionJWTError) {
                let set = try JWKSet(jsonBytes: input.bytes)
                for key in set.keys {
                    for algorithm in SignatureAlgorithm.allCases where key.fits(algorithm) {
                        #expect(!key.isValidSignature([1, 2, 3], for: [4, 5, 6], algorithm: algorithm))
                    }
                }
            } catch {
                #expect(error.code == .malformed, "\(input.name): \(error)")
            }
        }
    }

    @Test("Claims inputs, signed with Ed25519, fail only in the structure or the claims")
    func claimsInputs() {
        let inputs = Self.inputs("FuzzClaims")
        #expect(inputs.count >= 5, "the FuzzClaims seed corpus is missing")
        let key = TestSigningKey(.ed25519, keyID: "fuzz")
        let keys = try! JWKSet(json: TokenMinter.jwks([key]))
        let verifier = IntrospectionResponseVerifier(
            policy: VerificationPolicy(issuer: TokenMinter.issuer, audiences: [TokenMinter.audience, "rs"]), keys: keys)
        for input in inputs {
            let payload = String(decoding: input.bytes, as: UTF8.self)
            let token = TokenMinter.sign(
                header: TokenMinter.header(algorithm: .edDSA, keyID: "fuzz"), payload: payload, key: key, algorithm: .edDSA)
            do throws(IntrospectionJWTError) {
                _ = try verifier.verify(token, using: keys, at: Date(timeIntervalSince1970: TimeInterval(testTime)))
            } catch {
                #expect(error.code != .badSignature && error.code != .unknownKey, "\(input.name): \(error)")
            }
        }
    }

    @Test("JWE inputs give a response or one error, never a crash; the generated valid ones verify")
    func jweInputs() throws {
        let inputs = Self.inputs("FuzzJWE")
        #expect(inputs.count > 100, "the FuzzJWE seed corpus is missing")
        var decryptionKeys = DecryptionKeySet()
        var verificationKeys: [VerificationKey] = []
        let folder = TestVectorFiles.url("introspection-jwe/cases")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let object = try TestVectorFiles.json("introspection-jwe/cases/\(name)")
            if let jwks = object["jwks"] { verificationKeys += try JWKSet(json: try TestVectorFiles.jsonText(jwks)).keys }
            for file in object["decryption_keys"] as? [[String: Any]] ?? [] {
                guard let jwks = file["jwks"] else { continue }
                decryptionKeys = decryptionKeys.merging(try DecryptionKeySet(json: try TestVectorFiles.jsonText(jwks)))
            }
        }
        let keys = JWKSet(keys: verificationKeys)
        let verifier = IntrospectionResponseVerifier(
            policy: VerificationPolicy(issuer: "https://as.example.com", audience: "https://rs.example.com"), keys: keys,
            decryptionKeys: decryptionKeys)
        var verified = 0
        for input in inputs {
            let token = String(decoding: input.bytes, as: UTF8.self)
            if (try? verifier.verify(token, using: keys, at: Date(timeIntervalSince1970: 1_763_740_800))) != nil { verified += 1 }
        }
        #expect(verified >= 100, "the generated valid encrypted responses among the seeds should verify")
    }
}
