// The target's state (not in main.swift: libFuzzer's main() runs instead of the Swift entry point, so
// top-level code there never runs; globals of other files are initialised lazily, on first use).
import Foundation
import IntrospectionJWT

let keys = try! JWKSet(json: fuzzVerificationKeySetJSON)
let decryptionKeys = try! DecryptionKeySet(json: fuzzDecryptionKeySetJSON)
let verifier = IntrospectionResponseVerifier(
    policy: VerificationPolicy(issuer: "https://as.example.com", audiences: ["https://rs.example.com"]),
    keys: keys, decryptionKeys: decryptionKeys
)
let verificationTime = Date(timeIntervalSince1970: 1_763_740_800)
