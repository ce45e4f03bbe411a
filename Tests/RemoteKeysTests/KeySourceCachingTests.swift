import Foundation
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import MetricsTestKit
import Testing

extension RemoteKeys {
/// Caching, single flight, rotation and the unknown-kid cooldown, counted at a real HTTP server.
@Suite("Remote JWKS: caching and rotation")
struct KeySourceCachingTests {
    @Test("A warm cache verifies with no network I/O and no key parsing")
    func warmCacheDoesNoIOAndNoParsing() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA, RemoteFixture.keyB))
        try await withServer(script) { server in
            let metrics = TestMetrics()
            let (source, verifier) = RemoteFixture.sourceAndVerifier(server, metrics: metrics)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 1)
            #expect(await source.fetchCount == 1)
            #expect(await source.parseCount == 1)
            let hitsBefore = total(metrics, RemoteJWKSMetrics.cacheHits)

            let tokens = (0..<500).map { RemoteFixture.token($0 % 2 == 0 ? RemoteFixture.keyA : RemoteFixture.keyB) }
            for token in tokens {
                #expect(await verdict(verifier, token) == nil)
            }
            #expect(server.requestCount == 1, "a warm cache must not touch the network")
            #expect(await source.fetchCount == 1)
            #expect(await source.parseCount == 1, "a warm cache must not parse keys")
            #expect(total(metrics, RemoteJWKSMetrics.cacheHits) - hitsBefore == 500)
            #expect(total(metrics, RemoteJWKSMetrics.cacheMisses) == 1)
            #expect(total(metrics, RemoteJWKSMetrics.fetches) == 1)
            #expect(total(metrics, RemoteJWKSMetrics.parses) == 1)
        }
    }

    @Test("1,000 concurrent verifications on a cold cache make exactly one request")
    func coldCacheSingleFlight() async throws {
        let script = ResponseScript { _ in
            var response = TestHTTPServer.Response.json(RemoteFixture.jwks(RemoteFixture.keyA))
            response.delay = .milliseconds(200)  // every caller arrives while the fetch is under way
            return response
        }
        try await withServer(script) { server in
            let (source, verifier) = RemoteFixture.sourceAndVerifier(server)
            let token = RemoteFixture.token(RemoteFixture.keyA)
            let failures = await withTaskGroup(of: IntrospectionJWTError.Code?.self) { group in
                for _ in 0..<1000 {
                    group.addTask { await verdict(verifier, token) }
                }
                var failures = 0
                for await code in group where code != nil { failures += 1 }
                return failures
            }
            #expect(failures == 0)
            #expect(server.requestCount == 1)
            #expect(await source.fetchCount == 1)
            #expect(await source.parseCount == 1)
        }
    }

    @Test("A kid that appears after rotation triggers exactly one refetch")
    func rotationRefetchesOnce() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            let (source, verifier) = RemoteFixture.sourceAndVerifier(server)
            for _ in 0..<5 { #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil) }
            #expect(server.requestCount == 1)

            await script.serve(RemoteFixture.jwks(RemoteFixture.keyA, RemoteFixture.keyB))  // the AS rotates
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyB)) == nil)
            #expect(server.requestCount == 2)
            for _ in 0..<20 {
                #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyB)) == nil)
                #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            }
            #expect(server.requestCount == 2, "once the new key is cached, no more fetches")
            #expect(await source.parseCount == 2)
        }
    }

    @Test("Concurrent tokens with a new kid share one refetch")
    func concurrentUnknownKidsShareOneRefetch() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            let (_, verifier) = RemoteFixture.sourceAndVerifier(server)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            await script.set { _ in
                var response = TestHTTPServer.Response.json(RemoteFixture.jwks(RemoteFixture.keyA, RemoteFixture.keyB))
                response.delay = .milliseconds(100)
                return response
            }
            let token = RemoteFixture.token(RemoteFixture.keyB)
            let codes = await withTaskGroup(of: IntrospectionJWTError.Code?.self) { group in
                for _ in 0..<200 { group.addTask { await verdict(verifier, token) } }
                return await group.reduce(into: [IntrospectionJWTError.Code?]()) { $0.append($1) }
            }
            #expect(codes.allSatisfy { $0 == nil })
            #expect(server.requestCount == 2)
        }
    }

    @Test("A flood of tokens with random unknown kids makes fetches bounded by the cooldown")
    func unknownKidFloodIsRateLimited() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            let metrics = TestMetrics()
            let cooldown = Duration.milliseconds(250)
            let (_, verifier) = RemoteFixture.sourceAndVerifier(server, RemoteFixture.configuration(cooldown: cooldown), metrics: metrics)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)

            let clock = ContinuousClock()
            let start = clock.now
            var verified = 0
            var unknown = 0
            var round = 0
            while clock.now - start < .milliseconds(1100) {
                let codes = await withTaskGroup(of: IntrospectionJWTError.Code?.self) { group in
                    for index in 0..<50 {
                        let kid = "attacker-\(round)-\(index)-\(UInt64.random(in: 0...UInt64.max))"
                        group.addTask { await verdict(verifier, RemoteFixture.token(keyID: kid)) }
                    }
                    return await group.reduce(into: [IntrospectionJWTError.Code?]()) { $0.append($1) }
                }
                verified += codes.filter { $0 == nil }.count
                unknown += codes.filter { $0 == .unknownKey }.count
                round += 1
            }
            let elapsed = clock.now - start
            let windows = Int((elapsed / cooldown).rounded(.up))
            let refetches = server.requestCount - 1
            #expect(verified == 0)
            #expect(unknown == round * 50, "every forged kid fails with unknown_key")
            #expect(refetches >= 1)
            #expect(refetches <= windows, "\(refetches) refetches in \(elapsed) with a \(cooldown) cooldown")
            let cooldownHits = total(metrics, RemoteJWKSMetrics.cooldownHits)
            #expect(cooldownHits > 0 && cooldownHits <= Int64(round * 50 - refetches), "forged kids in the cooldown cause no fetch")
            // The real key still verifies without a fetch.
            let before = server.requestCount
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == before)
        }
    }

    @Test("A token without kid and no fitting key triggers one refetch, then the cooldown applies")
    func missingKidWithoutFittingKeyRefetchesOnce() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            let (_, verifier) = RemoteFixture.sourceAndVerifier(server)
            // An RS256 token without kid: no RSA key in the set.
            let token = TokenMinter.sign(
                header: TokenMinter.header(algorithm: .rs256, keyID: nil),
                payload: TokenMinter.payload(issuedAt: RemoteFixture.now), key: RemoteFixture.rsa, algorithm: .rs256
            )
            #expect(await verdict(verifier, token) == .unknownKey)
            #expect(server.requestCount == 2, "the first fetch, then one refetch for the key that does not fit")
            #expect(await verdict(verifier, token) == .unknownKey)
            #expect(server.requestCount == 2, "the cooldown holds")
        }
    }

    @Test("max-age sets the time to live; an ETag revalidation answered 304 keeps the parsed keys")
    func maxAgeAndETagRevalidation() async throws {
        let document = RemoteFixture.jwks(RemoteFixture.keyA)
        let script = ResponseScript { request in
            if request.header("If-None-Match") == "\"v1\"" {
                return .status(304, headers: [(name: "ETag", value: "\"v1\""), (name: "Cache-Control", value: "max-age=1")])
            }
            return .json(document, headers: [(name: "ETag", value: "\"v1\""), (name: "Cache-Control", value: "public, max-age=1")])
        }
        try await withServer(script) { server in
            let metrics = TestMetrics()
            let clock = ManualClock()
            let (source, verifier) = RemoteFixture.sourceAndVerifier(
                server, RemoteFixture.configuration(timeToLive: .seconds(60)), clock: clock, metrics: metrics)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 1, "fresh for max-age=1 second")
            #expect(server.receivedRequests[0].header("If-None-Match") == nil)
            #expect(server.receivedRequests[0].header("Accept")?.contains("application/jwk-set+json") == true)

            clock.advance(by: .milliseconds(1100))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 2, "expired after one second: revalidated")
            #expect(server.receivedRequests[1].header("If-None-Match") == "\"v1\"")
            #expect(await source.parseCount == 1, "a 304 keeps the parsed keys")
            #expect(total(metrics, RemoteJWKSMetrics.notModified) == 1)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 2, "the 304 renewed the time to live")
        }
    }

    @Test("Last-Modified is revalidated with If-Modified-Since")
    func lastModifiedRevalidation() async throws {
        let stamp = "Sun, 06 Nov 1994 08:49:37 GMT"
        let script = ResponseScript { request in
            if request.header("If-Modified-Since") == stamp { return .status(304) }
            return .json(RemoteFixture.jwks(RemoteFixture.keyA), headers: [(name: "Last-Modified", value: stamp), (name: "Cache-Control", value: "max-age=0")])
        }
        try await withServer(script) { server in
            let clock = ManualClock()
            let (source, verifier) = RemoteFixture.sourceAndVerifier(
                server, RemoteFixture.configuration(minimumTimeToLive: .milliseconds(100)), clock: clock)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            clock.advance(by: .milliseconds(150))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 2)
            #expect(server.receivedRequests[1].header("If-Modified-Since") == stamp)
            #expect(await source.parseCount == 1)
        }
    }

    @Test("Advertised lifetimes are clamped to the configured minimum and maximum", arguments: [
        ("max-age=0", "minimum"), ("no-store", "minimum"), ("no-cache, max-age=3600", "minimum"),
        ("max-age=86400", "maximum"), ("max-age=999999999999", "maximum"),
    ])
    func lifetimesAreClamped(cacheControl: String, bound: String) async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA), headers: [(name: "Cache-Control", value: cacheControl)])
        try await withServer(script) { server in
            // Whichever bound applies is 300 ms; the other is far away.
            let configuration = bound == "minimum"
                ? RemoteFixture.configuration(minimumTimeToLive: .milliseconds(300), maximumTimeToLive: .seconds(3600))
                : RemoteFixture.configuration(minimumTimeToLive: .zero, maximumTimeToLive: .milliseconds(300))
            let clock = ManualClock()
            let (_, verifier) = RemoteFixture.sourceAndVerifier(server, configuration, clock: clock)
            for _ in 0..<3 { #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil) }
            clock.advance(by: .milliseconds(299))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 1, "fresh until the \(bound) (300 ms)")
            clock.advance(by: .milliseconds(1))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 2, "expired after the \(bound)")
        }
    }

    @Test("Expires (relative to Date) sets the time to live; without caching headers the default applies")
    func expiresAndDefault() async throws {
        func httpDate(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            return formatter.string(from: date)
        }
        // The server's clock is an hour behind ours: only Expires - Date counts (2 seconds).
        let serverNow = Date().addingTimeInterval(-3600)
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA), headers: [
            (name: "Date", value: httpDate(serverNow)), (name: "Expires", value: httpDate(serverNow.addingTimeInterval(2))),
        ])
        try await withServer(script) { server in
            let clock = ManualClock()
            let (_, verifier) = RemoteFixture.sourceAndVerifier(server, RemoteFixture.configuration(timeToLive: .milliseconds(200)), clock: clock)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            clock.advance(by: .milliseconds(1900))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 1, "Expires - Date = 2 s, longer than the 200 ms default")
        }
        let plain = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(plain) { server in
            let clock = ManualClock()
            let (_, verifier) = RemoteFixture.sourceAndVerifier(server, RemoteFixture.configuration(timeToLive: .milliseconds(200)), clock: clock)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            clock.advance(by: .milliseconds(200))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 2, "no caching headers: the 200 ms default")
        }
    }

    @Test("Near expiry a verification refreshes in the background and does not wait for the network")
    func refreshAheadDoesNotBlock() async throws {
        let script = ResponseScript(serving: RemoteFixture.jwks(RemoteFixture.keyA))
        try await withServer(script) { server in
            // Fresh for 1 s; the refresh window opens at max(1 s - 0.8 s, 0.5 s) = 0.5 s.
            let configuration = RemoteFixture.configuration(timeToLive: .seconds(1), refreshAhead: .milliseconds(800))
            let manualClock = ManualClock()
            let (source, verifier) = RemoteFixture.sourceAndVerifier(server, configuration, clock: manualClock)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            manualClock.advance(by: .milliseconds(499))
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(server.requestCount == 1, "before the refresh window: no fetch")

            manualClock.advance(by: .milliseconds(101))
            await script.set { _ in
                var response = TestHTTPServer.Response.json(RemoteFixture.jwks(RemoteFixture.keyA, RemoteFixture.keyB))
                response.delay = .milliseconds(1500)  // a slow server
                return response
            }
            let clock = ContinuousClock()
            let start = clock.now
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil)
            #expect(clock.now - start < .milliseconds(700), "the caller must not wait for the 1.5 s refresh")
            #expect(await server.waitForRequests(2, timeout: .seconds(2)))
            #expect(server.requestCount == 2, "one background refresh, however many callers")

            // Once the refresh lands, the new key is there without another fetch.
            await source.fetchesFinished()
            #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyB)) == nil)
            #expect(server.requestCount == 2)
        }
    }
}
}
