/// How ``CachedIntrospection`` caches answers and protects the authorization server.
///
/// The defaults trade revocation latency against load on the authorization server (AS). RFC 7662 §4
/// allows caching an answer but never beyond the token's `exp`, and warns that every cached second is a
/// second in which a revoked token still passes:
///
/// | setting | default | anchor | what it bounds |
/// |---|---|---|---|
/// | ``maximumTimeToLive`` | 5 min | Duende `OAuth2IntrospectionOptions.CacheDuration` (5 min) | how long a revoked token can still pass; an active answer never outlives the token's `exp` |
/// | ``negativeTimeToLive`` | 30 s | (ours; Duende keeps inactive answers for the full `CacheDuration`, Kong has a separate `cache_ttl_neg`) | how long a token that just became active (issued a moment ago, replicated late) can still be refused; and how often one bad token can reach the AS |
/// | ``maximumEntryCount`` | 10,000 | (ours; a few KiB per entry, tens of MiB at most) | memory; the least recently used entry goes first |
/// | ``maximumConcurrentCalls`` | 32 | (ours; four times async-http-client's 8 connections per host) | AS calls in flight; past it, a request for an uncached token fails fast as unavailable (503) instead of queueing |
///
/// Lower ``maximumTimeToLive`` for faster revocation (RFC 7009 revocation is seen within this time),
/// raise it to spare the AS; `.zero` turns caching off entirely (``disabled``).
public struct IntrospectionCacheConfiguration: Sendable, Hashable {
    /// The longest an active answer is kept; it is also never kept past the token's `exp`. `.zero`:
    /// nothing is cached and concurrent requests with the same token are not coalesced.
    public var maximumTimeToLive: Duration
    /// How long an inactive answer is kept; `.zero`: never.
    public var negativeTimeToLive: Duration
    /// The most entries kept; the least recently used is dropped first.
    public var maximumEntryCount: Int
    /// The most calls to the AS in flight at once; further requests for tokens that are neither cached
    /// nor being introspected are answered ``IntrospectionOutcome/unavailable(_:)`` at once.
    public var maximumConcurrentCalls: Int

    /// 5 minutes (Duende's `CacheDuration`).
    public static let defaultMaximumTimeToLive: Duration = .seconds(300)
    /// 30 seconds.
    public static let defaultNegativeTimeToLive: Duration = .seconds(30)
    /// 10,000 entries.
    public static let defaultMaximumEntryCount = 10_000
    /// 32 calls.
    public static let defaultMaximumConcurrentCalls = 32

    /// Makes a configuration; negative values count as zero, and at least one entry and one call are
    /// allowed.
    public init(
        maximumTimeToLive: Duration = defaultMaximumTimeToLive,
        negativeTimeToLive: Duration = defaultNegativeTimeToLive,
        maximumEntryCount: Int = defaultMaximumEntryCount,
        maximumConcurrentCalls: Int = defaultMaximumConcurrentCalls
    ) {
        self.maximumTimeToLive = max(maximumTimeToLive, .zero)
        self.negativeTimeToLive = max(negativeTimeToLive, .zero)
        self.maximumEntryCount = max(maximumEntryCount, 1)
        self.maximumConcurrentCalls = max(maximumConcurrentCalls, 1)
    }

    /// No caching and no coalescing: every request introspects (the bound on concurrent calls stays).
    public static var disabled: IntrospectionCacheConfiguration {
        IntrospectionCacheConfiguration(maximumTimeToLive: .zero, negativeTimeToLive: .zero)
    }

    /// Whether anything is cached or coalesced.
    public var isEnabled: Bool { maximumTimeToLive > .zero || negativeTimeToLive > .zero }
}
