import Synchronization

/// A value behind a lock, in one allocation: a final class holding the standard library's `Mutex`
/// inline beside the value, that copies of a struct can share.
///
/// Written by hand (twenty lines) so that the offline core does not depend on NIO for
/// `NIOLockedValueBox`; the value is kept outside the `Mutex` so that values that are not `Sendable`
/// (OpenSSL contexts) can be stored and handed out under the lock.
///
/// ThreadSanitizer does not see the ordering `Mutex` provides on Linux (its futex calls are not
/// instrumented) and reports accesses under it from two threads as races. An atomic acquire at the
/// start and release at the end of each critical section, on a word only touched under the lock, shows
/// it the same ordering; uncontended, that is two more operations on a cache line the lock already holds.
package final class LockedValueBox<Value>: @unchecked Sendable {
    // @unchecked: `value` is only read or written inside `mutex.withLock`.
    private let mutex = Mutex<Void>(())
    private let ordering = Atomic<Int>(0)
    private var value: Value

    /// A box holding `value`.
    package init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    package func withLockedValue<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        var outcome: Swift.Result<Result, E>? = nil
        mutex.withLock { _ in
            _ = ordering.load(ordering: .acquiring)
            outcome = Swift.Result { () throws(E) -> Result in try body(&value) }
            ordering.store(0, ordering: .releasing)
        }
        return try outcome!.get()
    }
}
