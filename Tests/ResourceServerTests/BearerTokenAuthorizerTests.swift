import Foundation
import HTTPTypes
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import Logging
import Testing

extension ResourceServerSuites {
    @Suite("Decisions and RFC 6750 answers")
    struct BearerTokenAuthorizerTests {
        /// The decision on `authorization` (nil: no field) for `requirement`.
        func decide(_ fixture: ResourceServerFixture, _ authorization: String?, _ requirement: AccessRequirement = .activeToken) async -> AccessDecision {
            var fields = HTTPFields()
            if let authorization { fields[.authorization] = authorization }
            return await fixture.authorizer.authorize(fields, requirement: requirement)
        }

        func denial(_ decision: AccessDecision) -> AccessDenial? {
            if case .denied(let denial) = decision { return denial }
            Issue.record("the request was allowed")
            return nil
        }

        @Test("Every refusal has its exact status, WWW-Authenticate and JSON body")
        func answers() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                let reader = fixture.token(scope: "orders:read")
                let revoked = fixture.token()
                server.revoke(revoked)

                let missing = try #require(denial(await decide(fixture, nil)))
                #expect(missing.status == .unauthorized)
                #expect(missing.challenge == #"Bearer realm="orders-api""#)
                #expect(missing.headerFields[.retryAfter] == nil)

                let malformed = try #require(denial(await decide(fixture, "Basic YWxhZGRpbjpvcGVuc2VzYW1l")))
                #expect(malformed.status == .badRequest)
                #expect(malformed.challenge == #"Bearer realm="orders-api", error="invalid_request""#)

                let inactive = try #require(denial(await decide(fixture, "Bearer \(revoked)")))
                #expect(inactive.status == .unauthorized)
                #expect(inactive.challenge == #"Bearer realm="orders-api", error="invalid_token""#)

                let scopeMissing = try #require(denial(await decide(fixture, "Bearer \(reader)", AccessRequirement(scopes: ["orders:read", "orders:write"]))))
                #expect(scopeMissing.status == .forbidden)
                #expect(scopeMissing.challenge == #"Bearer realm="orders-api", error="insufficient_scope", scope="orders:read orders:write""#)

                guard case .allowed(let identity) = await decide(fixture, "bearer \(reader)", .scope("orders:read")) else {
                    Issue.record("an active token with the scope was refused")
                    return
                }
                #expect(identity.subject == "Z5O3upPC88QrAjx00dis")

                for refusal in [missing, malformed, inactive, scopeMissing] {
                    let body = try JSONValue(parsing: refusal.body).objectValue
                    #expect(body?["error"]?.stringValue == refusal.error)
                    #expect(body?["error_description"]?.stringValue?.isEmpty == false)
                    #expect(refusal.headerFields[.contentType] == "application/json")
                    let text = String(decoding: refusal.body, as: UTF8.self) + (refusal.challenge ?? "")
                    #expect(!text.contains(reader) && !text.contains(revoked))
                }
                #expect([missing.error, malformed.error, inactive.error, scopeMissing.error]
                    == ["missing_token", "invalid_request", "invalid_token", "insufficient_scope"])
            }
        }

        @Test("A predicate on the introspection refuses with 403 like a missing scope")
        func predicate() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                let token = fixture.token(scope: "orders:read")
                let ownClient = AccessRequirement(scopes: ["orders:read"]) { $0.clientID == "app-7" }
                let otherClient = AccessRequirement(scopes: ["orders:read"]) { $0.clientID == "checkout" }
                guard case .allowed = await decide(fixture, "Bearer \(token)", ownClient) else {
                    Issue.record("the predicate that holds refused the request")
                    return
                }
                let refused = try #require(denial(await decide(fixture, "Bearer \(token)", otherClient)))
                #expect(refused.status == .forbidden)
                #expect(refused.challenge == #"Bearer realm="orders-api", error="insufficient_scope", scope="orders:read""#)
                #expect(server.introspectionCount == 1)
            }
        }

        @Test("An unreachable or failing authorization server is 503 with Retry-After")
        func unavailable() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                let token = fixture.token()
                server.updateFaults { $0.errorResponse = (503, "{}") }
                let refusal = try #require(denial(await decide(fixture, "Bearer \(token)")))
                #expect(refusal.status == .serviceUnavailable)
                #expect(refusal.headerFields[.retryAfter] == "5")
                #expect(refusal.challenge == nil)
                #expect(refusal.failure?.code == .asUnavailable)
                #expect(refusal.failure?.httpStatus == 503)
                server.updateFaults { $0.errorResponse = (429, "{}") }
                let limited = try #require(denial(await decide(fixture, "Bearer \(token)")))
                #expect(limited.status == .serviceUnavailable)
                #expect(limited.failure?.code == .asUnavailable)
                #expect(limited.failure?.httpStatus == 429)
            }
        }

        @Test("A 429 with Retry-After is 503 with the AS's Retry-After, then with what remains of it; no call is sent meanwhile, nothing is cached")
        func retryAfterFromTheAuthorizationServer() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                let token = fixture.token()
                server.updateFaults { $0.retryAfter = (429, "40", nil) }
                let first = try #require(denial(await decide(fixture, "Bearer \(token)")))
                #expect(first.status == .serviceUnavailable)
                #expect(first.headerFields[.retryAfter] == "40")
                #expect(first.failure?.code == .asUnavailable)
                #expect(first.failure?.httpStatus == 429)

                server.updateFaults { $0.retryAfter = nil }
                fixture.clock.advance(by: .milliseconds(15_300))
                let held = try #require(denial(await decide(fixture, "Bearer \(token)")))
                #expect(held.status == .serviceUnavailable)
                #expect(held.headerFields[.retryAfter] == "25")
                #expect(held.failure?.code == .asUnavailable)
                #expect(held.failure?.retryAfter == .milliseconds(24_700))
                #expect(server.introspectionCount == 1)

                fixture.clock.advance(by: .milliseconds(24_700))
                guard case .allowed(let identity) = await decide(fixture, "Bearer \(token)") else {
                    Issue.record("the request was refused once the Retry-After had passed")
                    return
                }
                #expect(identity.scopes == ["orders:read"])
                #expect(server.introspectionCount == 2)
            }
        }

        @Test("An answer that fails verification is 502, logged at error level with the verifier's code")
        func invalidAnswer() async throws {
            try await withAuthorizationServer { server in
                let logs = LogRecorder()
                let fixture = ResourceServerFixture(server: server, logger: logs.logger())
                let token = fixture.token()
                server.updateFaults { $0.tamperPayload = true }
                let refusal = try #require(denial(await decide(fixture, "Bearer \(token)")))
                #expect(refusal.status == .badGateway)
                #expect(refusal.challenge == nil)
                #expect(refusal.failure?.verifierCode == .badSignature)
                #expect(logs.all.contains { $0.level == .error && $0.metadata.contains("bad_signature") })
                #expect(!logs.text.contains(token))
            }
        }

        @Test("Retry-After is whole seconds, rounded up, at least one")
        func retryAfterSeconds() async throws {
            try await withAuthorizationServer { server in
                let introspection = ResourceServerFixture(server: server).introspection
                for (duration, expected) in [(Duration.seconds(5), "5"), (.milliseconds(1500), "2"), (.zero, "1")] {
                    let authorizer = BearerTokenAuthorizer(introspection: introspection, realm: "r", retryAfter: duration)
                    #expect(authorizer.denial(.unavailable).headerFields[.retryAfter] == expected)
                }
            }
        }
    }
}
