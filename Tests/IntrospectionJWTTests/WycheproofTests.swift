import Foundation
@testable import IntrospectionJWT
import Testing

/// The Wycheproof vectors (TestVectors/wycheproof, Apache-2.0) run through our own OpenSSL layer.
@Suite("Wycheproof vectors")
struct WycheproofTests {
    struct PrimitiveFile: Sendable, CustomTestStringConvertible {
        let name: String
        let algorithm: SignatureAlgorithm
        var testDescription: String { name }
    }

    static let primitiveFiles = [
        PrimitiveFile(name: "rsa_signature_2048_sha256_test.json", algorithm: .rs256),
        PrimitiveFile(name: "rsa_signature_3072_sha256_test.json", algorithm: .rs256),
        PrimitiveFile(name: "rsa_signature_4096_sha256_test.json", algorithm: .rs256),
        PrimitiveFile(name: "rsa_pss_2048_sha256_mgf1_32_test.json", algorithm: .ps256),
        PrimitiveFile(name: "ecdsa_secp256r1_sha256_p1363_test.json", algorithm: .es256),
        PrimitiveFile(name: "ecdsa_secp384r1_sha384_p1363_test.json", algorithm: .es384),
        PrimitiveFile(name: "ed25519_test.json", algorithm: .edDSA),
    ]

    /// Our decision for the `acceptable` cases (all are `MissingNull`: a PKCS#1 v1.5 DigestInfo without
    /// the ASN.1 NULL parameter): a strict verifier rejects them, and OpenSSL 3 does.
    static let acceptableCasesAreRejected = true

    @Test("Every valid primitive vector verifies and every invalid one fails", arguments: primitiveFiles)
    func primitiveVectors(file: PrimitiveFile) throws {
        let document = try TestVectorFiles.json("wycheproof/\(file.name)")
        var counts = (valid: 0, invalid: 0, acceptable: 0)
        for group in document["testGroups"] as! [[String: Any]] {
            let jwk = try group["publicKeyJwk"] ?? group["keyJwk"] ?? Self.ecJWK(from: group["publicKey"] as! [String: Any])
            let keys = try JWKSet(json: "{\"keys\":[\(try TestVectorFiles.jsonText(jwk))]}")
            let key = try #require(keys.keys.first, "the group's key did not load: \(keys.skippedKeys)")
            for test in group["tests"] as! [[String: Any]] {
                let id = test["tcId"] as! Int
                let message = [UInt8](hex: test["msg"] as! String)
                let signature = [UInt8](hex: test["sig"] as! String)
                let verified = key.isValidSignature(signature, for: message, algorithm: file.algorithm)
                switch test["result"] as! String {
                case "valid":
                    counts.valid += 1
                    #expect(verified, "tcId \(id) (\(test["comment"] ?? "")) should verify")
                case "invalid":
                    counts.invalid += 1
                    #expect(!verified, "tcId \(id) (\(test["comment"] ?? ""), flags \(test["flags"] ?? "")) must fail")
                default:
                    counts.acceptable += 1
                    #expect(verified != Self.acceptableCasesAreRejected, "acceptable tcId \(id) (\(test["flags"] ?? ""))")
                }
            }
        }
        #expect(counts.valid > 0 && counts.invalid > 0)
        #expect(counts.valid + counts.invalid + counts.acceptable == document["numberOfTests"] as! Int)
    }

    /// A few ECDSA groups give their edge-case keys only as hex coordinates: make the JWK from those.
    static func ecJWK(from publicKey: [String: Any]) throws -> [String: Any] {
        let curve = publicKey["curve"] as! String
        let (name, size) = curve == "secp256r1" ? ("P-256", 32) : curve == "secp384r1" ? ("P-384", 48) : ("P-521", 66)
        func coordinate(_ hex: String) -> String {
            var bytes = [UInt8](hex: hex)
            while bytes.count > size, bytes.first == 0 { bytes.removeFirst() }
            return Base64URL.encode([UInt8](repeating: 0, count: size - bytes.count) + bytes)
        }
        return ["kty": "EC", "crv": name, "x": coordinate(publicKey["wx"] as! String), "y": coordinate(publicKey["wy"] as! String)]
    }

    /// Valid JWS vectors that this verifier refuses on purpose, with the reason.
    static let deliberateRefusals: [Int: String] = [
        346: "the PS384 token sits under a JWK whose alg is PS256: a key is bound to its one alg (RFC 8725 §3.1)",
        350: "the PS384 token sits under a JWK whose alg is PS256: a key is bound to its one alg (RFC 8725 §3.1)",
        347: "the JWK's alg is \"ES521\", not a registered JOSE algorithm, so the key is skipped",
        351: "the JWK's alg is \"ES521\", not a registered JOSE algorithm, so the key is skipped",
    ]

    @Test("The JWS vectors pass through the JWS layer: valid ones verify, invalid ones fail")
    func jwsVectors() throws {
        let verifiedCount = try Self.runJWSFile("json_web_signature_test.json", refusing: Self.deliberateRefusals)
        #expect(verifiedCount >= 30)
    }

    @Test("Every invalid JWK vector is refused: the key is skipped or the JWS does not verify")
    func jwkVectors() throws {
        _ = try Self.runJWSFile("json_web_key_test.json", refusing: [:])
    }

    /// Runs every test of a Wycheproof JWS-style file through the JWS layer: `valid` cases verify (except
    /// HMAC ones and `refusing`), every other case fails. Returns how many verified.
    static func runJWSFile(_ name: String, refusing refusals: [Int: String]) throws -> Int {
        let document = try TestVectorFiles.json("wycheproof/\(name)")
        var verifiedCount = 0
        for group in document["testGroups"] as! [[String: Any]] {
            let keys = try publicKeys(of: group)
            for test in group["tests"] as! [[String: Any]] {
                let id = test["tcId"] as! Int
                let token = test["jws"] as! String
                let outcome = Result { () throws(IntrospectionJWTError) in try JWSSignatureVerifier.verify(token, keys: keys) }
                // Groups with no public key are HMAC groups (their key is symmetric): HMAC is never accepted.
                let isHMAC = group["public"] == nil || (headerAlgorithm(token)?.hasPrefix("HS") ?? false)
                if test["result"] as! String == "valid" && !isHMAC && refusals[id] == nil {
                    #expect(throws: Never.self, "tcId \(id) \(test["comment"] ?? "") should verify") { try outcome.get() }
                    verifiedCount += 1
                } else {
                    #expect(throws: IntrospectionJWTError.self, "tcId \(id) \(test["comment"] ?? "") must fail") { try outcome.get() }
                }
            }
        }
        return verifiedCount
    }

    /// A group's public key or key set; groups with only a private (symmetric) key get an empty set.
    static func publicKeys(of group: [String: Any]) throws -> JWKSet {
        guard let publicKey = group["public"] else { return JWKSet(keys: []) }
        if let object = publicKey as? [String: Any], object["keys"] != nil {
            return try JWKSet(json: try TestVectorFiles.jsonText(object))
        }
        return try JWKSet(json: "{\"keys\":[\(try TestVectorFiles.jsonText(publicKey))]}")
    }

    static func headerAlgorithm(_ token: String) -> String? {
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first,
            let bytes = Base64URL.decode(String(first)),
            let header = try? StrictJSONParser.parse(bytes).objectValue
        else { return nil }
        return header["alg"]?.stringValue
    }
}
