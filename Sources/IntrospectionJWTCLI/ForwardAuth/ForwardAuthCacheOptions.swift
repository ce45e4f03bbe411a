import ArgumentParser
import IntrospectionResourceServer

/// `forward-auth`'s cache and its bound on calls to the authorization server (the settings of
/// `IntrospectionCacheConfiguration`).
struct ForwardAuthCacheOptions: ParsableArguments {
    @Option(name: .customLong("cache-ttl"), help: ArgumentHelp(
        "The longest an active answer is cached, in seconds (never past the token's exp); 0: no cache.",
        valueName: "seconds"))
    var cacheTTL: String = "300"

    @Option(name: .customLong("negative-cache-ttl"), help: ArgumentHelp(
        "How long an inactive answer is cached, in seconds; 0: not cached (default 30, or 0 with --cache-ttl 0).",
        valueName: "seconds"))
    var negativeCacheTTL: String?

    @Option(name: .customLong("cache-size"), help: ArgumentHelp("The most answers cached; the least recently used goes first.", valueName: "n"))
    var cacheSize: String = String(IntrospectionCacheConfiguration.defaultMaximumEntryCount)

    @Option(name: .customLong("max-concurrent-introspections"), help: ArgumentHelp(
        "The most calls to the authorization server in flight; past it an uncached token is answered 503 at once.", valueName: "n"))
    var maxConcurrentIntrospections: String = String(IntrospectionCacheConfiguration.defaultMaximumConcurrentCalls)

    func validate() throws {
        _ = try configuration()
    }

    /// The cache's configuration, or a `ValidationError` (exit status 2) naming the bad option.
    /// `--cache-ttl 0` turns the cache off, inactive answers included, unless `--negative-cache-ttl` is
    /// given too.
    func configuration() throws -> IntrospectionCacheConfiguration {
        let active = try PolicyOptions.seconds(cacheTTL, of: "--cache-ttl", zero: .allowed)
        let inactive = try negativeCacheTTL.map { try PolicyOptions.seconds($0, of: "--negative-cache-ttl", zero: .allowed) }
            ?? (active == 0 ? 0 : Double(IntrospectionCacheConfiguration.defaultNegativeTimeToLive.components.seconds))
        return IntrospectionCacheConfiguration(
            maximumTimeToLive: Self.duration(active),
            negativeTimeToLive: Self.duration(inactive),
            maximumEntryCount: try Self.count(cacheSize, of: "--cache-size"),
            maximumConcurrentCalls: try Self.count(maxConcurrentIntrospections, of: "--max-concurrent-introspections"))
    }

    /// A whole number from 1 to 10,000,000, or a `ValidationError` naming `option`.
    static func count(_ text: String, of option: String) throws -> Int {
        guard text.count <= 8, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text), value >= 1, value <= 10_000_000 else {
            throw ValidationError("\(option) must be a whole number from 1 to 10000000, not '\(text)'.")
        }
        return value
    }

    /// Seconds as a duration, to the millisecond (saturating: a lifetime of centuries is a lifetime).
    static func duration(_ seconds: Double) -> Duration {
        .milliseconds(Int64(min(seconds * 1000, Double(Int64.max / 2)).rounded(.down)))
    }
}
