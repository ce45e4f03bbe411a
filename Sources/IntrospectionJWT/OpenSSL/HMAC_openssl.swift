internal import COpenSSL

/// HMAC (`EVP_MAC` "HMAC"), fetched from OpenSSL once, for the tag of A*CBC-HS* (RFC 7518 §5.2.2).
final class HMACFunction: @unchecked Sendable {
    // @unchecked: the EVP_MAC is immutable after the fetch and OpenSSL allows it to be shared; each
    // computation works on a context of its own.

    /// The shared HMAC implementation.
    static let shared = HMACFunction()

    private let pointer: OpaquePointer

    private init() {
        guard let pointer = EVP_MAC_fetch(nil, "HMAC", nil) else {
            fatalError("OpenSSL provides no HMAC implementation: \(OpenSSLErrorStack.drain())")
        }
        self.pointer = pointer
    }

    deinit { EVP_MAC_free(pointer) }

    /// HMAC with `digestName` ("SHA2-256", ...) under `key` over the concatenation of `parts`, written to
    /// `output` (at least the digest's size); the MAC's length, or nil on failure.
    func authenticate(
        digestName: StaticString,
        key: UnsafeBufferPointer<UInt8>,
        parts: [UnsafeBufferPointer<UInt8>],
        into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Int? {
        guard let context = EVP_MAC_CTX_new(pointer) else {
            OpenSSLErrorStack.clear()
            return nil
        }
        defer { EVP_MAC_CTX_free(context) }
        let name = UnsafeMutableRawPointer(mutating: digestName.utf8Start).assumingMemoryBound(to: CChar.self)
        var parameters = [
            OSSL_PARAM_construct_utf8_string(ParameterName.digest, name, 0),
            OSSL_PARAM_construct_end(),
        ]
        guard EVP_MAC_init(context, key.baseAddress, key.count, &parameters) == 1 else {
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
