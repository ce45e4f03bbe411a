import Foundation
import IntrospectionTesting
@testable import IntrospectionJWT
import Testing

/// The JOSE Cookbook examples (TestVectors/rfc7520, public domain) through the JWS layer.
@Suite("RFC 7520 examples")
struct RFC7520Tests {
    static let signatureExamples = [
        "4_1.rsa_v15_signature.json", "4_2.rsa-pss_signature.json", "4_3.ecdsa_signature.json",
        "curve25519_eddsa_jws.json",
    ]
    static let macExamples = [
        "4_4.hmac-sha2_integrity_protection.json", "4_6.protecting_specific_header_fields.json",
        "4_7.protecting_content_only.json",
    ]

    static func example(_ name: String) throws -> (token: String, keys: JWKSet) {
        let document = try TestVectorFiles.json("rfc7520/jws/\(name)")
        let input = document["input"] as! [String: Any]
        let output = document["output"] as! [String: Any]
        let keys = try JWKSet(json: "{\"keys\":[\(try TestVectorFiles.jsonText(input["key"]!))]}")
        return (output["compact"] as! String, keys)
    }

    @Test("The RS256, PS384, ES512 and Ed25519 examples verify with the public half of their key", arguments: signatureExamples)
    func signatureExampleVerifies(name: String) throws {
        let (token, keys) = try Self.example(name)
        _ = try JWSSignatureVerifier.verify(token, keys: keys)
    }

    @Test("Changing any one character of an example makes it fail", arguments: signatureExamples)
    func mutatedExampleFails(name: String) throws {
        let (token, keys) = try Self.example(name)
        var characters = Array(token)
        var rng = SeededGenerator(seed: 7520)
        for _ in 0..<200 {
            let index = Int.random(in: 0..<characters.count, using: &rng)
            let original = characters[index]
            let replacement = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.").randomElement(using: &rng)!
            guard replacement != original else { continue }
            characters[index] = replacement
            #expect(throws: IntrospectionJWTError.self, "position \(index)") {
                try JWSSignatureVerifier.verify(String(characters), keys: keys)
            }
            characters[index] = original
        }
    }

    @Test("The HMAC examples are refused: HMAC is never accepted", arguments: macExamples)
    func macExampleIsRefused(name: String) throws {
        let document = try TestVectorFiles.json("rfc7520/jws/\(name)")
        let output = document["output"] as! [String: Any]
        guard let token = output["compact"] as? String else { return }
        #expect {
            try JWSSignatureVerifier.verify(token, keys: JWKSet(keys: []))
        } throws: { ($0 as? IntrospectionJWTError)?.code == .unsupportedAlgorithm }
    }
}
