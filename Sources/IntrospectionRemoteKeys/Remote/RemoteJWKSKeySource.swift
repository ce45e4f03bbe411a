import Foundation
public import IntrospectionJWT
public import Logging
public import Metrics

/// Keys from a JWKS URL (the authorization server's `jwks_uri`), fetched over HTTP and cached as parsed
/// keys, for an `IntrospectionResponseVerifier`.
///
/// - A verification whose key is in a fresh cache returns at once: no network I/O, no parsing. Within
///   ``RemoteJWKSConfiguration/refreshAhead`` of expiry such a verification also starts a background
///   refresh, so that a busy verifier never waits for the network.
/// - Freshness comes from `Cache-Control: max-age` (or `Expires`), clamped to the configured minimum and
///   maximum; revalidation sends `If-None-Match`/`If-Modified-Since`, and a `304` keeps the parsed keys.
/// - A token naming an unknown `kid` triggers one refetch; then, for the
///   ``RemoteJWKSConfiguration/unknownKeyCooldown``, further unknown keys get the current set (and fail
///   with `unknown_key`) without any fetch.
/// - Callers that need a fetch at the same moment share one request.
/// - A failed refresh (timeout, error status, wrong content type, malformed or keyless document) never
///   replaces good keys: they keep serving up to ``RemoteJWKSConfiguration/maximumStaleness`` past expiry,
///   while retries run in the background. With no keys at all, lookups throw `jwks_unavailable`.
///
/// Time comes from the injected `IntrospectionClock` (`.system` by default): freshness, back-off and
/// cooldowns are measured on its monotonic reading, HTTP dates against its wall clock.
///
/// ```swift
/// import IntrospectionAsyncHTTPClient  // the default transport
///
/// let keys = RemoteJWKSKeySource(url: "https://as.example.com/jwks")
/// let verifier = IntrospectionResponseVerifier(policy: policy, keySource: keys)
/// ```
public actor RemoteJWKSKeySource: VerificationKeySource {
    /// The JWKS URL.
    public nonisolated let url: String
    /// The cache and fetch settings.
    public nonisolated let configuration: RemoteJWKSConfiguration

    private let fetcher: JWKSFetcher
    /// Where every fetched key is recorded, when archiving was asked for (opt-in).
    public nonisolated let archive: (any KeyArchive)?
    private let logger: Logger
    private let counters: RemoteJWKSCounters
    private let clock: any IntrospectionClock
    private let loggedURL: String
    private let urlRefusal: String?

    private struct CachedKeys {
        var keySet: JWKSet
        var expiresAt: Duration
        var refreshAt: Duration
        var staleUntil: Duration
        var entityTag: String?
        var lastModified: String?
    }

    private struct Failure {
        var at: Duration
        var message: String
    }

    private var cached: CachedKeys?
    private var inFlight: Task<Void, Never>?
    private var lastUnknownKeyRefetch: Duration?
    private var lastFailure: Failure?

    /// HTTP requests sent so far (first fetch, refreshes, revalidations).
    public private(set) var fetchCount = 0
    /// Key set documents parsed so far (one per `200` response; never on a cache hit or a `304`).
    public private(set) var parseCount = 0

    /// A key source for the JWK Set at `url`, which must be https (plain http only for a loopback host;
    /// see ``HTTPURLPolicy``), fetched through `transport`. Nothing is fetched until the first lookup.
    /// (`IntrospectionAsyncHTTPClient` adds initialisers that default to its transport.)
    ///
    /// - Parameters:
    ///   - url: the JWKS URL (the authorization server's `jwks_uri`).
    ///   - configuration: how the keys are cached, refreshed and fetched (<doc:CacheSettings>).
    ///   - transport: what sends the HTTP requests; it must not follow redirects (``HTTPTransport``).
    ///   - clock: where time comes from; tests pass a clock they step by hand.
    ///   - logger: where fetches, refreshes and failures are logged (<doc:Observability>).
    ///   - metricsFactory: where the counters of ``RemoteJWKSMetrics`` go; nil for the bootstrapped
    ///     `MetricsSystem`.
    ///   - archive: when given, every key of every fetched set is recorded there (new keys added, the
    ///     last-seen time of known ones moved forward, also on a `304`), so that audits can verify
    ///     responses after the key has left the set. A failing archive is logged and never affects
    ///     verification.
    public init(
        url: String,
        configuration: RemoteJWKSConfiguration = .init(),
        transport: any HTTPTransport,
        clock: any IntrospectionClock = .system,
        logger: Logger = Logger(label: "introspection-jwt.remote-jwks"),
        metricsFactory: (any MetricsFactory)? = nil,
        archive: (any KeyArchive)? = nil
    ) {
        self.url = url
        self.configuration = configuration
        self.fetcher = JWKSFetcher(transport: transport, configuration: configuration)
        self.clock = clock
        self.archive = archive
        self.logger = logger
        self.loggedURL = HTTPURLPolicy.redacted(url)
        self.urlRefusal = HTTPURLPolicy.refusal(for: url)
        let host = URLComponents(string: url)?.host ?? "unknown"
        self.counters = RemoteJWKSCounters(host: host, factory: metricsFactory ?? MetricsSystem.factory)
    }

    /// A key source for the `jwks_uri` of discovered authorization server metadata.
    public init(
        metadata: AuthorizationServerMetadata,
        configuration: RemoteJWKSConfiguration = .init(),
        transport: any HTTPTransport,
        clock: any IntrospectionClock = .system,
        logger: Logger = Logger(label: "introspection-jwt.remote-jwks"),
        metricsFactory: (any MetricsFactory)? = nil,
        archive: (any KeyArchive)? = nil
    ) {
        self.init(
            url: metadata.jwksURI, configuration: configuration, transport: transport, clock: clock, logger: logger,
            metricsFactory: metricsFactory, archive: archive
        )
    }

    /// Discovers the metadata of `issuer` (RFC 8414, then OpenID discovery) and returns a key source for
    /// its `jwks_uri`. Throws `jwks_unavailable` when no usable metadata is found.
    public static func discovering(
        issuer: String,
        configuration: RemoteJWKSConfiguration = .init(),
        transport: any HTTPTransport,
        clock: any IntrospectionClock = .system,
        logger: Logger = Logger(label: "introspection-jwt.remote-jwks"),
        metricsFactory: (any MetricsFactory)? = nil,
        archive: (any KeyArchive)? = nil
    ) async throws(IntrospectionJWTError) -> RemoteJWKSKeySource {
        let metadata = try await AuthorizationServerMetadata.discover(
            issuer: issuer, transport: transport, timeout: configuration.requestTimeout,
            maximumBodyByteCount: configuration.maximumBodyByteCount, logger: logger
        )
        return RemoteJWKSKeySource(
            metadata: metadata, configuration: configuration, transport: transport, clock: clock, logger: logger,
            metricsFactory: metricsFactory, archive: archive
        )
    }

    // MARK: - Lookups

    /// The key set for a token with `keyID` (or none) and `algorithm`; see the type's documentation for
    /// when this fetches. Throws `jwks_unavailable` only when no keys can be had at all.
    public func keySet(forKeyID keyID: String?, algorithm: SignatureAlgorithm) async throws(IntrospectionJWTError) -> JWKSet {
        let now = clock.uptime
        if let cached, now < cached.expiresAt {
            if cached.keySet.hasKey(fitting: keyID, algorithm: algorithm) {
                counters.cacheHits.increment()
                if now >= cached.refreshAt { startBackgroundRefresh(reason: "refresh ahead of expiry", now: now) }
                return cached.keySet
            }
            return await keySetForUnknownKey(keyID, algorithm: algorithm, cached: cached.keySet, now: now)
        }
        let keySet = try await keySetAfterExpiry(now: now)
        if keySet.hasKey(fitting: keyID, algorithm: algorithm) { return keySet }
        // Even a set fetched a moment ago may predate a rotation: the unknown key gets its one refetch.
        return await keySetForUnknownKey(keyID, algorithm: algorithm, cached: keySet, now: clock.uptime)
    }

    /// The key set, from the cache while fresh, else fetched (sharing a fetch already under way).
    /// Throws `jwks_unavailable` when no keys can be had.
    public func keySet() async throws(IntrospectionJWTError) -> JWKSet {
        let now = clock.uptime
        if let cached, now < cached.expiresAt {
            counters.cacheHits.increment()
            return cached.keySet
        }
        return try await keySetAfterExpiry(now: now)
    }

    /// Fetches the key set now, whatever the cache holds (sharing a fetch already under way), and returns
    /// the keys that result: the new ones, or the previous ones when the fetch failed and they are within
    /// the staleness limit. Throws `jwks_unavailable` when there are none.
    public func refresh() async throws(IntrospectionJWTError) -> JWKSet {
        counters.cacheMisses.increment()
        await fetchShared(reason: "explicit refresh")
        return try usableKeysAfterFetch()
    }

    /// The keys held now, fresh or not, without fetching; nil before the first successful fetch.
    public var cachedKeySet: JWKSet? { cached?.keySet }

    /// Why the last fetch failed, or nil when it succeeded (or none was made).
    public var lastFetchError: String? { lastFailure?.message }

    /// Waits until no fetch is under way (a background refresh has landed): tests step the clock, then
    /// wait for the fetch this started instead of sleeping until it is likely done.
    package func fetchesFinished() async {
        while let inFlight { await inFlight.value }
    }

    private func keySetForUnknownKey(_ keyID: String?, algorithm: SignatureAlgorithm, cached keySet: JWKSet, now: Duration) async -> JWKSet {
        let coolingDown = lastUnknownKeyRefetch.map { now < $0 + configuration.unknownKeyCooldown } ?? false
        let backingOff = lastFailure.map { now < $0.at + configuration.failureBackoff } ?? false
        if coolingDown || backingOff {
            if let inFlight {
                // A fetch is under way (perhaps for this very key): share it rather than fail early.
                counters.cacheMisses.increment()
                await inFlight.value
                return cached?.keySet ?? keySet
            }
            counters.cooldownHits.increment()
            logger.debug(
                coolingDown ? "unknown key during the refetch cooldown: no fetch" : "unknown key while the last fetch failed recently: no fetch",
                metadata: keyMetadata(keyID, algorithm)
            )
            return keySet
        }
        lastUnknownKeyRefetch = now
        counters.cacheMisses.increment()
        logger.info("no cached key fits the token: refetching the key set once", metadata: keyMetadata(keyID, algorithm))
        await fetchShared(reason: "unknown key")
        return cached?.keySet ?? keySet
    }

    private func keySetAfterExpiry(now: Duration) async throws(IntrospectionJWTError) -> JWKSet {
        if let urlRefusal { throw .jwksUnavailable(urlRefusal) }
        if let failure = lastFailure {
            // An outage is under way: nobody waits for it; retries run in the background.
            if let cached, now < cached.staleUntil {
                startBackgroundRefresh(reason: "retry after a failed fetch", now: now)
                return serveStale(cached, now: now)
            }
            if now < failure.at + configuration.failureBackoff, inFlight == nil {
                throw .jwksUnavailable("the key set at \(loggedURL) could not be fetched: \(failure.message)")
            }
        }
        counters.cacheMisses.increment()
        await fetchShared(reason: cached == nil ? "no keys cached" : "the cached keys expired")
        return try usableKeysAfterFetch()
    }

    private func usableKeysAfterFetch() throws(IntrospectionJWTError) -> JWKSet {
        let now = clock.uptime
        guard let cached else {
            throw .jwksUnavailable("the key set at \(loggedURL) could not be fetched: \(lastFailure?.message ?? urlRefusal ?? "no keys")")
        }
        if now < cached.expiresAt || lastFailure == nil { return cached.keySet }
        if now < cached.staleUntil { return serveStale(cached, now: now) }
        throw .jwksUnavailable(
            "the key set at \(loggedURL) could not be refreshed (\(lastFailure?.message ?? "unknown error")) and the last good keys are past the staleness limit"
        )
    }

    private func serveStale(_ cached: CachedKeys, now: Duration) -> JWKSet {
        counters.staleServes.increment()
        logger.debug("serving stale keys during a JWKS outage", metadata: [
            "jwks_uri": "\(loggedURL)", "expired_seconds_ago": "\((now - cached.expiresAt).wholeSeconds)",
        ])
        return cached.keySet
    }

    private func keyMetadata(_ keyID: String?, _ algorithm: SignatureAlgorithm) -> Logger.Metadata {
        ["jwks_uri": "\(loggedURL)", "kid": "\(keyID.map { quoted($0, limit: 40) } ?? "none")", "alg": "\(algorithm.rawValue)"]
    }

    // MARK: - Fetching

    private func fetchShared(reason: String) async {
        if let inFlight {
            await inFlight.value
            return
        }
        let task = Task { await self.fetch(reason: reason) }
        inFlight = task
        await task.value
    }

    private func startBackgroundRefresh(reason: String, now: Duration) {
        guard inFlight == nil, urlRefusal == nil else { return }
        if let failure = lastFailure, now < failure.at + configuration.failureBackoff { return }
        inFlight = Task { await self.fetch(reason: reason) }
    }

    private func fetch(reason: String) async {
        defer { inFlight = nil }
        if let urlRefusal {
            recordFailure(urlRefusal)
            return
        }
        fetchCount += 1
        counters.fetches.increment()
        logger.debug("fetching the key set", metadata: ["jwks_uri": "\(loggedURL)", "reason": "\(reason)"])
        let validators = JWKSFetcher.Validators(entityTag: cached?.entityTag, lastModified: cached?.lastModified)
        let outcome: JWKSFetcher.Outcome
        do {
            outcome = try await fetcher.fetch(url, validators: validators, now: clock.now)
        } catch {
            recordFailure(error.message)
            return
        }
        switch outcome {
        case .fetched(let document):
            parseCount += 1
            counters.parses.increment()
            do {
                try document.keySet.requireUsableKeys()
            } catch {
                recordFailure(error.message)
                return
            }
            let keySet = document.keySet
            let timeToLive = store(keySet, headers: document.cacheHeaders)
            logger.info("fetched the key set", metadata: [
                "jwks_uri": "\(loggedURL)", "keys": "\(keySet.keys.count)", "skipped": "\(keySet.skippedKeys.count)",
                "ttl_seconds": "\(timeToLive.wholeSeconds)", "reason": "\(reason)",
            ])
            await recordInArchive(keySet)
        case .notModified(var headers):
            guard let previous = cached else {
                recordFailure("304 Not Modified, but no keys are cached")
                return
            }
            headers.entityTag = headers.entityTag ?? previous.entityTag
            headers.lastModified = headers.lastModified ?? previous.lastModified
            let timeToLive = store(previous.keySet, headers: headers)
            counters.notModified.increment()
            logger.debug("the key set is unchanged (304)", metadata: ["jwks_uri": "\(loggedURL)", "ttl_seconds": "\(timeToLive.wholeSeconds)"])
            await recordInArchive(previous.keySet)
        }
    }

    /// Records the keys of a fetched (or revalidated) set in the archive, if there is one.
    private func recordInArchive(_ keySet: JWKSet) async {
        guard let archive else { return }
        do {
            try await archive.record(keySet.keys, source: url, seen: clock.now)
        } catch {
            logger.warning("could not record the fetched keys in the archive", metadata: [
                "jwks_uri": "\(loggedURL)", "error": "\(error)",
            ])
        }
    }

    @discardableResult
    private func store(_ keySet: JWKSet, headers: HTTPCacheHeaders) -> Duration {
        let now = clock.uptime
        let timeToLive = configuration.timeToLive(advertised: headers.freshnessLifetime)
        let refreshAfter = max(timeToLive - configuration.refreshAhead, timeToLive / 2)
        let staleness = min(headers.staleIfError ?? configuration.maximumStaleness, configuration.maximumStaleness)
        cached = CachedKeys(
            keySet: keySet,
            expiresAt: now + timeToLive,
            refreshAt: now + refreshAfter,
            staleUntil: now + timeToLive + max(.zero, staleness),
            entityTag: headers.entityTag,
            lastModified: headers.lastModified
        )
        lastFailure = nil
        return timeToLive
    }

    private func recordFailure(_ message: String) {
        let now = clock.uptime
        lastFailure = Failure(at: now, message: message)
        counters.fetchFailures.increment()
        var metadata: Logger.Metadata = ["jwks_uri": "\(loggedURL)", "error": "\(message)"]
        if let cached {
            if now < cached.expiresAt {
                metadata["keys"] = "kept; still fresh"
            } else if now < cached.staleUntil {
                metadata["keys"] = "kept; stale for \((now - cached.expiresAt).wholeSeconds) s, served until \((cached.staleUntil - now).wholeSeconds) s from now"
            } else {
                metadata["keys"] = "past the staleness limit; not served"
            }
            logger.warning("fetching the key set failed", metadata: metadata)
        } else {
            metadata["keys"] = "none"
            logger.error("fetching the key set failed", metadata: metadata)
        }
    }
}
