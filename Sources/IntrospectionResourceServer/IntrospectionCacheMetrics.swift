import Metrics

/// The swift-metrics instruments a ``CachedIntrospection`` records. Bootstrap `MetricsSystem` (or pass
/// a factory) to collect them.
public enum IntrospectionCacheMetrics {
    /// Requests answered from the cache, without a call to the authorization server.
    public static let hits = "introspection_jwt_cache_hits_total"
    /// Requests not answered from the cache (they call, join a call in flight, or are turned away).
    public static let misses = "introspection_jwt_cache_misses_total"
    /// Requests that joined a call already in flight for the same token.
    public static let coalesced = "introspection_jwt_cache_coalesced_total"
    /// Calls to the authorization server's introspection endpoint.
    public static let calls = "introspection_jwt_introspection_calls_total"
    /// Requests turned away because ``IntrospectionCacheConfiguration/maximumConcurrentCalls`` calls
    /// were in flight.
    public static let rejected = "introspection_jwt_introspection_rejected_total"
    /// Outcomes, by ``outcomeDimension``: `active`, `inactive`, `unavailable`, `invalid_answer`.
    public static let outcomes = "introspection_jwt_introspection_outcomes_total"
    /// The duration of each call to the authorization server (a timer, nanoseconds).
    public static let callDuration = "introspection_jwt_introspection_call_duration"
    /// Calls to the authorization server in flight (a meter that goes up and down).
    public static let callsInFlight = "introspection_jwt_introspection_calls_in_flight"
    /// The dimension of ``outcomes``.
    public static let outcomeDimension = "outcome"
}

/// The instruments of one cache, created once.
struct IntrospectionCacheInstruments: Sendable {
    let hits: Counter
    let misses: Counter
    let coalesced: Counter
    let calls: Counter
    let rejected: Counter
    let active: Counter
    let inactive: Counter
    let unavailable: Counter
    let invalidAnswer: Counter
    let callDuration: Timer
    let callsInFlight: Meter

    init(factory: any MetricsFactory) {
        hits = Counter(label: IntrospectionCacheMetrics.hits, factory: factory)
        misses = Counter(label: IntrospectionCacheMetrics.misses, factory: factory)
        coalesced = Counter(label: IntrospectionCacheMetrics.coalesced, factory: factory)
        calls = Counter(label: IntrospectionCacheMetrics.calls, factory: factory)
        rejected = Counter(label: IntrospectionCacheMetrics.rejected, factory: factory)
        func outcome(_ name: String) -> Counter {
            Counter(label: IntrospectionCacheMetrics.outcomes, dimensions: [(IntrospectionCacheMetrics.outcomeDimension, name)], factory: factory)
        }
        active = outcome("active")
        inactive = outcome("inactive")
        unavailable = outcome("unavailable")
        invalidAnswer = outcome("invalid_answer")
        callDuration = Timer(label: IntrospectionCacheMetrics.callDuration, factory: factory)
        callsInFlight = Meter(label: IntrospectionCacheMetrics.callsInFlight, factory: factory)
    }

    func record(_ outcome: IntrospectionOutcome) {
        switch outcome {
        case .active: active.increment()
        case .inactive: inactive.increment()
        case .unavailable: unavailable.increment()
        case .invalidAnswer: invalidAnswer.increment()
        }
    }
}
