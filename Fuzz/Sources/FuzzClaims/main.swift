// libFuzzer target for the claims layer: the input is a payload (a JSON text). It is signed on the fly
// with a fixed Ed25519 key, so that every input passes the signature and reaches the claims checks
// (presence, iss, aud, times, token_introspection and its RFC 7662 types), which an unsigned payload
// never would. Any input must give a verified response or one IntrospectionJWTError.
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
let privateKey: OpaquePointer = {
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

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClaims(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let payload = UnsafeRawBufferPointer(start: start, count: count)
    let signingInput = encodedHeader + "." + base64URL(payload)
    let signature = sign(signingInput).withUnsafeBytes { base64URL($0) }
    do {
        let response = try verifier.verify(signingInput + "." + signature, using: keys, at: verificationTime)
        let introspection = response.introspection
        _ = (introspection.isActive, introspection.scopes, introspection.clientID, introspection.username)
        _ = (introspection.tokenType, introspection.expiration, introspection.issuedAt, introspection.notBefore)
        _ = (introspection.subject, introspection.audiences, introspection.issuer, introspection.jwtID)
        _ = introspection.hasScope("read")
        _ = (response.issuer, response.audiences, response.issuedAt, response.isActive)
        // The introspection object on its own must validate the same way.
        precondition((try? TokenIntrospection(validating: introspection.json)) == introspection)
    } catch {
        // A payload that is not a JSON object (or has a non-numeric time claim) is malformed; every
        // other failure must come from the claims layer, never from the signature or the key.
        precondition(error.code != .badSignature && error.code != .unknownKey, "signed payload refused: \(error)")
    }
    return 0
}
