import Foundation
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Logging
import MetricsTestKit
import Testing

extension RemoteKeys {
/// Outages and hostile servers: failed refreshes never evict good keys, stale keys serve within limits,
/// and recovery follows. Every case counts the requests the server saw.
@Suite("Remote JWKS: outages and hostile servers")
struct KeySourceResilienceTests {
    /// One way a refresh can fail.
    struct Failure: Sendable, CustomTestStringConvertible {
        let name: String
        let response: @Sendable () -> TestHTTPServer.Response
        /// Words the recorded error must contain.
        let reason: String
        var testDescription: String { name }
    }

    static let oversized = Array(repeating: UInt8(ascii: " "), count: 600 * 1024)

    static let failures: [Failure] = [
        Failure(name: "HTTP 500", response: { .status(500) }, reason: "500"),
        Failure(name: "HTTP 503", response: { .json(#"{"error":"unavailable"}"#, status: 503) }, reason: "503"),
        Failure(name: "HTTP 404", response: { .status(404) }, reason: "404"),
        Failure(name: "timeout (no response head)", response: { TestHTTPServer.Response(delay: .seconds(3)) }, reason: "timed out"),
        Failure(name: "slow body", response: {
            TestHTTPServer.Response(headers: [(name: "Content-Type", value: "application/json")],
                body: Array(RemoteFixture.jwks(RemoteFixture.keyA).utf8), drip: (chunkSize: 16, interval: .milliseconds(100)))
        }, reason: "timed out"),
        Failure(name: "oversized body with Content-Length", response: {
            TestHTTPServer.Response(headers: [(name: "Content-Type", value: "application/json")], body: oversized)
        }, reason: "size limit"),
        Failure(name: "oversized chunked body", response: {
            TestHTTPServer.Response(headers: [(name: "Content-Type", value: "application/json")], body: oversized, omitsContentLength: true)
        }, reason: "size limit"),
        Failure(name: "malformed JSON", response: { .json(#"{"keys":[{"kty":"EC",}]"#) }, reason: "not a usable JWK Set"),
        Failure(name: "duplicate member names", response: { .json(#"{"keys":[],"keys":[]}"#) }, reason: "not a usable JWK Set"),
        Failure(name: "HTML error page", response: { .text("<html>maintenance</html>", contentType: "text/html") }, reason: "text/html"),
        Failure(name: "no usable keys", response: { .json(#"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#) }, reason: "no usable"),
        Failure(name: "connection closed without a response", response: { .hangUp }, reason: "connection"),
    ]

    @Test("A failed refresh never evicts good keys: they keep serving, stale, and the failure is recorded", arguments: failures)
    func failedRefreshKeepsGoodKeys(failure: Failure) async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            let metrics = TestMetrics()
            let logs = LogRecorder()
            let configuration = RemoteFixture.configuration(
                timeToLive: .milliseconds(100), failureBackoff: .seconds(30), requestTimeout: .milliseconds(400)
            )
            let clock = ManualClock()
            let (source, verifier) = RemoteFixture.sourceAndVerifier(server, configuration, clock: clock, logger: logs.logger(), metrics: metrics)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)

            let makeResponse = failure.response
            await script.set { _ in makeResponse() }
            clock.advance(by: .milliseconds(150))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil, "the last good keys serve")
            #expect(server.requestCount == 2)
            let error = await source.lastFetchError ?? ""
            #expect(error.contains(failure.reason), "\(error)")
            for _ in 0..<10 {
                #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            }
            #expect(server.requestCount == 2, "no retry before the failure backoff")
            #expect(await source.parseCount <= 2)
            #expect(await source.cachedKeySet?.keys.map(\.keyID) == ["key-a"])
            #expect(total(metrics, RemoteJWKSMetrics.fetchFailures) == 1)
            #expect(total(metrics, RemoteJWKSMetrics.staleServes) == 11)
            #expect(logs.all.contains { $0.level == .warning && $0.message.contains("failed") && $0.metadata.contains(failure.reason) })
        }
    }

    @Test("A failure during the refresh window keeps the fresh keys and nobody waits")
    func failedRefreshAheadKeepsFreshKeys() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            let configuration = RemoteFixture.configuration(timeToLive: .seconds(2), refreshAhead: .seconds(2), failureBackoff: .seconds(30))
            let clock = ManualClock()
            let (source, verifier) = RemoteFixture.sourceAndVerifier(server, configuration, clock: clock)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            await script.set { _ in .status(500) }
            clock.advance(by: .milliseconds(1100))  // past half the time to live: refresh window
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(await server.waitForRequests(2))
            await source.fetchesFinished()
            for _ in 0..<5 { #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil) }
            #expect(server.requestCount == 2, "the failure backoff also holds the refresh ahead")
            #expect(await source.lastFetchError?.contains("500") == true)
        }
    }

    @Test("Stale keys serve during an outage; retries run in the background; the source recovers after it")
    func outageAndRecovery() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            let metrics = TestMetrics()
            let configuration = RemoteFixture.configuration(
                timeToLive: .milliseconds(200), maximumStaleness: .seconds(30), failureBackoff: .milliseconds(300)
            )
            let manualClock = ManualClock()
            let (source, verifier) = RemoteFixture.sourceAndVerifier(server, configuration, clock: manualClock, metrics: metrics)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)

            // The outage: every request fails slowly.
            await script.set { _ in TestHTTPServer.Response(status: 503, delay: .milliseconds(150)) }
            manualClock.advance(by: .milliseconds(250))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil, "stale keys serve")
            #expect(server.requestCount == 2, "the first caller after expiry waited for the failed refresh")

            let clock = ContinuousClock()
            manualClock.advance(by: .milliseconds(350))  // past the failure backoff
            let start = clock.now
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(clock.now - start < .milliseconds(120), "during an outage no caller waits for a retry")
            #expect(await server.waitForRequests(3), "the retry ran in the background")

            // The outage ends with a rotated key set.
            await script.serve(RemoteFixture.jwks(RemoteFixture.keyA, RemoteFixture.keyB))
            await source.fetchesFinished()  // the failed retry lands
            manualClock.advance(by: .milliseconds(350))  // and its backoff passes
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(await server.waitForRequests(4))
            await source.fetchesFinished()
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyB)) == nil, "recovered: the new key is there")
            #expect(server.requestCount == 4)
            #expect(await source.lastFetchError == nil)
            #expect(total(metrics, RemoteJWKSMetrics.fetchFailures) == 2)
            #expect(total(metrics, RemoteJWKSMetrics.staleServes) >= 2)
        }
    }

    @Test("Keys past the maximum staleness are not served: jwks_unavailable")
    func stalenessLimit() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            let configuration = RemoteFixture.configuration(
                timeToLive: .milliseconds(100), maximumStaleness: .milliseconds(700), failureBackoff: .milliseconds(50)
            )
            let clock = ManualClock()
            let (_, verifier) = RemoteFixture.sourceAndVerifier(server, configuration, clock: clock)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            await script.set { _ in .status(502) }
            clock.advance(by: .milliseconds(150))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil, "within the staleness limit")
            clock.advance(by: .milliseconds(800))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == .jwksUnavailable)
            await script.serve(RemoteFixture.jwks(RemoteFixture.keyA))
            clock.advance(by: .milliseconds(60))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil, "recovers once the server answers")
        }
    }

    @Test("stale-if-error shortens the staleness window")
    func staleIfError() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA), headers: [(name: "Cache-Control", value: "max-age=0, stale-if-error=0")])
        try await withServer(script) { server in
            let configuration = RemoteFixture.configuration(minimumTimeToLive: .milliseconds(100), maximumStaleness: .seconds(60))
            let clock = ManualClock()
            let (_, verifier) = RemoteFixture.sourceAndVerifier(server, configuration, clock: clock)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            await script.set { _ in .status(500) }
            clock.advance(by: .milliseconds(150))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == .jwksUnavailable)
            #expect(server.requestCount == 2)
        }
    }

    @Test("On a cold cache a failure is jwks_unavailable, and no new request is made before the backoff")
    func coldCacheFailure() async throws {
        let script = ResponseScript { _ in .status(503) }
        try await withServer(script) { server in
            let clock = ManualClock()
            let (_, verifier) = RemoteFixture.sourceAndVerifier(server, RemoteFixture.configuration(failureBackoff: .milliseconds(300)), clock: clock)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == .jwksUnavailable)
            for _ in 0..<20 {
                #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == .jwksUnavailable)
            }
            #expect(server.requestCount == 1, "fails fast during the backoff")
            await script.serve(RemoteFixture.jwks(RemoteFixture.keyA))
            clock.advance(by: .milliseconds(299))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == .jwksUnavailable)
            #expect(server.requestCount == 1, "still within the backoff")
            clock.advance(by: .milliseconds(1))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 2)
        }
    }

    @Test("A refused connection is jwks_unavailable")
    func connectionRefused() async throws {
        let server = try await TestHTTPServer.start { _ in .status(200) }
        let url = server.baseURL + "/jwks"
        try await server.shutdown()
        let source = RemoteJWKSKeySource(url: url, configuration: RemoteFixture.configuration(), logger: RemoteFixture.logger)
        do {
            _ = try await source.keySet()
            Issue.record("expected jwks_unavailable")
        } catch {
            #expect(error.code == .jwksUnavailable)
        }
        #expect(await source.fetchCount == 1)
    }

    @Test("Loopback redirects are followed; a redirect to plain http elsewhere is refused without being followed")
    func redirects() async throws {
        let script = ResponseScript { request in
            switch request.pathWithoutQuery {
            case "/old": return .redirect(to: "/jwks", status: 301)
            case "/jwks": return .json(RemoteFixture.jwks(RemoteFixture.keyA))
            case "/elsewhere": return .redirect(to: "http://keys.example.com/jwks")
            case "/loop": return .redirect(to: "/loop", status: 307)
            default: return .status(404)
            }
        }
        try await withServer(script) { server in
            let followed = RemoteJWKSKeySource(url: server.baseURL + "/old", configuration: RemoteFixture.configuration(), logger: RemoteFixture.logger)
            #expect(await verdict(RemoteFixture.verifier(followed), RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount(path: "/old") == 1)
            #expect(server.requestCount(path: "/jwks") == 1)

            let refused = RemoteJWKSKeySource(url: server.baseURL + "/elsewhere", configuration: RemoteFixture.configuration(), logger: RemoteFixture.logger)
            #expect(await verdict(RemoteFixture.verifier(refused), RemoteFixture.token(RemoteFixture.keyA)) == .jwksUnavailable)
            #expect(await refused.lastFetchError?.contains("not https") == true)
            #expect(server.requestCount(path: "/elsewhere") == 1)

            let looping = RemoteJWKSKeySource(url: server.baseURL + "/loop", configuration: RemoteFixture.configuration(), logger: RemoteFixture.logger)
            #expect(await verdict(RemoteFixture.verifier(looping), RemoteFixture.token(RemoteFixture.keyA)) == .jwksUnavailable)
            #expect(server.requestCount(path: "/loop") == 6, "the request and five redirects, then refused")
        }
    }

    @Test("Non-https URLs (except loopback) and URLs with credentials are refused without any request", arguments: [
        "http://as.example.com/jwks", "ftp://as.example.com/jwks", "https://user:secret@as.example.com/jwks", "/jwks", "not a url",
    ])
    func refusedURLs(url: String) async {
        let source = RemoteJWKSKeySource(url: url, configuration: RemoteFixture.configuration(), logger: RemoteFixture.logger)
        do {
            _ = try await source.keySet(forKeyID: "key-a", algorithm: .es256)
            Issue.record("expected jwks_unavailable")
        } catch {
            #expect(error.code == .jwksUnavailable)
            #expect(!error.message.contains("secret"))
        }
        #expect(await source.fetchCount == 0)
    }

    @Test("Logs name the JWKS URL without its query, and never contain tokens")
    func logsCarryNoSecrets() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            let logs = LogRecorder()
            let clock = ManualClock()
            let source = RemoteJWKSKeySource(
                url: server.baseURL + "/jwks?api_key=hunter2",
                configuration: RemoteFixture.configuration(timeToLive: .milliseconds(50), cooldown: .zero, failureBackoff: .zero),
                clock: clock,
                logger: logs.logger()
            )
            let verifier = RemoteFixture.verifier(source)
            var tokens = [RemoteFixture.token(RemoteFixture.keyA), RemoteFixture.token(keyID: "forged")]
            _ = await verdict(verifier, tokens[0])
            _ = await verdict(verifier, tokens[1])
            await script.set { _ in .status(500) }
            clock.advance(by: .milliseconds(60))
            tokens.append(RemoteFixture.token(RemoteFixture.keyA))
            _ = await verdict(verifier, tokens[2])
            let text = logs.text
            #expect(text.contains("/jwks"))
            #expect(!text.contains("hunter2"))
            for token in tokens {
                for part in token.split(separator: ".") {
                    #expect(!text.contains(part), "a token part appeared in the logs")
                }
            }
            #expect(logs.all.contains { $0.level == .info && $0.message.contains("refetching") })
        }
    }
}
}
