import Metrics

/// The swift-metrics counters a ``RemoteJWKSKeySource`` records, each with the dimension
/// ``hostDimension`` (the JWKS URL's host). Bootstrap `MetricsSystem` (or pass a factory to the key
/// source) to collect them.
public enum RemoteJWKSMetrics {
    /// HTTP requests sent for the key set (first fetches, refreshes, revalidations).
    public static let fetches = "introspection_jwt_jwks_fetches_total"
    /// Revalidations answered `304 Not Modified` (the parsed keys were kept).
    public static let notModified = "introspection_jwt_jwks_not_modified_total"
    /// Fetches that failed: transport error, timeout, non-200 status, wrong content type, malformed or
    /// keyless document. The previous keys were kept.
    public static let fetchFailures = "introspection_jwt_jwks_fetch_failures_total"
    /// Key set documents parsed (once per 200 response).
    public static let parses = "introspection_jwt_jwks_parses_total"
    /// Lookups answered from fresh cached keys without any network I/O.
    public static let cacheHits = "introspection_jwt_jwks_cache_hits_total"
    /// Lookups that had to wait for a fetch (nothing cached, keys expired, or an unknown key).
    public static let cacheMisses = "introspection_jwt_jwks_cache_misses_total"
    /// Lookups for an unknown key answered without a fetch because of the cooldown.
    public static let cooldownHits = "introspection_jwt_jwks_cooldown_hits_total"
    /// Lookups answered with expired keys because refreshing failed (an outage).
    public static let staleServes = "introspection_jwt_jwks_stale_serves_total"
    /// The dimension naming the JWKS host.
    public static let hostDimension = "jwks_host"
}

/// The counters of one key source, created once.
struct RemoteJWKSCounters: Sendable {
    let fetches: Counter
    let notModified: Counter
    let fetchFailures: Counter
    let parses: Counter
    let cacheHits: Counter
    let cacheMisses: Counter
    let cooldownHits: Counter
    let staleServes: Counter

    init(host: String, factory: any MetricsFactory) {
        let dimensions = [(RemoteJWKSMetrics.hostDimension, host)]
        func counter(_ label: String) -> Counter { Counter(label: label, dimensions: dimensions, factory: factory) }
        fetches = counter(RemoteJWKSMetrics.fetches)
        notModified = counter(RemoteJWKSMetrics.notModified)
        fetchFailures = counter(RemoteJWKSMetrics.fetchFailures)
        parses = counter(RemoteJWKSMetrics.parses)
        cacheHits = counter(RemoteJWKSMetrics.cacheHits)
        cacheMisses = counter(RemoteJWKSMetrics.cacheMisses)
        cooldownHits = counter(RemoteJWKSMetrics.cooldownHits)
        staleServes = counter(RemoteJWKSMetrics.staleServes)
    }
}
