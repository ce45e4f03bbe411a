internal import COpenSSL

/// A hash algorithm fetched from OpenSSL once (`EVP_MD_fetch`) and reused by every verification, so
/// that no verification looks an algorithm up by name.
///
/// Its `EVP_MD_CTX`s are kept in a small pool and re-initialised: `EVP_Digest` would allocate and free a
/// context for every hash (OpenSSL 3.0 still allocates the provider's state on each initialisation, so a
/// reused context saves one of the two allocations).
final class MessageDigest: @unchecked Sendable {
    // @unchecked: the EVP_MD is immutable after the fetch and OpenSSL allows it to be shared by threads;
    // a pooled context is used by one thread at a time (taken from the pool under its lock).

    /// SHA-1, only as the hash of RSA-OAEP (RFC 7518 §4.3), never for a signature.
    static let sha1 = MessageDigest(name: "SHA1", byteCount: 20)
    /// SHA-256 (RS256, PS256, ES256; RSA-OAEP-256).
    static let sha256 = MessageDigest(name: "SHA2-256", byteCount: 32)
    /// SHA-384 (RS384, PS384, ES384).
    static let sha384 = MessageDigest(name: "SHA2-384", byteCount: 48)
    /// SHA-512 (RS512, PS512, ES512).
    static let sha512 = MessageDigest(name: "SHA2-512", byteCount: 64)

    /// The largest digest of any supported algorithm.
    static let maximumByteCount = 64

    private let pointer: OpaquePointer
    /// The digest's length in bytes.
    let byteCount: Int
    /// Idle contexts.
    private let pool = OpenSSLContextPool { EVP_MD_CTX_free($0) }

    private init(name: String, byteCount: Int) {
        guard let pointer = EVP_MD_fetch(nil, name, nil) else {
            // Without SHA-2 the OpenSSL installation is unusable for anything; nothing can recover.
            fatalError("OpenSSL provides no \(name) implementation: \(OpenSSLErrorStack.drain())")
        }
        self.pointer = pointer
        self.byteCount = byteCount
    }

    deinit { EVP_MD_free(pointer) }

    /// Hashes `message` into `output`, which must hold at least `byteCount` bytes; false on failure.
    func hash(_ message: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        precondition(output.count >= byteCount)
        guard let context = pool.take() ?? EVP_MD_CTX_new() else {
            OpenSSLErrorStack.clear()
            return false
        }
        var length: UInt32 = 0
        let status = EVP_DigestInit_ex2(context, pointer, nil) == 1
            && EVP_DigestUpdate(context, message.baseAddress, message.count) == 1
            && EVP_DigestFinal_ex(context, output.baseAddress, &length) == 1
        guard status, Int(length) == byteCount else {
            EVP_MD_CTX_free(context)  // never reused after a failure
            OpenSSLErrorStack.clear()
            return false
        }
        pool.giveBack(context)
        return true
    }

    /// Lends the `EVP_MD` pointer to `body`; it must not be kept.
    func withUnsafeMDPointer<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        try body(pointer)
    }
}
