import IntrospectionJWT

/// The client's memory of a `Retry-After` from the introspection endpoint (RFC 9110 §10.2.3): until the
/// time has passed, no call is sent there. Shared by every copy of one ``IntrospectionClient``; times
/// are on the client clock's monotonic reading, so that setting the wall clock neither ends nor prolongs
/// a wait.
final class RetryAfterGate: Sendable {
    /// The monotonic reading at which calls may be sent again; nil when they may be sent now.
    private let reopens = LockedValueBox<Duration?>(nil)

    /// The time that remains before calls may be sent, or nil when they may be sent now.
    func remaining(at uptime: Duration) -> Duration? {
        reopens.withLockedValue { reopens in
            guard let deadline = reopens else { return nil }
            guard deadline > uptime else {
                reopens = nil
                return nil
            }
            return deadline - uptime
        }
    }

    /// Holds calls back for `delay` from `uptime`; a later deadline already set is kept.
    func close(for delay: Duration, at uptime: Duration) {
        guard delay > .zero else { return }
        reopens.withLockedValue { reopens in
            let deadline = uptime + delay
            if let current = reopens, current >= deadline { return }
            reopens = deadline
        }
    }
}
