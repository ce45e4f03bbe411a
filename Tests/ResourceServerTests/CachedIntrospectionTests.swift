import Foundation
import IntrospectionJWT
@testable import IntrospectionResourceServer
import IntrospectionTesting
import Testing

extension ResourceServerSuites {
    @Suite("Cached introspection against the local authorization server")
    struct CachedIntrospectionTests {
        @Test("A cache hit makes no call to the authorization server")
        func cacheHit() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                let token = fixture.token()
                for _ in 0..<5 {
                    guard case .active(let identity) = await fixture.introspection.introspect(token: token) else {
                        Issue.record("the token is not active")
                        return
                    }
                    #expect(identity.hasScope("orders:read"))
                    #expect(identity.signedResponse?.split(separator: ".").count == 3)
                }
                #expect(server.introspectionCount == 1)
                #expect(fixture.introspection.entryCount == 1)
            }
        }

        /// Introspects `token` once, again after `stillCached` (the answer is used: no call), and again after
        /// `expiresAfter` more (a second call).
        func expectCachedUntil(_ fixture: ResourceServerFixture, _ token: String, stillCached: Duration, expiresAfter: Duration) async {
            _ = await fixture.introspection.introspect(token: token)
            fixture.clock.advance(by: stillCached)
            _ = await fixture.introspection.introspect(token: token)
            #expect(fixture.server.introspectionCount == 1)
            fixture.clock.advance(by: expiresAfter)
            _ = await fixture.introspection.introspect(token: token)
            #expect(fixture.server.introspectionCount == 2)
        }

        @Test("An active answer is not used past the token's exp: the next request calls again")
        func expHonoured() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                // Well under the 5-minute cap; the expiry is stepped past, never slept through.
                await expectCachedUntil(fixture, fixture.token(lifetime: 120), stillCached: .seconds(110), expiresAfter: .seconds(11))
            }
        }

        @Test("An active answer lives at most the configured maximum, even when exp is later")
        func maximumTimeToLive() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server, configuration: .init(maximumTimeToLive: .seconds(60)))
                await expectCachedUntil(fixture, fixture.token(lifetime: 3600), stillCached: .seconds(59), expiresAfter: .seconds(2))
            }
        }

        @Test("An inactive answer is cached for the shorter negative lifetime only")
        func negativeCaching() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(
                    server: server, configuration: .init(maximumTimeToLive: .seconds(300), negativeTimeToLive: .seconds(20)))
                let token = fixture.token()
                server.revoke(token)
                await expectCachedUntil(fixture, token, stillCached: .seconds(19), expiresAfter: .seconds(2))
                guard case .inactive = await fixture.introspection.introspect(token: token) else {
                    Issue.record("a revoked token is not inactive")
                    return
                }
            }
        }

        @Test("A zero negative lifetime caches no inactive answer")
        func noNegativeCaching() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server, configuration: .init(negativeTimeToLive: .zero))
                let token = randomToken()
                for _ in 0..<3 { _ = await fixture.introspection.introspect(token: token) }
                #expect(server.introspectionCount == 3)
                #expect(fixture.introspection.entryCount == 0)
            }
        }

        @Test("5xx and 429 are unavailable, a refused call and a bad signature are invalid answers, and none is cached", arguments: [
            (500, "unavailable"), (503, "unavailable"), (429, "unavailable"), (401, "invalid_answer"), (400, "invalid_answer"),
        ])
        func httpErrorsNotCached(status: Int, expected: String) async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                let token = fixture.token()
                _ = await fixture.introspection.introspect(token: fixture.token())  // discovery and keys, then the fault
                server.updateFaults { $0.errorResponse = (status, #"{"error":"x"}"#) }
                for _ in 0..<3 {
                    let outcome = await fixture.introspection.introspect(token: token)
                    #expect(outcome.name == expected)
                }
                #expect(server.introspectionCount == 4)
                #expect(fixture.introspection.entryCount == 1)
                server.updateFaults { $0.errorResponse = nil }
                guard case .active = await fixture.introspection.introspect(token: token) else {
                    Issue.record("the token is not active once the server recovers")
                    return
                }
            }
        }

        @Test("Answers that fail verification or are downgraded are invalid answers, never cached", arguments: [
            "tamper", "unpublished", "downgrade", "issuer",
        ])
        func invalidAnswersNotCached(fault: String) async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                let token = fixture.token()
                _ = await fixture.introspection.introspect(token: fixture.token())
                server.updateFaults { faults in
                    switch fault {
                    case "tamper": faults.tamperPayload = true
                    case "unpublished": faults.signWithUnpublishedKey = true
                    case "downgrade": faults.jsonForJWTRequests = true
                    default: faults.issuer = .some("https://evil.example")
                    }
                }
                for _ in 0..<2 {
                    guard case .invalidAnswer(let error) = await fixture.introspection.introspect(token: token) else {
                        Issue.record("the \(fault) answer was not refused as invalid")
                        return
                    }
                    #expect(error.code == (fault == "downgrade" ? .downgrade : .verificationFailed))
                    #expect(error.verifierCode != nil)
                }
                #expect(fixture.introspection.entryCount == 1)
            }
        }

        @Test("1,000 concurrent requests with one token make one call to the authorization server")
        func singleFlight() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                let token = fixture.token()
                server.updateFaults { $0.introspectionDelay = .milliseconds(200) }
                let active = await withTaskGroup(of: Bool.self) { group in
                    for _ in 0..<1_000 {
                        group.addTask {
                            if case .active = await fixture.introspection.introspect(token: token) { return true }
                            return false
                        }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(active == 1_000)
                #expect(server.introspectionCount == 1)
            }
        }

        @Test("A flood of distinct random tokens never has more calls in flight than the bound; the rest fail fast")
        func floodIsBounded() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server, configuration: .init(maximumConcurrentCalls: 4))
                _ = await fixture.introspection.introspect(token: fixture.token())  // discovery and keys
                server.updateFaults { $0.introspectionDelay = .milliseconds(300) }
                let outcomes = await withTaskGroup(of: IntrospectionOutcome.self) { group in
                    for _ in 0..<200 { group.addTask { await fixture.introspection.introspect(token: randomToken()) } }
                    return await group.reduce(into: [IntrospectionOutcome]()) { $0.append($1) }
                }
                let rejected = outcomes.filter {
                    if case .unavailable(let error) = $0 { return error.code == .concurrencyLimit }
                    return false
                }.count
                let inactive = outcomes.filter { if case .inactive = $0 { return true } else { return false } }.count
                #expect(server.peakConcurrentIntrospections <= 4)
                #expect(rejected >= 100)  // the flood is over long before the first four calls end
                #expect(inactive + rejected == 200)
                #expect(server.introspectionCount == 1 + inactive)
                #expect(fixture.introspection.callsInFlightCount == 0)
            }
        }

        @Test("With the authorization server down, requests are unavailable and nothing is cached")
        func serverDown() async throws {
            let server = try await LocalAuthorizationServer.start(client: resourceServerClient)
            let fixture = ResourceServerFixture(server: server, timeout: .seconds(2))
            let warm = fixture.token()
            _ = await fixture.introspection.introspect(token: warm)
            let token = fixture.token()
            try await server.shutdown()
            for _ in 0..<2 {
                guard case .unavailable(let error) = await fixture.introspection.introspect(token: token) else {
                    Issue.record("a call to a stopped server is not unavailable")
                    return
                }
                #expect(error.code == .asUnreachable)
            }
            #expect(fixture.introspection.entryCount == 1)
            guard case .active = await fixture.introspection.introspect(token: warm) else {
                Issue.record("the cached answer did not survive the outage")
                return
            }
        }

        @Test("The least recently used entry goes first when the cache is full")
        func leastRecentlyUsedEviction() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server, configuration: .init(maximumEntryCount: 2))
                let (a, b, c) = (fixture.token(), fixture.token(), fixture.token())
                for token in [a, b, a, c] { _ = await fixture.introspection.introspect(token: token) }  // b is dropped
                #expect(server.introspectionCount == 3)
                _ = await fixture.introspection.introspect(token: a)
                _ = await fixture.introspection.introspect(token: c)
                #expect(server.introspectionCount == 3)
                _ = await fixture.introspection.introspect(token: b)
                #expect(server.introspectionCount == 4)
                #expect(fixture.introspection.entryCount == 2)
            }
        }

        @Test("With caching disabled every request calls the authorization server")
        func disabled() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server, configuration: .disabled)
                let token = fixture.token()
                for _ in 0..<3 { _ = await fixture.introspection.introspect(token: token) }
                #expect(server.introspectionCount == 3)
                #expect(fixture.introspection.entryCount == 0)
            }
        }

        @Test("Cache keys are the SHA-256 of the token scoped by endpoint and client id")
        func keyScope() throws {
            let token = "mF_9.B5f-4.1JqM"
            let scopeA = Array("https://as.example.com\u{0}rs-1\u{0}".utf8)
            let scopeB = Array("https://as.example.com\u{0}rs-2\u{0}".utf8)
            let key = try #require(CacheKey(scope: scopeA, token: token))
            #expect(key == CacheKey(scope: scopeA, token: token))
            #expect(key != CacheKey(scope: scopeB, token: token))
            #expect(key != CacheKey(scope: scopeA, token: token + "x"))
            // SHA-256("abc"), FIPS 180-2 appendix B.1.
            let abc = try #require(CacheKey(scope: [], token: "abc"))
            #expect([abc.a, abc.b, abc.c, abc.d] == [0xba7816bf8f01cfea, 0x414140de5dae2223, 0xb00361a396177a9c, 0xb410ff61f20015ad])
        }

        @Test("An active lifetime is min(exp - now, maximum), and zero once exp has passed")
        func activeLifetime() {
            let now = Date(timeIntervalSince1970: 1_000_000)
            #expect(CachedIntrospection.activeLifetime(expiration: nil, now: now, maximum: .seconds(300)) == .seconds(300))
            #expect(CachedIntrospection.activeLifetime(expiration: now.addingTimeInterval(90), now: now, maximum: .seconds(300)) == .seconds(90))
            #expect(CachedIntrospection.activeLifetime(expiration: now.addingTimeInterval(900), now: now, maximum: .seconds(300)) == .seconds(300))
            #expect(CachedIntrospection.activeLifetime(expiration: now, now: now, maximum: .seconds(300)) == .zero)
            #expect(CachedIntrospection.activeLifetime(expiration: now.addingTimeInterval(-5), now: now, maximum: .seconds(300)) == .zero)
        }
    }
}
