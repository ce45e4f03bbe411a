import Foundation
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import Logging
import Metrics
import Testing
import TokenIntrospectionClient

/// The suites that run local authorization servers, one test at a time: they start servers, flood them
/// and count calls, and run beside suites whose child processes need this process's in-process servers
/// to answer within their timeouts (on two cores, all of them at once starved those servers).
@Suite(.serialized) enum ResourceServerSuites {}

/// The resource server's registration at every local authorization server.
let resourceServerClient = LocalAuthorizationServer.Client(id: "rs-orders", secret: "s3cr%t &=+")

/// A cache and an authorizer in front of a client of a local authorization server, all on one manual clock.
struct ResourceServerFixture {
    let server: LocalAuthorizationServer
    let clock: ManualClock
    let introspection: CachedIntrospection
    let authorizer: BearerTokenAuthorizer

    init(
        server: LocalAuthorizationServer,
        configuration: IntrospectionCacheConfiguration = IntrospectionCacheConfiguration(),
        clock: ManualClock = ManualClock(),
        auditRecorder: (any IntrospectionAuditRecorder)? = nil,
        keyArchive: (any KeyArchive)? = nil,
        timeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "test"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.server = server
        self.clock = clock
        let client = IntrospectionClient(
            options: IntrospectionClientOptions(
                issuer: server.issuer, clientID: resourceServerClient.id, clientSecret: resourceServerClient.secret,
                timeout: timeout, keyArchive: keyArchive),
            clock: clock, logger: logger)
        introspection = CachedIntrospection(
            client: client, configuration: configuration, clock: clock, auditRecorder: auditRecorder, logger: logger,
            metricsFactory: metricsFactory)
        authorizer = BearerTokenAuthorizer(introspection: introspection, realm: "orders-api", logger: logger, metricsFactory: metricsFactory)
    }

    /// An active token with `scope`, valid for `lifetime` seconds (of real time: the local server judges `exp`
    /// by the system clock, the cache by the manual one, which starts at the same moment).
    func token(scope: String = "orders:read", lifetime: Int = 3600) -> String {
        server.issueAccessToken(scope: scope, lifetime: lifetime)
    }
}

/// Runs `body` against a fresh local authorization server, shutting it down afterwards.
func withAuthorizationServer<T>(
    faults: LocalAuthorizationServer.Faults = .none,
    _ body: (LocalAuthorizationServer) async throws -> T
) async throws -> T {
    try await LocalAuthorizationServer.start(client: resourceServerClient, faults: faults).shuttingDown(after: body)
}

/// A random token no server has issued (43 base64url characters).
func randomToken() -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return String((0..<43).map { _ in alphabet.randomElement()! })
}

/// A temporary directory removed when the value is released.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rs-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
