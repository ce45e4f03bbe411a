// libFuzzer target: a compact JWE (an encrypted introspection response) through the whole public
// verifier. The decryption keys are every private key of the seed JWEs and the verification keys every
// public key of their inner responses (FuzzJWEKeys.swift), so mutated seeds reach key selection, OAEP,
// ECDH with the epk, the Concat KDF, key unwrap, the content decryption and the inner JWS. Any input
// must give a verified response or one IntrospectionJWTError; nothing may crash, leak or hang.
import Foundation
import IntrospectionJWT

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWE(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let token = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let response = try verifier.verify(token, using: keys, at: verificationTime)
        // A verified response: read everything a caller reads.
        _ = response.encryption?.keyID
        _ = response.encryption?.header.description
        _ = response.header.keyID
        _ = response.introspection.scopes
        _ = response.claims.description
    } catch {
        // Every decryption failure is one code; a bad_signature or later means decryption succeeded.
        _ = error.message
    }
    return 0
}
