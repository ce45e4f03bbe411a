import HTTPTypes
import IntrospectionResourceServer
import IntrospectionTesting
import MetricsTestKit
import Testing

extension ResourceServerSuites {
    @Suite("Decision metrics")
    struct AccessDecisionMetricsTests {
        @Test("Every decision is counted once, by outcome: allowed or the refusal's reason")
        func decisionsByOutcome() async throws {
            try await withAuthorizationServer { server in
                let metrics = TestMetrics()
                let fixture = ResourceServerFixture(server: server, metricsFactory: metrics)
                let reader = fixture.token(scope: "orders:read")
                let authorizer = fixture.authorizer
                for _ in 0..<2 { _ = await authorizer.authorize(authorizationValues: ["Bearer \(reader)"], requirement: .scope("orders:read")) }
                _ = await authorizer.authorize(authorizationValues: ["Bearer \(reader)"], requirement: .scope("orders:write"))
                _ = await authorizer.authorize(authorizationValues: [])
                _ = await authorizer.authorize(authorizationValues: ["Basic eA=="])
                _ = await authorizer.authorize(authorizationValues: ["Bearer \(randomToken())"])
                server.updateFaults { $0.tamperPayload = true }
                _ = await authorizer.authorize(authorizationValues: ["Bearer \(fixture.token())"])
                server.updateFaults { $0.tamperPayload = false; $0.errorResponse = (503, "{}") }
                _ = await authorizer.authorize(authorizationValues: ["Bearer \(fixture.token())"])
                server.updateFaults { $0.errorResponse = nil }
                // Sender-constrained tokens, through the request-aware entry point.
                let bound = server.issueAccessToken(confirmation: .dpop(TestDPoPClient().thumbprint))
                _ = await authorizer.authorize([.authorization: "Bearer \(bound)"])
                let withDPoP = BearerTokenAuthorizer(
                    introspection: fixture.introspection, realm: "orders-api", dpop: DPoPOptions(), metricsFactory: metrics)
                _ = await withDPoP.authorize([.authorization: "DPoP \(bound)"])

                func count(_ outcome: String) throws -> Int64 {
                    try metrics.expectCounter(AccessDecisionMetrics.decisions, [(AccessDecisionMetrics.outcomeDimension, outcome)]).totalValue
                }
                let counted = try [
                    "allowed", "insufficient_scope", "missing_token", "malformed_request", "inactive_token", "invalid_answer", "unavailable",
                    "binding_mismatch", "invalid_dpop_proof", "use_dpop_nonce",
                ].map(count)
                #expect(counted == [2, 1, 1, 1, 1, 1, 1, 1, 1, 0])
                #expect(AccessDenial.Reason.allCases.map(\.rawValue).sorted() == [
                    "binding_mismatch", "inactive_token", "insufficient_scope", "invalid_answer", "invalid_dpop_proof", "malformed_request",
                    "missing_token", "unavailable", "use_dpop_nonce",
                ])
            }
        }
    }
}
