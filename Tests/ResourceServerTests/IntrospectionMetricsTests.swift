import IntrospectionResourceServer
import IntrospectionTesting
import MetricsTestKit
import Testing

extension ResourceServerSuites {
    @Suite("Cache metrics")
    struct IntrospectionMetricsTests {
        @Test("Hits, misses, calls, rejections and outcomes are counted")
        func counters() async throws {
            try await withAuthorizationServer { server in
                let metrics = TestMetrics()
                let fixture = ResourceServerFixture(server: server, metricsFactory: metrics)
                let token = fixture.token()
                let revoked = fixture.token()
                server.revoke(revoked)
                for _ in 0..<3 { _ = await fixture.introspection.introspect(token: token) }
                _ = await fixture.introspection.introspect(token: revoked)
                server.updateFaults { $0.errorResponse = (500, "{}") }
                _ = await fixture.introspection.introspect(token: fixture.token())

                func total(_ label: String, _ dimensions: [(String, String)] = []) throws -> Int64 {
                    try metrics.expectCounter(label, dimensions).totalValue
                }
                let counted = [
                    try total(IntrospectionCacheMetrics.hits), try total(IntrospectionCacheMetrics.misses),
                    try total(IntrospectionCacheMetrics.calls),
                    try total(IntrospectionCacheMetrics.outcomes, [("outcome", "active")]),
                    try total(IntrospectionCacheMetrics.outcomes, [("outcome", "inactive")]),
                    try total(IntrospectionCacheMetrics.outcomes, [("outcome", "unavailable")]),
                ]
                // hits, misses, calls, then the outcomes active, inactive, unavailable
                #expect(counted == [2, 3, 3, 3, 1, 1])
                let timed = try metrics.expectTimer(IntrospectionCacheMetrics.callDuration).values.count
                #expect(timed == 3)
                #expect(server.introspectionCount == 3)
            }
        }
    }
}
