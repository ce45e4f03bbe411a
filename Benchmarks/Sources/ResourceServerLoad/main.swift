// The server side of Benchmarks/resource-server-load.sh: one Hummingbird application on 127.0.0.1 with
// the same trivial route three times, and the local authorization server in the same process.
//
//   GET /open       no authentication
//   GET /cached     IntrospectionMiddleware, default cache (after the first request: cache hits)
//   GET /uncached   IntrospectionMiddleware, cache disabled: every request introspects at the AS
//   GET /stats      {"as_calls": N} counted at the authorization server
//
// It prints `port=<port> token=<token>` once it listens, and runs until SIGTERM or SIGINT.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import IntrospectionHummingbird
import IntrospectionResourceServer
import IntrospectionTesting
import Logging
import NIOCore
import TokenIntrospectionClient

typealias Context = BasicAuthRequestContext<IntrospectionIdentity>

let client = LocalAuthorizationServer.Client(id: "rs-bench", secret: "bench-secret")
let server = try await LocalAuthorizationServer.start(client: client)
let token = server.issueAccessToken(scope: "orders:read", lifetime: 86_400)
let quiet: Logger = {
    var logger = Logger(label: "resource-server-load")
    logger.logLevel = .error
    return logger
}()

func authorizer(_ configuration: IntrospectionCacheConfiguration, issuer: String, client: LocalAuthorizationServer.Client, logger: Logger) -> BearerTokenAuthorizer {
    let introspection = IntrospectionClient(
        options: IntrospectionClientOptions(issuer: issuer, clientID: client.id, clientSecret: client.secret), logger: logger)
    return BearerTokenAuthorizer(
        introspection: CachedIntrospection(client: introspection, configuration: configuration, logger: logger),
        realm: "bench", logger: logger)
}

let router = Router(context: Context.self)
router.get("open") { _, _ in "ok" }
router.group("cached")
    .add(middleware: IntrospectionMiddleware(
        authorizer(IntrospectionCacheConfiguration(), issuer: server.issuer, client: client, logger: quiet), requirement: .scope("orders:read")))
    .get { _, _ in "ok" }
router.group("uncached")
    .add(middleware: IntrospectionMiddleware(
        authorizer(
            IntrospectionCacheConfiguration(maximumTimeToLive: .zero, negativeTimeToLive: .zero, maximumConcurrentCalls: 4096),
            issuer: server.issuer, client: client, logger: quiet),
        requirement: .scope("orders:read")))
    .get { _, _ in "ok" }
router.get("stats") { _, _ in #"{"as_calls":\#(server.introspectionCount)}"# }

/// The decision on a cache hit `count` times in a row, off the main actor (top-level code runs on it, and
/// a hop per call would be measured instead); nanoseconds per decision.
nonisolated func hitPath(_ authorizer: BearerTokenAuthorizer, token: String, count: Int) async -> Double {
    var fields = HTTPFields()
    fields[.authorization] = "Bearer \(token)"
    let requirement = AccessRequirement.scope("orders:read")
    guard case .allowed = await authorizer.authorize(fields, requirement: requirement) else { return .nan }
    let started = ContinuousClock.now
    for _ in 0..<count {
        guard case .allowed = await authorizer.authorize(fields, requirement: requirement) else { return .nan }
    }
    let elapsed = ContinuousClock.now - started
    return (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(count)
}

// `ResourceServerLoad hit-path N`: the decision on a cache hit alone, N times, no HTTP.
if CommandLine.arguments.dropFirst().first == "hit-path" {
    let count = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 1_000_000
    let hits = authorizer(IntrospectionCacheConfiguration(), issuer: server.issuer, client: client, logger: quiet)
    let nanoseconds = await hitPath(hits, token: token, count: count)
    print("hit-path: \(String(format: "%.0f", nanoseconds)) ns per decision (\(count) decisions)")
    try await server.shutdown()
    exit(0)
}

let port = Int(CommandLine.arguments.dropFirst().first ?? "0") ?? 0
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    onServerRunning: { channel in
        FileHandle.standardOutput.write(Data("port=\(channel.localAddress?.port ?? 0) token=\(token)\n".utf8))
    },
    logger: quiet
)
try await app.runService()
try await server.shutdown()
