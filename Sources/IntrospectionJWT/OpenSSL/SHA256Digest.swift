/// SHA-256 through the core's pooled OpenSSL digest, for the other modules of this package (the
/// resource-server cache keys its entries by the SHA-256 of the token, never by the token).
package enum SHA256Digest {
    /// The digest's length in bytes.
    package static let byteCount = 32

    /// The SHA-256 of `message`, or nil if OpenSSL fails (it does not for SHA-256 short of memory
    /// exhaustion; callers treat nil as "cannot use a cache key"). Concrete rather than generic, so that
    /// callers in other modules pay no generic dispatch on their hot path.
    package static func hash(_ message: [UInt8]) -> [UInt8]? {
        var digest = [UInt8](repeating: 0, count: byteCount)
        let done = message.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { MessageDigest.sha256.hash(input, into: $0) }
        }
        return done ? digest : nil
    }
}
