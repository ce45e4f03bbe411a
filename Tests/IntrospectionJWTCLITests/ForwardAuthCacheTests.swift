import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `forward-auth`'s cache, single flight and bound, counted at the authorization server: one call per
/// token per lifetime, none for a cache hit, a bounded number in flight under a flood of random tokens,
/// and nothing cached while the AS is down.
@Suite("introspection-jwt forward-auth: calls to the AS", .serialized)
struct ForwardAuthCacheTests {
    static func withServer<T>(_ body: (LocalAuthorizationServer) async throws -> T) async throws -> T {
        try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client).shuttingDown(after: body)
    }

    @Test("One call per token: repeated and concurrent requests with one token are cache hits or join the call in flight")
    func oneCallPerToken() async throws {
        try await Self.withServer { server in
            let tokens = (0..<3).map { _ in server.issueToken(claims: server.accessTokenClaims(scope: "read")) }
            server.updateFaults { $0.introspectionDelay = .milliseconds(300) }
            try await ForwardAuthProcess.with(server) { forwardAuth in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<30 { group.addTask { try await forwardAuth.send(token: tokens[index % 3]).status } }
                    for try await status in group { #expect(status == 200) }
                }
                #expect(server.introspectionCount == 3)
                for token in tokens { #expect(try await forwardAuth.send(token: token).status == 200) }
                #expect(server.introspectionCount == 3)
            }
        }
    }

    @Test("An active answer lives until the token's exp, and at most --cache-ttl; then the AS is asked again")
    func lifetime() async throws {
        try await Self.withServer { server in
            let shortLived = server.issueToken(claims: server.accessTokenClaims(scope: "read", lifetime: 2))
            let longLived = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server, ["--cache-ttl", "1.5", "--clock-skew", "0"]) { forwardAuth in
                #expect(try await forwardAuth.send(token: shortLived).status == 200)
                #expect(try await forwardAuth.send(token: longLived).status == 200)
                #expect(try await forwardAuth.send(token: longLived).status == 200)
                #expect(server.introspectionCount == 2)
                try await Task.sleep(for: .milliseconds(2200))
                // longLived: past --cache-ttl, asked again. shortLived: past its exp, asked again (and now inactive).
                #expect(try await forwardAuth.send(token: longLived).status == 200)
                #expect(server.introspectionCount == 3)
                #expect(try await forwardAuth.send(token: shortLived).status == 401)
                #expect(server.introspectionCount == 4)
            }
        }
    }

    @Test("Inactive answers are cached for --negative-cache-ttl; --cache-ttl 0 caches nothing")
    func negativeAndDisabled() async throws {
        try await Self.withServer { server in
            let active = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server) { forwardAuth in
                for _ in 0..<3 { let status = try await forwardAuth.send(token: "never-issued").status; #expect(status == 401) }
                #expect(server.introspectionCount == 1)
            }
            try await ForwardAuthProcess.with(server, ["--negative-cache-ttl", "0"]) { forwardAuth in
                for _ in 0..<3 { let status = try await forwardAuth.send(token: "never-issued").status; #expect(status == 401) }
                #expect(server.introspectionCount == 4)
            }
            try await ForwardAuthProcess.with(server, ["--cache-ttl", "0"]) { forwardAuth in
                for _ in 0..<3 { let status = try await forwardAuth.send(token: active).status; #expect(status == 200) }
                for _ in 0..<2 { let status = try await forwardAuth.send(token: "never-issued").status; #expect(status == 401) }
                #expect(server.introspectionCount == 9)
            }
            try await ForwardAuthProcess.with(server, ["--cache-ttl", "0", "--negative-cache-ttl", "30"]) { forwardAuth in
                for _ in 0..<2 { let status = try await forwardAuth.send(token: active).status; #expect(status == 200) }
                for _ in 0..<2 { let status = try await forwardAuth.send(token: "never-issued").status; #expect(status == 401) }
                #expect(server.introspectionCount == 12)
            }
        }
    }

    @Test("A flood of random tokens: never more than --max-concurrent-introspections calls in flight at the AS; the rest are 503 at once")
    func floodIsBounded() async throws {
        try await Self.withServer { server in
            server.updateFaults { $0.introspectionDelay = .milliseconds(400) }
            try await ForwardAuthProcess.with(server, ["--max-concurrent-introspections", "4"]) { forwardAuth in
                var statuses: [Int: Int] = [:]
                try await withThrowingTaskGroup(of: ForwardAuthProcess.Answer.self) { group in
                    for _ in 0..<120 {
                        group.addTask { try await forwardAuth.send(token: "random-\(UUID().uuidString)") }
                    }
                    for try await answer in group {
                        statuses[answer.status, default: 0] += 1
                        if answer.status == 503 { #expect(answer.header("Retry-After") == "5") }
                    }
                }
                #expect(server.peakConcurrentIntrospections <= 4)
                #expect(server.peakConcurrentIntrospections >= 1)
                #expect((statuses[503] ?? 0) > 0, "\(statuses)")
                #expect(Set(statuses.keys).isSubset(of: [401, 503]), "\(statuses)")
                #expect(server.introspectionCount == statuses[401] ?? 0)
                #expect(server.introspectionCount < 120)
            }
        }
    }

    @Test("Nothing is cached while the AS is down: the same token is asked again once it is back")
    func nothingCachedWhileDown() async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server) { forwardAuth in
                server.updateFaults { $0.errorResponse = (503, "down") }
                let whileDown = [try await forwardAuth.send(token: token).status, try await forwardAuth.send(token: token).status]
                #expect(whileDown == [503, 503])
                #expect(server.introspectionCount == 2)
                server.updateFaults { $0.errorResponse = nil; $0.tamperPayload = true }
                let whileInvalid = try await forwardAuth.send(token: token).status
                #expect(whileInvalid == 502)
                #expect(server.introspectionCount == 3)
                server.faults = .none
                let onceBack = [try await forwardAuth.send(token: token).status, try await forwardAuth.send(token: token).status]
                #expect(onceBack == [200, 200])
                #expect(server.introspectionCount == 4)
            }
        }
    }
}
