#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a lock, in one allocation (the shape of swift-certificates' and NIO's own lock box):
/// a `ManagedBuffer` whose header is the value and whose single element is a `pthread_mutex_t`, at an
/// address that never moves.
///
/// Written by hand (fifty lines) so that the offline core does not depend on NIO for
/// `NIOLockedValueBox`. A pthread mutex rather than the standard library's `Mutex`: ThreadSanitizer
/// models pthread locks, and the sanitizer pass in CI must see this lock for what it is.
package struct LockedValueBox<Value>: @unchecked Sendable {
    // @unchecked: the value is only read or written with the mutex held.
    private let storage: Storage

    /// A box holding `value`.
    package init(_ value: Value) {
        self.storage = Storage.make(value)
    }

    /// Runs `body` with exclusive access to the value.
    package func withLockedValue<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        try storage.withLockedValue(body)
    }

    private final class Storage: ManagedBuffer<Value, pthread_mutex_t> {
        static func make(_ value: Value) -> Storage {
            let buffer = Storage.create(minimumCapacity: 1) { _ in value }
            let storage = unsafeDowncast(buffer, to: Storage.self)
            storage.withUnsafeMutablePointerToElements { mutex in
                mutex.initialize(to: pthread_mutex_t())
                let status = pthread_mutex_init(mutex, nil)
                precondition(status == 0, "pthread_mutex_init failed: \(status)")
            }
            return storage
        }

        deinit {
            withUnsafeMutablePointers { _, mutex in
                pthread_mutex_destroy(mutex)
                _ = mutex.deinitialize(count: 1)
            }
        }

        func withLockedValue<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
            try withUnsafeMutablePointers { (value, mutex) throws(E) -> Result in
                pthread_mutex_lock(mutex)
                defer { pthread_mutex_unlock(mutex) }
                return try body(&value.pointee)
            }
        }
    }
}
