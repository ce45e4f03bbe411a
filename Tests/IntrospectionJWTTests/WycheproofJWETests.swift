import Foundation
@testable import IntrospectionJWT
import Testing

/// The Wycheproof JWE file (TestVectors/wycheproof, Apache-2.0) through the JWE layer.
@Suite("Wycheproof JWE vectors")
struct WycheproofJWETests {
    /// The `valid` cases refused by design: RSA1_5 (tcIds 100-105, 112, 128) and compressed content
    /// (`zip`, tcId 135). Each must fail with `unsupported_encryption`.
    static let validCasesRefusedByDesign: Set<Int> = [100, 101, 102, 103, 104, 105, 112, 128, 135]

    @Test("Every valid case decrypts to its plaintext, every invalid one fails, and RSA1_5 and zip are refused")
    func jweVectors() throws {
        let document = try TestVectorFiles.json("wycheproof/json_web_encryption_test.json")
        var refused = Set<Int>()
        var counts = (valid: 0, invalid: 0)
        for group in document["testGroups"] as! [[String: Any]] {
            let keys = try DecryptionKeySet(json: "{\"keys\":[\(try TestVectorFiles.jsonText(group["private"]!))]}")
            for test in group["tests"] as! [[String: Any]] {
                let id = test["tcId"] as! Int
                let token = try (test["jwe"] as? String) ?? TestVectorFiles.jsonText(test["jwe"]!)
                let outcome = Result { () throws(IntrospectionJWTError) in try JWEDecryptor.decrypt(token, keys: keys, contentType: .any) }
                switch (test["result"] as! String, outcome) {
                case ("valid", .success(let (_, decrypted))):
                    counts.valid += 1
                    #expect(decrypted.plaintext == [UInt8](hex: test["pt"] as! String), "tcId \(id)")
                case ("valid", .failure(let error)):
                    #expect(error.code == .unsupportedEncryption, "tcId \(id) (\(test["comment"] ?? "")): \(error)")
                    refused.insert(id)
                case (_, .success):
                    Issue.record("invalid tcId \(id) (\(test["comment"] ?? ""), flags \(test["flags"] ?? "")) decrypted")
                case (_, .failure):
                    counts.invalid += 1
                }
            }
        }
        #expect(refused == Self.validCasesRefusedByDesign)
        #expect(counts.valid + refused.count + counts.invalid == document["numberOfTests"] as! Int)
        #expect(counts.valid >= 50 && counts.invalid >= 70)
    }

    @Test("The RSA1_5 key groups are skipped when the set loads: such a key is never used")
    func rsa15KeysAreSkipped() throws {
        let document = try TestVectorFiles.json("wycheproof/json_web_encryption_test.json")
        let groups = (document["testGroups"] as! [[String: Any]]).filter { ($0["private"] as! [String: Any])["alg"] as? String == "RSA1_5" }
        #expect(!groups.isEmpty)
        for group in groups {
            let keys = try DecryptionKeySet(json: "{\"keys\":[\(try TestVectorFiles.jsonText(group["private"]!))]}")
            #expect(keys.isEmpty)
            #expect(keys.skippedKeys.first?.reason.contains("RSA1_5") == true)
        }
    }
}
