import Foundation
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
/// Time comes from the injected ``IntrospectionClock`` (pass the client's): tests step it past `exp`.
public actor CachedIntrospection {
    /// The client that calls the authorization server.
    public nonisolated let client: IntrospectionClient
    /// The cache's settings.
    public nonisolated let configuration: IntrospectionCacheConfiguration
    private nonisolated let clock: any IntrospectionClock
    private nonisolated let auditRecorder: (any IntrospectionAuditRecorder)?
    private nonisolated let logger: Logger
    private nonisolated let instruments: IntrospectionCacheInstruments
    /// `endpoint-or-issuer NUL client-id NUL`, hashed in front of every token.
    private nonisolated let scope: [UInt8]

    private struct Entry {
        let outcome: IntrospectionOutcome
        /// On the clock's monotonic reading.
        let expires: Duration
    }

    private var entries: LeastRecentlyUsed<CacheKey, Entry>
    private var pending: [CacheKey: Task<IntrospectionOutcome, Never>] = [:]
    private var callsInFlight = 0

    /// Makes a cache in front of `client`.
    /// - Parameters:
    ///   - clock: the time for lifetimes and `exp`; give the client's clock.
    ///   - auditRecorder: where every verified signed answer from the AS is recorded.
    ///   - metricsFactory: where the instruments of ``IntrospectionCacheMetrics`` go; nil for the
    ///     bootstrapped `MetricsSystem`.
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
        self.entries = LeastRecentlyUsed(capacity: configuration.maximumEntryCount)
    }

    /// The verdict on `token`: from the cache, from a call in flight for the same token, or from a new
    /// call to the authorization server.
    public nonisolated func introspect(token: String) async -> IntrospectionOutcome {
        let outcome: IntrospectionOutcome
        if let key = CacheKey(scope: scope, token: token) {
            outcome = await resolve(key: key, token: token)
        } else {
            outcome = .unavailable(ResourceServerError(.asUnreachable, "the token could not be hashed for the cache"))
        }
        instruments.record(outcome)
        return outcome
    }

    /// How many answers are cached (expired ones are dropped when next looked up or evicted).
    public var entryCount: Int { entries.count }

    /// How many calls to the authorization server are in flight.
    public var callsInFlightCount: Int { callsInFlight }

    private func resolve(key: CacheKey, token: String) async -> IntrospectionOutcome {
        if configuration.isEnabled {
            if let entry = entries.value(for: key) {
                if entry.expires > clock.uptime {
                    instruments.hits.increment()
                    return entry.outcome
                }
                entries.removeValue(for: key)
            }
            instruments.misses.increment()
            if let call = pending[key] {
                instruments.coalesced.increment()
                return await call.value
            }
        } else {
            instruments.misses.increment()
        }
        guard callsInFlight < configuration.maximumConcurrentCalls else {
            instruments.rejected.increment()
            return .unavailable(ResourceServerError(
                .concurrencyLimit,
                "\(configuration.maximumConcurrentCalls) introspection calls are in flight, the most allowed; the request was not queued"
            ))
        }
        callsInFlight += 1
        instruments.callsInFlight.increment()
        let (client, clock, recorder, logger, instruments) = (self.client, self.clock, self.auditRecorder, self.logger, self.instruments)
        let call = Task {
            await Self.call(client: client, token: token, clock: clock, recorder: recorder, logger: logger, instruments: instruments)
        }
        if configuration.isEnabled { pending[key] = call }
        let outcome = await call.value
        if configuration.isEnabled { pending[key] = nil }
        callsInFlight -= 1
        instruments.callsInFlight.decrement()
        store(outcome, for: key)
        return outcome
    }

    private func store(_ outcome: IntrospectionOutcome, for key: CacheKey) {
        let lifetime: Duration
        switch outcome {
        case .active(let identity):
            lifetime = Self.activeLifetime(
                expiration: identity.expiration, now: clock.now, maximum: configuration.maximumTimeToLive)
        case .inactive:
            lifetime = configuration.negativeTimeToLive
        case .unavailable, .invalidAnswer:
            return  // errors are never cached
        }
        guard lifetime > .zero else { return }
        entries.set(Entry(outcome: outcome, expires: clock.uptime + lifetime), for: key)
    }

    /// `min(exp - now, maximum)`: an answer is never cached beyond the token's `exp` (RFC 7662 §4).
    static func activeLifetime(expiration: Date?, now: Date, maximum: Duration) -> Duration {
        guard let expiration else { return maximum }
        let remaining = expiration.timeIntervalSince(now)
        guard remaining > 0 else { return .zero }
        return min(maximum, .milliseconds(Int64((remaining * 1000).rounded(.down))))
    }

    /// One call to the authorization server, outside the actor.
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
        guard let digest = SHA256Digest.hash(scope + Array(token.utf8)) else { return nil }
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
