import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing
import IntrospectionRemoteKeys
import TokenIntrospectionClient

/// `429` and `503` with `Retry-After` from the introspection endpoint (RFC 9110 §10.2.3, RFC 6585 §4):
/// nothing more is sent there until the time has passed, calls meanwhile answer `unavailable` with the
/// time that remains, and the client resumes afterwards. Time moves on a manual clock; no test sleeps.
@Suite("Retry-After from the introspection endpoint", .serialized)
struct RetryAfterTests {
    static func client(_ server: LocalAuthorizationServer, clock: ManualClock, maximumRetryAfter: Duration = .seconds(300)) -> IntrospectionClient {
        var options = IntrospectionClientOptions(issuer: server.issuer, clientID: resourceServer.id, clientSecret: resourceServer.secret)
        options.maximumRetryAfter = maximumRetryAfter
        return IntrospectionClient(options: options, clock: clock)
    }

    @Test("After a 429 with Retry-After: 30, no call is sent for 30 s, each call answers unavailable with the time left; then calls resume", arguments: [429, 503])
    func waitsThenResumes(status: Int) async throws {
        try await withLocalServer { server in
            let clock = ManualClock()
            let client = Self.client(server, clock: clock)
            let token = server.issueAccessToken()
            server.updateFaults { $0.retryAfter = (status, "30", nil) }

            let first = await client.introspect(token: token)
            #expect(first.error?.code == .httpStatus)
            #expect(first.httpStatus == status)
            #expect(first.error?.retryAfter == .seconds(30))
            #expect(server.introspectionCount == 1)
            #expect(client.retryAfter == .seconds(30))

            server.updateFaults { $0.retryAfter = nil }
            clock.advance(by: .seconds(12))
            let held = await client.introspect(token: token)
            #expect(held.error?.code == .unavailable)
            #expect(held.error?.retryAfter == .seconds(18))
            #expect(held.httpStatus == nil)
            #expect(held.errorMessage?.contains("18 s remain, no call was sent") == true)
            clock.advance(by: .milliseconds(17_500))
            #expect(await client.introspect(token: token).error?.retryAfter == .milliseconds(500))
            #expect(server.introspectionCount == 1)

            clock.advance(by: .milliseconds(500))
            #expect(client.retryAfter == nil)
            let resumed = await client.introspect(token: token)
            #expect(!resumed.isError, "\(resumed.errorMessage ?? "")")
            #expect(resumed.isActive)
            #expect(server.introspectionCount == 2)
        }
    }

    @Test("The wait is shared by every call of the client: concurrent calls after a 429 send nothing")
    func concurrentCallsAreHeldBack() async throws {
        try await withLocalServer { server in
            let clock = ManualClock()
            let client = Self.client(server, clock: clock)
            server.updateFaults { $0.retryAfter = (429, "10", nil) }
            _ = await client.introspect(token: "t")
            let codes = await withTaskGroup(of: IntrospectionClientError.Code?.self) { group in
                for _ in 0..<20 { group.addTask { await client.introspect(token: "t").error?.code } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(codes.allSatisfy { $0 == .unavailable })
            #expect(server.introspectionCount == 1)
        }
    }

    @Test("An HTTP-date Retry-After counts from the answer's Date, so a skewed AS clock does not matter")
    func httpDateCountsFromTheAnswersDate() async throws {
        try await withLocalServer { server in
            let clock = ManualClock()
            let client = Self.client(server, clock: clock)
            // The AS's clock is a day behind ours: the date is 2 minutes after the answer's Date.
            server.updateFaults { $0.retryAfter = (503, "Sun, 06 Nov 1994 08:51:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT") }
            let first = await client.introspect(token: "t")
            #expect(first.error?.retryAfter == .seconds(120))
            #expect(client.retryAfter == .seconds(120))
        }
    }

    @Test("A Retry-After longer than maximumRetryAfter is cut to it; an unreadable or zero one holds nothing back")
    func longOrUnusableValues() async throws {
        try await withLocalServer { server in
            let clock = ManualClock()
            let client = Self.client(server, clock: clock, maximumRetryAfter: .seconds(60))
            server.updateFaults { $0.retryAfter = (429, "86400", nil) }
            #expect(await client.introspect(token: "t").error?.retryAfter == .seconds(60))
            clock.advance(by: .seconds(60))
            #expect(client.retryAfter == nil)

            for value in ["soon", "0", "-5", "1.5"] {
                server.updateFaults { $0.retryAfter = (503, value, nil) }
                let before = server.introspectionCount
                let answer = await client.introspect(token: "t")
                #expect(answer.error?.code == .httpStatus)
                #expect(answer.error?.retryAfter == nil, "Retry-After: \(value)")
                #expect(client.retryAfter == nil)
                _ = await client.introspect(token: "t")
                #expect(server.introspectionCount == before + 2, "Retry-After: \(value) held calls back")
            }
        }
    }

    @Test("Retry-After on another status (500, 401) is not a reason to wait")
    func otherStatusesDoNotWait() async throws {
        try await withLocalServer { server in
            let clock = ManualClock()
            let client = Self.client(server, clock: clock)
            server.updateFaults { $0.retryAfter = (500, "30", nil) }
            _ = await client.introspect(token: "t")
            _ = await client.introspect(token: "t")
            #expect(server.introspectionCount == 2)
            #expect(client.retryAfter == nil)
        }
    }

    @Test("Setting the wall clock neither ends nor prolongs the wait: it runs on the monotonic reading")
    func wallClockChangesDoNotMatter() async throws {
        try await withLocalServer { server in
            let clock = ManualClock()
            let client = Self.client(server, clock: clock)
            server.updateFaults { $0.retryAfter = (429, "30", nil) }
            _ = await client.introspect(token: "t")
            clock.setWallClock(to: clock.now.addingTimeInterval(3600))
            #expect(client.retryAfter == .seconds(30))
            #expect(await client.introspect(token: "t").error?.code == .unavailable)
            #expect(server.introspectionCount == 1)
        }
    }

    @Test("Retry-After values: delta-seconds, IMF-fixdate, RFC 850 and asctime dates; anything else is nil")
    func parsing() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.delay("120", responseDate: nil, now: now) == .seconds(120))
        #expect(RetryAfter.delay(" 7 ", responseDate: nil, now: now) == .seconds(7))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:50:37 GMT", responseDate: nil, now: now) == .seconds(60))
        #expect(RetryAfter.delay("Sunday, 06-Nov-94 08:50:37 GMT", responseDate: nil, now: now) == .seconds(60))
        #expect(RetryAfter.delay("Sun Nov  6 08:50:37 1994", responseDate: nil, now: now) == .seconds(60))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:40:37 GMT", responseDate: nil, now: now) == .zero)
        #expect(RetryAfter.delay(
            "Sun, 06 Nov 1994 08:50:37 GMT", responseDate: "Sun, 06 Nov 1994 08:50:07 GMT", now: now) == .seconds(30))
        for bad in ["", "soon", "-1", "1.5", "1e3", "Sun, 32 Nov 1994 08:50:37 GMT", "Sun, 06 Nov 1994 25:50:37 GMT"] {
            #expect(RetryAfter.delay(bad, responseDate: nil, now: now) == nil, "\(bad)")
        }
    }
}
