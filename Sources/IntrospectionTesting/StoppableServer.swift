/// An in-process server that a test must stop, awaited, before it ends: a server left running (or stopped
/// in a detached task the process does not wait for) keeps its channels and tasks alive until exit, where
/// LeakSanitizer reports them.
public protocol StoppableServer: AnyObject, Sendable {
    /// Closes the listener and every connection, and waits for the handlers to stop.
    func shutdown() async throws
}

extension StoppableServer {
    /// Runs `body` with the server and shuts it down afterwards, whether `body` returns or throws.
    ///
    /// ```swift
    /// try await TestHTTPServer.start { _ in .json(jwks) }.shuttingDown { server in ... }
    /// ```
    public func shuttingDown<T>(after body: (Self) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            try await shutdown()
            return result
        } catch {
            try? await shutdown()
            throw error
        }
    }
}

/// A weak reference that can sit in a lock-protected box (a handler that must not own its server).
struct WeakReference<Object: AnyObject> {
    /// The object, while something else keeps it alive.
    weak var object: Object?
}

extension WeakReference: Sendable where Object: Sendable {}
