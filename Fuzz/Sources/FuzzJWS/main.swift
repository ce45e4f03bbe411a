// libFuzzer target: a compact JWS through the whole public verifier. The key set holds every public key
// of the seed tokens (FuzzKeys.swift), so mutated seeds reach key selection and OpenSSL; the policy and
// time fit the glewlwyd samples, so those reach the claims layer too. Any input must give a verified
// response or one IntrospectionJWTError; nothing may crash, leak or hang.
import Foundation
import IntrospectionJWT

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWS(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let token = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let response = try verifier.verify(token, using: keys, at: verificationTime)
        // A verified response: read everything a caller reads.
        _ = response.header.keyID
        _ = response.introspection.scopes
        _ = response.introspection.audiences
        _ = response.introspection.expiration
        _ = response.audiences
        _ = response.claims.description
    } catch {
        _ = error.message
    }
    return 0
}
