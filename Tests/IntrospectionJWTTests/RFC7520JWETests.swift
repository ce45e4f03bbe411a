import Foundation
import IntrospectionTesting
@testable import IntrospectionJWT
import Testing

/// The JOSE Cookbook JWE examples (TestVectors/rfc7520/jwe, public domain) through the JWE layer.
@Suite("RFC 7520 JWE examples")
struct RFC7520JWETests {
    static let decryptingExamples = [
        "5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json",
        "5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json",
        "5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json",
        "5_6.direct_encryption_using_aes-gcm.json",
        "5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json",
        "5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json",
    ]
    static let refusedExamples = [
        "5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json",
        "5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json",
        "5_9.compressed_content.json",
    ]

    static func example(_ name: String) throws -> (token: String, keys: DecryptionKeySet, plaintext: [UInt8]) {
        let document = try TestVectorFiles.json("rfc7520/jwe/\(name)")
        let input = document["input"] as! [String: Any]
        let output = document["output"] as! [String: Any]
        let keys = try input["key"].map { try DecryptionKeySet(json: "{\"keys\":[\(try TestVectorFiles.jsonText($0))]}") } ?? DecryptionKeySet()
        return (output["compact"] as! String, keys, Array((input["plaintext"] as! String).utf8))
    }

    @Test("RSA-OAEP, ECDH-ES+A128KW (P-384), ECDH-ES (P-256), dir, A256GCMKW and A128KW decrypt to the plaintext",
        arguments: decryptingExamples)
    func exampleDecrypts(name: String) throws {
        let (token, keys, plaintext) = try Self.example(name)
        #expect(keys.keys.count == 1, "\(keys.skippedKeys)")
        let (_, decrypted) = try JWEDecryptor.decrypt(token, keys: keys, contentType: .any)
        #expect(decrypted.plaintext == plaintext)
    }

    @Test("RSA1_5, PBES2 and zip are refused with unsupported_encryption", arguments: refusedExamples)
    func exampleIsRefused(name: String) throws {
        let (token, keys, _) = try Self.example(name)
        #expect(throws: IntrospectionJWTError.self) {
            do throws(IntrospectionJWTError) {
                _ = try JWEDecryptor.decrypt(token, keys: keys, contentType: .any)
            } catch {
                #expect(error.code == .unsupportedEncryption, "\(error)")
                throw error
            }
        }
    }

    @Test("Every one-character change to a decrypting example fails, never decrypts", arguments: decryptingExamples)
    func mutationsFail(name: String) throws {
        let (token, keys, _) = try Self.example(name)
        var generator = SeededGenerator(seed: 7520)
        let characters = Array(token.utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".utf8)
        for _ in 0..<100 {
            var mutated = characters
            let index = Int.random(in: 0..<mutated.count, using: &generator)
            let replacement = alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
            guard replacement != mutated[index] else { continue }
            mutated[index] = replacement
            let text = String(decoding: mutated, as: UTF8.self)
            // Changing unused trailing bits of a base64url part is refused as non-canonical: still a failure.
            #expect(throws: IntrospectionJWTError.self, "\(index)") { _ = try JWEDecryptor.decrypt(text, keys: keys, contentType: .any) }
        }
    }
}
