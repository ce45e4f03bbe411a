// The target's state. Not in main.swift: libFuzzer's own main() runs instead of the Swift entry point,
// so main.swift's top-level code (which initialises its globals) never runs; globals of other files
// are initialised lazily, on first use.
import CFuzzOpenSSL
import Foundation
import IntrospectionJWT

/// Unpadded base64url.
func base64URL(_ bytes: UnsafeRawBufferPointer) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// A fixed Ed25519 key (test only), made from a constant seed.
nonisolated(unsafe) let privateKey: OpaquePointer = {  // only read after init; OpenSSL keys are thread-safe
    let seed = [UInt8](repeating: 7, count: 32)
    return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count)!
}()

let keys: JWKSet = {
    var raw = [UInt8](repeating: 0, count: 32)
    var length = raw.count
    precondition(EVP_PKEY_get_raw_public_key(privateKey, &raw, &length) == 1)
    let x = raw.withUnsafeBytes { base64URL($0) }
    return try! JWKSet(json: #"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"fuzz","x":"\#(x)"}]}"#)
}()

let verifier = IntrospectionResponseVerifier(
    policy: VerificationPolicy(
        issuer: "https://as.example.com", audiences: ["https://rs.example.com", "rs"],
        allowedAlgorithms: [.edDSA], maximumAge: .seconds(300), clockSkew: .seconds(60)
    ),
    keys: keys
)
let header = #"{"typ":"token-introspection+jwt","alg":"EdDSA","kid":"fuzz"}"#
let encodedHeader = Array(header.utf8).withUnsafeBytes { base64URL($0) }
let verificationTime = Date(timeIntervalSince1970: 1_763_740_800)

func sign(_ message: String) -> [UInt8] {
    let context = EVP_MD_CTX_new()
    defer { EVP_MD_CTX_free(context) }
    precondition(EVP_DigestSignInit(context, nil, nil, nil, privateKey) == 1)
    var signature = [UInt8](repeating: 0, count: 64)
    var length = signature.count
    let bytes = Array(message.utf8)
    precondition(EVP_DigestSign(context, &signature, &length, bytes, bytes.count) == 1)
    return signature
}

