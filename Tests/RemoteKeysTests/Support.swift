import Foundation
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Logging
import Testing
import MetricsTestKit
import NIOConcurrencyHelpers

/// Every suite of this target, run one test at a time: the tests measure short times and count requests,
/// and CPU-heavy neighbours (a thousand concurrent verifications) would make their timing noisy.
@Suite(.serialized) enum RemoteKeys {}

/// Keys and tokens for the remote-key tests (EC keys: fast to generate and to verify).
enum RemoteFixture {
    static let keyA = TestSigningKey(.ec(.p256), keyID: "key-a")
    static let keyB = TestSigningKey(.ec(.p256), keyID: "key-b")
    static let rsa = TestSigningKey(.rsa(bits: 2048), keyID: "key-rsa")

    /// A logger for the key sources under test that prints nothing (tests that read logs record them).
    static let logger: Logger = {
        var logger = Logger(label: "remote-keys-tests")
        logger.logLevel = .critical
        return logger
    }()

    static let policy = VerificationPolicy(issuer: TokenMinter.issuer, audience: TokenMinter.audience)

    static var now: Int { Int(Date().timeIntervalSince1970) }

    /// A valid response signed by `key` (ES256 for EC keys, RS256 for RSA).
    static func token(_ key: TestSigningKey) -> String {
        TokenMinter.response(key: key, algorithm: algorithm(for: key), issuedAt: now)
    }

    /// A response signed by `keyA` whose header names `keyID` instead.
    static func token(keyID: String?) -> String {
        TokenMinter.sign(
            header: TokenMinter.header(algorithm: .es256, keyID: keyID),
            payload: TokenMinter.payload(issuedAt: now), key: keyA, algorithm: .es256
        )
    }

    static func algorithm(for key: TestSigningKey) -> SignatureAlgorithm {
        if case .rsa = key.kind { return .rs256 }
        return .es256
    }

    static func jwks(_ keys: TestSigningKey...) -> String { TokenMinter.jwks(keys) }

    static func verifier(_ source: RemoteJWKSKeySource) -> IntrospectionResponseVerifier {
        IntrospectionResponseVerifier(policy: policy, keySource: source)
    }

    /// A key source for `server`'s `/jwks` and a verifier that takes its keys from it: most tests' setup.
    /// Tests that depend on cache lifetimes pass a ``ManualClock`` and step it instead of sleeping.
    static func sourceAndVerifier(
        _ server: TestHTTPServer,
        _ configuration: RemoteJWKSConfiguration = configuration(),
        clock: any IntrospectionClock = .system,
        logger: Logger = logger,
        metrics: TestMetrics? = nil
    ) -> (RemoteJWKSKeySource, IntrospectionResponseVerifier) {
        let source = RemoteJWKSKeySource(
            url: server.baseURL + "/jwks", configuration: configuration, clock: clock, logger: logger, metricsFactory: metrics
        )
        return (source, verifier(source))
    }

    /// A configuration with short times (tests step a ``ManualClock`` past them).
    static func configuration(
        timeToLive: Duration = .seconds(60),
        minimumTimeToLive: Duration = .zero,
        maximumTimeToLive: Duration = .seconds(3600),
        refreshAhead: Duration = .zero,
        cooldown: Duration = .seconds(60),
        maximumStaleness: Duration = .seconds(60),
        failureBackoff: Duration = .milliseconds(300),
        requestTimeout: Duration = .seconds(2),
        maximumBodyByteCount: Int = 512 * 1024
    ) -> RemoteJWKSConfiguration {
        RemoteJWKSConfiguration(
            defaultTimeToLive: timeToLive, minimumTimeToLive: minimumTimeToLive, maximumTimeToLive: maximumTimeToLive,
            refreshAhead: refreshAhead, unknownKeyCooldown: cooldown, maximumStaleness: maximumStaleness,
            failureBackoff: failureBackoff, requestTimeout: requestTimeout, maximumBodyByteCount: maximumBodyByteCount
        )
    }
}

/// What the test server answers, changeable while it runs.
actor ResponseScript {
    private var respond: @Sendable (TestHTTPServer.Request) -> TestHTTPServer.Response

    init(_ respond: @escaping @Sendable (TestHTTPServer.Request) -> TestHTTPServer.Response) {
        self.respond = respond
    }

    /// A script that always answers `document` as JSON.
    init(serving document: String, headers: [(name: String, value: String)] = []) {
        self.respond = { _ in .json(document, headers: headers) }
    }

    func set(_ respond: @escaping @Sendable (TestHTTPServer.Request) -> TestHTTPServer.Response) {
        self.respond = respond
    }

    func serve(_ document: String, headers: [(name: String, value: String)] = []) {
        self.respond = { _ in .json(document, headers: headers) }
    }

    func response(to request: TestHTTPServer.Request) -> TestHTTPServer.Response {
        respond(request)
    }
}

/// Starts a server answering from `script`, runs `body`, and always shuts the server down.
func withServer<T>(_ script: ResponseScript, _ body: (TestHTTPServer) async throws -> T) async throws -> T {
    try await TestHTTPServer.start { request in await script.response(to: request) }.shuttingDown(after: body)
}

/// The code of a failed verification, or nil when it verified.
func verdict(_ verifier: IntrospectionResponseVerifier, _ token: String) async -> IntrospectionJWTError.Code? {
    do {
        _ = try await verifier.verify(token)
        return nil
    } catch {
        return error.code
    }
}

/// The total of a counter of `metrics` (0 when it was never created).
func total(_ metrics: TestMetrics, _ label: String) -> Int64 {
    metrics.counters.filter { $0.label == label }.map(\.totalValue).reduce(0, +)
}
