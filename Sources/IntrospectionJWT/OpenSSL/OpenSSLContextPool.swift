
/// Idle OpenSSL contexts of one kind (`EVP_PKEY_CTX`, `EVP_MD_CTX`), kept for reuse so that a warm
/// verification neither allocates nor frees one. A context is used by one thread at a time: it leaves the
/// pool under the lock and comes back when its user is done with it.
final class OpenSSLContextPool: @unchecked Sendable {
    // @unchecked: OpaquePointer is not Sendable; every context is reached only under the lock, or by the
    // one thread that took it out of the pool.
    private let contexts = LockedValueBox<[OpaquePointer]>([])
    /// Enough for every core to use a context at once.
    private let capacity: Int
    /// Frees one context (`EVP_PKEY_CTX_free`, `EVP_MD_CTX_free`).
    private let free: @Sendable (OpaquePointer) -> Void

    init(capacity: Int = 16, free: @escaping @Sendable (OpaquePointer) -> Void) {
        self.capacity = capacity
        self.free = free
    }

    deinit {
        for context in contexts.withLockedValue({ $0 }) { free(context) }
    }

    /// An idle context, or nil when there is none.
    func take() -> OpaquePointer? {
        contexts.withLockedValue { $0.popLast() }
    }

    /// Returns a context that is ready for its next use; frees it when the pool is full.
    func giveBack(_ context: OpaquePointer) {
        let kept = contexts.withLockedValue { contexts -> Bool in
            guard contexts.count < capacity else { return false }
            if contexts.capacity == 0 { contexts.reserveCapacity(capacity) }
            contexts.append(context)
            return true
        }
        if !kept { free(context) }
    }
}
