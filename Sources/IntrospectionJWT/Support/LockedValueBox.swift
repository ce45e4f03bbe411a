import Synchronization

/// A value behind a lock, in one allocation: a final class holding the standard library's `Mutex`
/// inline beside the value, that copies of a struct can share.
///
/// Written by hand (twenty lines) so that the offline core does not depend on NIO for
/// `NIOLockedValueBox`; the value is kept outside the `Mutex` so that values that are not `Sendable`
/// (OpenSSL contexts) can be stored and handed out under the lock.
package final class LockedValueBox<Value>: @unchecked Sendable {
    // @unchecked: `value` is only read or written inside `mutex.withLock`.
    private let mutex = Mutex<Void>(())
    private var value: Value

    /// A box holding `value`.
    package init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    package func withLockedValue<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        var outcome: Swift.Result<Result, E>? = nil
        mutex.withLock { _ in
            outcome = Swift.Result { () throws(E) -> Result in try body(&value) }
        }
        return try outcome!.get()
    }
}
