internal import COpenSSL

/// Comparisons and fills whose timing does not depend on secret bytes (OpenSSL's `CRYPTO_memcmp`,
/// `RAND_bytes`, `OPENSSL_cleanse`).
enum ConstantTime {
    /// Whether `lhs` and `rhs` hold the same bytes; the time taken depends only on their lengths.
    static func equals(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return true }  // both empty
        return CRYPTO_memcmp(left, right, lhs.count) == 0
    }

    /// `count` bytes from OpenSSL's random generator (a stand-in content encryption key, RFC 7516 §11.5).
    static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        if count > 0, RAND_bytes(&bytes, Int32(count)) != 1 {
            // No randomness: the stand-in key must still never decrypt anything; zeros serve, since only
            // a key that fails the tag check is needed.
            OpenSSLErrorStack.clear()
        }
        return bytes
    }

    /// Overwrites `bytes` with zeros in a way the compiler does not remove.
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
    }
}
