import Foundation
@testable import IntrospectionJWT
import Testing

/// The Wycheproof primitive files behind JWE (TestVectors/wycheproof, Apache-2.0) through our own
/// OpenSSL layer: AES-GCM, AES-CBC-HMAC, AES key wrap, RSA-OAEP, ECDH with JWK (WebCrypto) keys, X25519.
@Suite("Wycheproof encryption primitives")
struct WycheproofEncryptionPrimitiveTests {
    /// Tallies a file's verdicts.
    struct Counts {
        var valid = 0, invalid = 0, acceptable = 0, refusedByDesign = 0
        var total: Int { valid + invalid + acceptable + refusedByDesign }
    }

    static func groups(_ file: String) throws -> (groups: [[String: Any]], count: Int) {
        let document = try TestVectorFiles.json("wycheproof/\(file)")
        return (document["testGroups"] as! [[String: Any]], document["numberOfTests"] as! Int)
    }

    /// Checks one case: valid ones give `expected`, invalid ones nil; returns the result kind.
    static func check(_ test: [String: Any], _ result: [UInt8]?, expected: [UInt8], counts: inout Counts) {
        let id = test["tcId"] as! Int
        switch test["result"] as! String {
        case "valid":
            counts.valid += 1
            #expect(result == expected, "tcId \(id) (\(test["comment"] ?? ""), flags \(test["flags"] ?? ""))")
        case "invalid":
            counts.invalid += 1
            #expect(result == nil, "tcId \(id) (\(test["comment"] ?? ""), flags \(test["flags"] ?? "")) must fail")
        default:
            counts.acceptable += 1
        }
    }

    /// OpenSSL's largest GCM IV (its `GCM_IV_MAX_SIZE`): the `LongIv` cases beyond it are refused. JWE
    /// IVs are 12 bytes.
    static let largestGCMIVByteCount = 128

    @Test("AES-GCM: every case with a 128-bit tag gives its verdict; shorter tags are refused by design")
    func aesGCM() throws {
        let (groups, total) = try Self.groups("aes_gcm_test.json")
        var counts = Counts()
        for group in groups {
            for test in group["tests"] as! [[String: Any]] {
                let key = [UInt8](hex: test["key"] as! String)
                let result = [UInt8](hex: test["aad"] as! String).withUnsafeBufferPointer { aad in
                    AESCipher.cipher(.gcm, keyByteCount: key.count)?.decryptGCM(
                        key: key, iv: [UInt8](hex: test["iv"] as! String), additionalData: aad,
                        ciphertext: [UInt8](hex: test["ct"] as! String), tag: [UInt8](hex: test["tag"] as! String))
                }
                if group["tagSize"] as! Int != 128 || group["ivSize"] as! Int > Self.largestGCMIVByteCount * 8 {
                    // JWE tags are 16 bytes (RFC 7518 §5.3): a shorter one never decrypts.
                    counts.refusedByDesign += 1
                    #expect(result == nil, "tcId \(test["tcId"]!): a \(group["tagSize"]!)-bit tag, a \(group["ivSize"]!)-bit IV")
                    continue
                }
                Self.check(test, result, expected: [UInt8](hex: test["msg"] as! String), counts: &counts)
            }
        }
        #expect(counts.total == total && counts.acceptable == 0 && counts.valid > 0 && counts.invalid > 0)
    }

    @Test("AES-CBC-HMAC-SHA2 (A128CBC-HS256, A192CBC-HS384, A256CBC-HS512): valid cases decrypt, modified tags fail",
        arguments: [("a128cbc_hs256_test.json", ContentEncryptionAlgorithm.a128CBCHS256),
                    ("a192cbc_hs384_test.json", .a192CBCHS384), ("a256cbc_hs512_test.json", .a256CBCHS512)])
    func aesCBCHMAC(file: String, encryption: ContentEncryptionAlgorithm) throws {
        let (groups, total) = try Self.groups(file)
        var counts = Counts()
        for group in groups {
            for test in group["tests"] as! [[String: Any]] {
                let jwe = CompactJWE(
                    header: JSONObject(members: []), additionalData: [UInt8](hex: test["aad"] as! String), encryptedKey: [],
                    iv: [UInt8](hex: test["iv"] as! String), ciphertext: [UInt8](hex: test["ct"] as! String),
                    tag: [UInt8](hex: test["tag"] as! String))
                let result = ContentDecryption.decrypt(jwe, encryption: encryption, key: [UInt8](hex: test["key"] as! String))
                Self.check(test, result, expected: [UInt8](hex: test["msg"] as! String), counts: &counts)
            }
        }
        #expect(counts.total == total && counts.acceptable == 0 && counts.valid > 0 && counts.invalid > 0)
    }

    /// Our decision for the `acceptable` key-wrap cases (flag `ShortKey`: an 8-byte key wrapped in 16
    /// bytes, outside RFC 3394's n ≥ 2): refused, as OpenSSL's unwrap refuses them (and no JWE content
    /// key is that short).
    static let acceptableShortKeysUnwrap = false

    @Test("AES key wrap (RFC 3394): valid cases unwrap, invalid ones fail; the short-key cases are written down")
    func aesKeyWrap() throws {
        let (groups, total) = try Self.groups("aes_wrap_test.json")
        var counts = Counts()
        for group in groups {
            for test in group["tests"] as! [[String: Any]] {
                let key = [UInt8](hex: test["key"] as! String)
                let result = AESCipher.cipher(.wrap, keyByteCount: key.count)?.unwrap(key: key, wrapped: [UInt8](hex: test["ct"] as! String))
                if test["result"] as! String == "acceptable" {
                    #expect((result == [UInt8](hex: test["msg"] as! String)) == Self.acceptableShortKeysUnwrap, "tcId \(test["tcId"]!)")
                }
                Self.check(test, result, expected: [UInt8](hex: test["msg"] as! String), counts: &counts)
            }
        }
        #expect(counts.total == total && counts.acceptable == 3 && counts.valid > 0 && counts.invalid > 0)
    }

    @Test("RSA-OAEP with SHA-1 and SHA-256 (JWE RSA-OAEP, RSA-OAEP-256), 2048 and 3072 bits",
        arguments: ["rsa_oaep_2048_sha1_mgf1sha1_test.json", "rsa_oaep_2048_sha256_mgf1sha256_test.json", "rsa_oaep_3072_sha256_mgf1sha256_test.json"])
    func rsaOAEP(file: String) throws {
        let (groups, total) = try Self.groups(file)
        var counts = Counts()
        for group in groups {
            let keys = try DecryptionKeySet(json: "{\"keys\":[\(try TestVectorFiles.jsonText(group["privateKeyJwk"]!))]}")
            let key = try #require(keys.keys.first?.material.privateKey, "\(keys.skippedKeys)")
            let digest: MessageDigest = group["sha"] as! String == "SHA-1" ? .sha1 : .sha256
            #expect(group["mgfSha"] as? String == group["sha"] as? String)
            for test in group["tests"] as! [[String: Any]] {
                let result = key.decryptOAEP(
                    [UInt8](hex: test["ct"] as! String), digest: digest, label: [UInt8](hex: test["label"] as! String))
                Self.check(test, result, expected: [UInt8](hex: test["msg"] as! String), counts: &counts)
            }
        }
        #expect(counts.total == total && counts.acceptable == 0 && counts.valid > 0 && counts.invalid > 0)
    }

    @Test("ECDH on P-256, P-384 and P-521 with JWK public keys: invalid points and wrong curves never agree",
        arguments: ["ecdh_secp256r1_webcrypto_test.json", "ecdh_secp384r1_webcrypto_test.json", "ecdh_secp521r1_webcrypto_test.json"])
    func ecdhWebCrypto(file: String) throws {
        let (groups, total) = try Self.groups(file)
        var counts = Counts()
        for group in groups {
            for test in group["tests"] as! [[String: Any]] {
                Self.check(test, try Self.sharedSecret(test), expected: [UInt8](hex: test["shared"] as! String), counts: &counts)
            }
        }
        #expect(counts.total == total && counts.acceptable == 0 && counts.valid > 0 && counts.invalid > 0)
    }

    /// Our decision for the `acceptable` X25519 cases: a zero shared secret (low-order public keys) is
    /// always refused (RFC 7748 §6.1); twist points and non-canonical encodings give OpenSSL's result.
    @Test("X25519 with JWK keys: valid cases agree, invalid ones fail, every zero shared secret is refused")
    func x25519() throws {
        let (groups, total) = try Self.groups("x25519_jwk_test.json")
        var counts = Counts()
        var acceptableAgreed = 0
        var zeroSecrets = 0
        for group in groups {
            for test in group["tests"] as! [[String: Any]] {
                let result = try Self.sharedSecret(test)
                let flags = test["flags"] as! [String]
                if flags.contains("ZeroSharedSecret") {
                    zeroSecrets += 1
                    #expect(result == nil, "tcId \(test["tcId"]!) has a zero shared secret")
                } else if test["result"] as! String == "acceptable" {
                    #expect(result == [UInt8](hex: test["shared"] as! String), "acceptable tcId \(test["tcId"]!) (\(flags))")
                    acceptableAgreed += 1
                }
                Self.check(test, result, expected: [UInt8](hex: test["shared"] as! String), counts: &counts)
            }
        }
        #expect(counts.total == total && counts.valid > 0 && counts.invalid > 0)
        #expect(zeroSecrets == 31 && acceptableAgreed == counts.acceptable - zeroSecrets)
    }

    /// The shared secret of a case's private JWK and public JWK, through the decryption key loader and the
    /// JWE `epk` reader; nil when either refuses or OpenSSL finds no secret.
    static func sharedSecret(_ test: [String: Any]) throws -> [UInt8]? {
        let keys = try DecryptionKeySet(json: "{\"keys\":[\(try TestVectorFiles.jsonText(test["private"]!))]}")
        let privateKey = try #require(keys.keys.first?.material.privateKey, "tcId \(test["tcId"]!): \(keys.skippedKeys)")
        let publicJWK = try JSONValue(parsing: Data(try TestVectorFiles.jsonText(test["public"]!).utf8))
        guard let ephemeral = ECDHKeyAgreement.ephemeralKey(publicJWK).key else { return nil }
        return privateKey.sharedSecret(with: ephemeral)
    }
}
