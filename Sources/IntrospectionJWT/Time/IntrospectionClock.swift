public import Foundation

/// Where the library reads the time, wherever behaviour depends on it: the remote key source (cache
/// lifetimes, back-off, `Expires` and `Date` headers), the introspection client (when an answer was
/// received), caches. Pass ``SystemClock`` (`.system`) in production; tests pass a clock they step by
/// hand (`ManualClock` in `IntrospectionTesting`) instead of sleeping.
///
/// Two readings, because they answer different questions: ``now`` is the wall clock that `iat`, `exp`
/// and HTTP dates are compared with; ``uptime`` measures intervals and never jumps when the wall clock
/// is set.
public protocol IntrospectionClock: Sendable {
    /// The current wall-clock time.
    var now: Date { get }
    /// A monotonic reading: time since an arbitrary fixed origin. Only differences are meaningful.
    var uptime: Duration { get }
}

/// The system's clocks: `Date()` and `ContinuousClock` (which keeps counting while the machine sleeps).
public struct SystemClock: IntrospectionClock {
    private static let origin = ContinuousClock.now

    /// The system clock.
    public init() {}

    /// `Date()`.
    public var now: Date { Date() }

    /// Time since the first reading of any `SystemClock` in the process, on `ContinuousClock`.
    public var uptime: Duration { SystemClock.origin.duration(to: ContinuousClock.now) }
}

extension IntrospectionClock where Self == SystemClock {
    /// The system clock: `clock: .system`.
    public static var system: SystemClock { SystemClock() }
}
