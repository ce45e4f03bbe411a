/// How a ``RemoteJWKSKeySource`` caches, refreshes and fetches. Every default comes from one of the
/// widely used JOSE libraries (panva/jose, Nimbus JOSE+JWT, lestrrat-go/jwx); see <doc:CacheSettings>.
public struct RemoteJWKSConfiguration: Sendable {
    /// How long a fetched key set is fresh when the response has neither `Cache-Control: max-age` nor
    /// `Expires`. Default 5 minutes (Nimbus `JWKSourceBuilder` cache time to live).
    public var defaultTimeToLive: Duration
    /// The shortest freshness accepted from response headers (`max-age=0`, `no-cache`, `no-store` and past
    /// `Expires` become this). Default 30 seconds (the jose cooldown and Nimbus rate limit), so a server
    /// can never make us poll more often than the rate limit that protects it.
    public var minimumTimeToLive: Duration
    /// The longest freshness accepted from response headers. Default 10 minutes (jose `cacheMaxAge`): a key
    /// withdrawn from the set stops verifying within this time, whatever the server advertises.
    public var maximumTimeToLive: Duration
    /// How long before expiry a verification that finds the keys starts a background refresh, so that a
    /// warm cache never waits for the network. Default 30 seconds (Nimbus refresh-ahead time); never
    /// earlier than half the time to live.
    public var refreshAhead: Duration
    /// After a token with an unknown `kid` (or without a `kid` and no fitting key) triggered a refetch,
    /// further unknown keys get the current set (and fail with `unknown_key`) without a fetch for this long.
    /// Default 30 seconds (jose `cooldownDuration`, Nimbus rate-limit interval).
    public var unknownKeyCooldown: Duration
    /// How long past expiry the last good keys keep serving while refreshes fail (an outage). A response's
    /// `stale-if-error` directive can shorten it. Default 50 minutes (Nimbus outage cache: ten times the
    /// cache time to live).
    public var maximumStaleness: Duration
    /// After a failed fetch, how long before the next attempt; meanwhile callers get the stale keys (or,
    /// with none, fail fast with `jwks_unavailable`). Default 5 seconds.
    public var failureBackoff: Duration
    /// The time one fetch may take, redirects and body included. Default 5 seconds (jose `timeoutDuration`).
    /// The connect timeout belongs to the HTTP client behind the transport.
    public var requestTimeout: Duration
    /// Bodies larger than this are refused without being read in full. Default 512 KiB.
    public var maximumBodyByteCount: Int
    /// Redirects followed per fetch, to https URLs only. Default 5.
    public var maximumRedirectCount: Int

    /// The defaults, or any of them overridden.
    public init(
        defaultTimeToLive: Duration = .seconds(300),
        minimumTimeToLive: Duration = .seconds(30),
        maximumTimeToLive: Duration = .seconds(600),
        refreshAhead: Duration = .seconds(30),
        unknownKeyCooldown: Duration = .seconds(30),
        maximumStaleness: Duration = .seconds(50 * 60),
        failureBackoff: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(5),
        maximumBodyByteCount: Int = 512 * 1024,
        maximumRedirectCount: Int = 5
    ) {
        self.defaultTimeToLive = defaultTimeToLive
        self.minimumTimeToLive = minimumTimeToLive
        self.maximumTimeToLive = maximumTimeToLive
        self.refreshAhead = refreshAhead
        self.unknownKeyCooldown = unknownKeyCooldown
        self.maximumStaleness = maximumStaleness
        self.failureBackoff = failureBackoff
        self.requestTimeout = requestTimeout
        self.maximumBodyByteCount = maximumBodyByteCount
        self.maximumRedirectCount = maximumRedirectCount
    }

    /// The time to live for a response that asked for `advertised` (nil: no caching headers), clamped
    /// to [``minimumTimeToLive``, ``maximumTimeToLive``].
    package func timeToLive(advertised: Duration?) -> Duration {
        let lower = max(.zero, minimumTimeToLive)
        let upper = max(lower, maximumTimeToLive)
        return min(max(advertised ?? defaultTimeToLive, lower), upper)
    }
}
