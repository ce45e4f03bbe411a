// The target's state. Not in main.swift: libFuzzer's own main() runs instead of the Swift entry point,
// so main.swift's top-level code (which initialises its globals) never runs; globals of other files
// are initialised lazily, on first use.
import Foundation
import IntrospectionJWT

let keys = try! JWKSet(json: fuzzKeySetJSON)
let verifier = IntrospectionResponseVerifier(
    policy: VerificationPolicy(issuer: "http://127.0.0.1:39255/api/oidc", audiences: ["rs", "https://rs.example.com"]),
    keys: keys
)
let verificationTime = Date(timeIntervalSince1970: 1_795_281_450)
