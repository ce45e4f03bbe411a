public import Foundation
public import IntrospectionJWT
import NIOConcurrencyHelpers

/// An `IntrospectionClock` that moves only when told to: tests step time past a cache lifetime, a
/// back-off or an `exp` instead of sleeping through it.
///
/// ```swift
/// let clock = ManualClock()
/// let keys = RemoteJWKSKeySource(url: url, transport: transport, clock: clock)
/// clock.advance(by: .seconds(301))  // the cached keys have expired
/// ```
public final class ManualClock: IntrospectionClock, Sendable {
    private let state: NIOLockedValueBox<(now: Date, uptime: Duration)>

    /// A clock that reads `now` (the real time by default) until it is advanced.
    public init(now: Date = Date()) {
        self.state = NIOLockedValueBox((now, .zero))
    }

    /// The wall-clock time, moved only by ``advance(by:)`` and ``setWallClock(to:)``.
    public var now: Date { state.withLockedValue { $0.now } }

    /// The monotonic reading, moved only by ``advance(by:)``.
    public var uptime: Duration { state.withLockedValue { $0.uptime } }

    /// Moves both readings forward by `duration`.
    public func advance(by duration: Duration) {
        state.withLockedValue { state in
            state.now = state.now.addingTimeInterval(duration.secondsValue)
            state.uptime += duration
        }
    }

    /// Sets the wall clock alone (as an administrator or NTP would); the monotonic reading is unchanged.
    public func setWallClock(to date: Date) {
        state.withLockedValue { $0.now = date }
    }
}
