import Foundation
import Synchronization
public import IntrospectionJWT
public import Logging
public import Metrics
public import TokenIntrospectionClient

/// Introspection with a cache in front (RFC 7662 §4), for resource servers: one call to the
/// authorization server (AS) per token and lifetime instead of one per request.
///
/// ```swift
/// let introspection = CachedIntrospection(client: IntrospectionClient(options: options))
/// switch await introspection.introspect(token: token) {
/// case .active(let identity): identity.hasScope("orders:read")
/// case .inactive: /* 401 invalid_token */
/// case .unavailable: /* 503, retry later */
/// case .invalidAnswer: /* 502: the AS misbehaves */
/// }
/// ```
///
/// - Entries are keyed by the SHA-256 of the token, scoped by the introspection endpoint (or issuer) and
///   the client id; the token itself is never stored or logged.
/// - An active answer lives until the token's `exp`, capped by
///   ``IntrospectionCacheConfiguration/maximumTimeToLive``; an inactive one for
///   ``IntrospectionCacheConfiguration/negativeTimeToLive``. Transport errors, HTTP errors and answers
///   that fail verification are never cached.
/// - One call per token at a time: concurrent requests with the same token share it.
/// - At most ``IntrospectionCacheConfiguration/maximumEntryCount`` entries (least recently used goes
///   first) and ``IntrospectionCacheConfiguration/maximumConcurrentCalls`` calls in flight; past that
///   bound a request for an uncached token is ``IntrospectionOutcome/unavailable(_:)`` at once, so a
///   flood of random tokens cannot become a flood of introspection calls.
/// - Every verified signed answer received from the AS (never a cache hit) goes to the
///   ``IntrospectionAuditRecorder``, if one is given.
///
/// Time comes from the injected `IntrospectionClock` (pass the client's): tests step it past `exp`.
public final class CachedIntrospection: Sendable {
    /// The client that calls the authorization server.
    public let client: IntrospectionClient
    /// The cache's settings.
    public let configuration: IntrospectionCacheConfiguration
    private let clock: any IntrospectionClock
    private let auditRecorder: (any IntrospectionAuditRecorder)?
    private let logger: Logger
    private let instruments: IntrospectionCacheInstruments
    /// `endpoint-or-issuer NUL client-id NUL`, hashed in front of every token.
    private let scope: [UInt8]

    private struct Entry {
        let outcome: IntrospectionOutcome
        /// On the clock's monotonic reading.
        let expires: Duration
    }

    /// The entries, the calls in flight by key, and their count. Behind a lock rather than in an actor:
    /// a cache hit is a dictionary lookup, and under load an actor hop per request costs more than the
    /// lookup itself (Benchmarks/RESULTS-resource-server.md); no lock is held across an await.
    private struct State {
        var entries: LeastRecentlyUsed<CacheKey, Entry>
        var pending: [CacheKey: Call] = [:]
        var callsInFlight = 0
    }

    private let state: Mutex<State>
    /// Touched only under `state`'s lock, acquired on entry and released on exit, so that
    /// ThreadSanitizer sees the ordering the lock provides (it does not see `Mutex`'s futex on Linux; the
    /// core's `LockedValueBox` uses a pthread mutex instead). A generic box from another module would not
    /// be specialised here, and this is the hot path of every request.
    private let ordering = Atomic<Int>(0)

    /// Makes a cache in front of `client`.
    /// - Parameters:
    ///   - client: the introspection client that asks the authorization server on a miss.
    ///   - configuration: lifetimes and bounds (``IntrospectionCacheConfiguration``).
    ///   - clock: the time for lifetimes and `exp`; give the client's clock.
    ///   - auditRecorder: where every verified signed answer from the AS is recorded.
    ///   - metricsFactory: where the instruments of ``IntrospectionCacheMetrics`` go; nil for the
    ///     bootstrapped `MetricsSystem`.
    ///   - logger: where misbehaviour of the authorization server is logged (never the token).
    public init(
        client: IntrospectionClient,
        configuration: IntrospectionCacheConfiguration = IntrospectionCacheConfiguration(),
        clock: any IntrospectionClock = .system,
        auditRecorder: (any IntrospectionAuditRecorder)? = nil,
        logger: Logger = Logger(label: "introspection-jwt.resource-server"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.auditRecorder = auditRecorder
        self.logger = logger
        self.instruments = IntrospectionCacheInstruments(factory: metricsFactory ?? MetricsSystem.factory)
        let options = client.options
        self.scope = Array((options.endpoint ?? options.issuer ?? "").utf8) + [0] + Array(options.clientID.utf8) + [0]
        self.state = Mutex(State(entries: LeastRecentlyUsed(capacity: configuration.maximumEntryCount)))
    }

    /// The verdict on `token`: from the cache, from a call in flight for the same token, or from a new
    /// call to the authorization server.
    public func introspect(token: String) async -> IntrospectionOutcome {
        let outcome: IntrospectionOutcome
        if let key = CacheKey(scope: scope, token: token) {
            outcome = await resolve(key: key, token: token)
        } else {
            outcome = .unavailable(ResourceServerError(.configuration, "the token could not be hashed for the cache"))
        }
        instruments.record(outcome)
        return outcome
    }

    /// Runs `body` on the state under the lock.
    private func withState<Result>(_ body: (inout sending State) -> sending Result) -> sending Result {
        state.withLock { state in
            _ = ordering.load(ordering: .acquiring)
            defer { ordering.store(0, ordering: .releasing) }
            return body(&state)
        }
    }

    /// How many answers are cached (expired ones are dropped when next looked up or evicted).
    public var entryCount: Int { withState { $0.entries.count } }

    /// How many calls to the authorization server are in flight.
    public var callsInFlightCount: Int { withState { $0.callsInFlight } }

    /// A call to the authorization server that requests for the same key wait for (a class, so that a
    /// cache hit never touches the generic task type's metadata).
    private final class Call: Sendable {
        let task: Task<IntrospectionOutcome, Never>
        init(_ task: Task<IntrospectionOutcome, Never>) { self.task = task }
    }

    /// What a request does, decided under the lock.
    private enum Step {
        case hit(IntrospectionOutcome)
        case join(Call)
        case call(Call)
        case rejected
    }

    private func resolve(key: CacheKey, token: String) async -> IntrospectionOutcome {
        let (enabled, limit, now) = (configuration.isEnabled, configuration.maximumConcurrentCalls, clock.uptime)
        let step = withState { state -> Step in
            if enabled {
                if let entry = state.entries.value(for: key) {
                    if entry.expires > now { return .hit(entry.outcome) }
                    state.entries.removeValue(for: key)
                }
                if let call = state.pending[key] { return .join(call) }
            }
            guard state.callsInFlight < limit else { return .rejected }
            state.callsInFlight += 1
            instruments.callsInFlight.increment()
            // The call cleans up after itself (under the lock it waits for), so that the bound and the
            // single flight hold whether or not the request that started it is still there.
            let call = Call(Task { [self] in
                let outcome = await Self.call(
                    client: client, token: token, clock: clock, recorder: auditRecorder, logger: logger, instruments: instruments)
                finish(key: key, outcome: outcome)
                return outcome
            })
            if enabled { state.pending[key] = call }
            return .call(call)
        }
        switch step {
        case .hit(let outcome):
            instruments.hits.increment()
            return outcome
        case .join(let call):
            instruments.misses.increment()
            instruments.coalesced.increment()
            return await call.task.value
        case .call(let call):
            instruments.misses.increment()
            return await call.task.value
        case .rejected:
            instruments.misses.increment()
            instruments.rejected.increment()
            return .unavailable(ResourceServerError(
                .concurrencyLimit,
                "\(limit) introspection calls are in flight, the most allowed; the request was not queued"
            ))
        }
    }

    /// Ends a call: no longer pending or in flight; its outcome cached for its lifetime.
    private func finish(key: CacheKey, outcome: IntrospectionOutcome) {
        let lifetime: Duration
        switch outcome {
        case .active(let identity):
            lifetime = Self.activeLifetime(expiration: identity.expiration, now: clock.now, maximum: configuration.maximumTimeToLive)
        case .inactive:
            lifetime = configuration.negativeTimeToLive
        case .unavailable, .invalidAnswer:
            lifetime = .zero  // errors are never cached
        }
        let expires = clock.uptime + lifetime
        withState { state in
            state.pending[key] = nil
            state.callsInFlight -= 1
            if lifetime > .zero, configuration.isEnabled {
                state.entries.set(Entry(outcome: outcome, expires: expires), for: key)
            }
        }
        instruments.callsInFlight.decrement()
    }

    /// `min(exp - now, maximum)`: an answer is never cached beyond the token's `exp` (RFC 7662 §4).
    static func activeLifetime(expiration: Date?, now: Date, maximum: Duration) -> Duration {
        guard let expiration else { return maximum }
        let remaining = expiration.timeIntervalSince(now)
        guard remaining > 0 else { return .zero }
        return min(maximum, .milliseconds(Int64((remaining * 1000).rounded(.down))))
    }

    /// One call to the authorization server, outside the lock.
    private static func call(
        client: IntrospectionClient,
        token: String,
        clock: any IntrospectionClock,
        recorder: (any IntrospectionAuditRecorder)?,
        logger: Logger,
        instruments: IntrospectionCacheInstruments
    ) async -> IntrospectionOutcome {
        instruments.calls.increment()
        let started = ContinuousClock.now
        let response = await client.introspect(token: token, tokenTypeHint: .accessToken)
        instruments.callDuration.recordNanoseconds(Int64((ContinuousClock.now - started).nanosecondsValue))
        let receivedAt = clock.now
        if let recorder, response.jwt != nil {
            await recorder.record(signedResponse: IntrospectionOutcome.compactJWT(response.rawBody), receivedAt: receivedAt)
        }
        let outcome = IntrospectionOutcome(response, receivedAt: receivedAt)
        switch outcome {
        case .unavailable(let error), .invalidAnswer(let error):
            logger.debug("introspection failed", metadata: ["outcome": "\(outcome.name)", "error": "\(error)"])
        case .active, .inactive:
            logger.trace("introspection answered", metadata: ["outcome": "\(outcome.name)"])
        }
        return outcome
    }
}

/// The cache key: SHA-256 over the scope and the token.
struct CacheKey: Hashable, Sendable {
    let a: UInt64, b: UInt64, c: UInt64, d: UInt64

    init?(scope: [UInt8], token: String) {
        var input: [UInt8] = []
        input.reserveCapacity(scope.count + token.utf8.count)
        input.append(contentsOf: scope)
        input.append(contentsOf: token.utf8)
        guard let digest = SHA256Digest.hash(input) else { return nil }
        func word(_ offset: Int) -> UInt64 {
            digest[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) }
        }
        (a, b, c, d) = (word(0), word(8), word(16), word(24))
    }
}

extension Duration {
    /// The whole duration in nanoseconds (saturating).
    var nanosecondsValue: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product &+ attoseconds / 1_000_000_000
    }
}
