// libFuzzer target for the claims layer: the input is a payload (a JSON text). It is signed on the fly
// with a fixed Ed25519 key, so that every input passes the signature and reaches the claims checks
// (presence, iss, aud, times, token_introspection and its RFC 7662 types), which an unsigned payload
// never would. Any input must give a verified response or one IntrospectionJWTError.
import Foundation
import IntrospectionJWT

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
