internal import COpenSSL

/// HMAC (`EVP_MAC` "HMAC") with SHA-256, SHA-384 or SHA-512, for the tag of A*CBC-HS* (RFC 7518 §5.2.2).
///
/// One context per digest is configured once (the digest fetched by name once); a computation works on
/// a duplicate of it (`EVP_MAC_CTX_dup`), so no computation looks a digest up by name.
final class HMACFunction: @unchecked Sendable {
    // @unchecked: the templates are never used directly after init, only duplicated; OpenSSL allows a
    // context to be duplicated by several threads at once.

    static let sha256 = HMACFunction(digestName: "SHA2-256")
    static let sha384 = HMACFunction(digestName: "SHA2-384")
    static let sha512 = HMACFunction(digestName: "SHA2-512")

    private let template: OpaquePointer

    private init(digestName: StaticString) {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else {
            fatalError("OpenSSL provides no HMAC implementation: \(OpenSSLErrorStack.drain())")
        }
        defer { EVP_MAC_free(mac) }  // the context keeps its own reference
        guard let template = EVP_MAC_CTX_new(mac) else { fatalError("out of memory: \(OpenSSLErrorStack.drain())") }
        let name = UnsafeMutableRawPointer(mutating: digestName.utf8Start).assumingMemoryBound(to: CChar.self)
        var parameters = [OSSL_PARAM_construct_utf8_string(ParameterName.digest, name, 0), OSSL_PARAM_construct_end()]
        guard EVP_MAC_CTX_set_params(template, &parameters) == 1 else {
            fatalError("OpenSSL has no HMAC with \(digestName): \(OpenSSLErrorStack.drain())")
        }
        self.template = template
    }

    deinit { EVP_MAC_CTX_free(template) }

    /// HMAC under `key` over the concatenation of `parts`, written to `output` (at least the digest's
    /// size); the MAC's length, or nil on failure.
    func authenticate(
        key: UnsafeBufferPointer<UInt8>,
        parts: [UnsafeBufferPointer<UInt8>],
        into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Int? {
        guard let context = EVP_MAC_CTX_dup(template) else {
            OpenSSLErrorStack.clear()
            return nil
        }
        defer { EVP_MAC_CTX_free(context) }
        guard EVP_MAC_init(context, key.baseAddress, key.count, nil) == 1 else {
            OpenSSLErrorStack.clear()
            return nil
        }
        for part in parts where !part.isEmpty {
            guard EVP_MAC_update(context, part.baseAddress, part.count) == 1 else {
                OpenSSLErrorStack.clear()
                return nil
            }
        }
        var length = 0
        guard EVP_MAC_final(context, output.baseAddress, &length, output.count) == 1 else {
            OpenSSLErrorStack.clear()
            return nil
        }
        return length
    }
}
