// libFuzzer target: a JWK Set document through the public loader. Any input must either load (usable
// keys parsed into OpenSSL keys, unusable ones skipped with a reason) or throw `malformed`; nothing may
// crash, leak or hang.
import IntrospectionJWT

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWKS(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    do {
        let set = try JWKSet(jsonBytes: bytes)
        for key in set.keys {
            // Touch what a caller reads, and let every loaded key try a (bogus) signature.
            _ = key.keyType.description
            for algorithm in SignatureAlgorithm.allCases where key.fits(algorithm) {
                _ = key.isValidSignature([1, 2, 3], for: [4, 5, 6], algorithm: algorithm)
            }
        }
        for skipped in set.skippedKeys { _ = skipped.description }
        if let first = set.keys.first?.keyID { _ = set.keys(withID: first) }
    } catch {
        precondition(error.code == .malformed, "a JWK Set failed with \(error.code), not malformed")
    }
    return 0
}
