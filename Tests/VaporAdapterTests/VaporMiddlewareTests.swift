import Foundation
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import IntrospectionVapor
import Testing
import TokenIntrospectionClient
import Vapor
import VaporTesting

let rsClient = LocalAuthorizationServer.Client(id: "rs-orders", secret: "s3cret")

@Suite("Vapor middleware over real sockets")
struct VaporMiddlewareTests {
    /// Runs `body` with a local authorization server and a Vapor application that serves `/orders`
    /// (`orders:read`) and `/admin` (`orders:read` and `orders:admin`) on 127.0.0.1, an ephemeral port.
    /// The client and the cache read `clock` (the system's by default).
    func withApplication(
        clock: any IntrospectionClock = .system,
        _ body: (LocalAuthorizationServer, any TestingApplicationTester) async throws -> Void
    ) async throws {
        try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
            let client = IntrospectionClient(options: IntrospectionClientOptions(
                issuer: server.issuer, clientID: rsClient.id, clientSecret: rsClient.secret), clock: clock)
            let authorizer = BearerTokenAuthorizer(introspection: CachedIntrospection(client: client, clock: clock), realm: "orders-api")
            try await withApp { app in
                app.grouped(IntrospectionVaporMiddleware(authorizer, requirement: .scope("orders:read")))
                    .get("orders") { request -> String in
                        let identity = try request.auth.require(IntrospectionIdentity.self)
                        return "\(identity.subject ?? "-") \(identity.signedResponse?.split(separator: ".").count ?? 0)"
                    }
                app.grouped(IntrospectionVaporMiddleware(authorizer, requirement: AccessRequirement(scopes: ["orders:read", "orders:admin"])))
                    .get("admin") { _ in "admin" }
                try await body(server, try app.testing(method: .running(hostname: "127.0.0.1", port: 0)))
            }
        }
    }

    func get(_ tester: any TestingApplicationTester, _ path: String, _ authorization: String?) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: .authorization, value: authorization) }
        return try await tester.performTest(request: TestingHTTPRequest(method: .GET, url: URI(path: path), headers: headers, body: ByteBuffer()))
    }

    @Test("After a 503 with Retry-After from the AS: 503 with the seconds that remain, no call meanwhile, then 200")
    func retryAfterFromTheAuthorizationServer() async throws {
        let clock = ManualClock()
        try await withApplication(clock: clock) { server, tester in
            let token = server.issueAccessToken(scope: "orders:read")
            server.updateFaults { $0.retryAfter = (503, "20", nil) }
            let first = try await get(tester, "/orders", "Bearer \(token)")
            #expect(first.status == .serviceUnavailable)
            #expect(first.headers[.retryAfter] == ["20"])
            server.updateFaults { $0.retryAfter = nil }
            clock.advance(by: .milliseconds(5_500))
            let held = try await get(tester, "/orders", "Bearer \(token)")
            #expect(held.status == .serviceUnavailable)
            #expect(held.headers[.retryAfter] == ["15"])
            #expect(server.introspectionCount == 1)
            clock.advance(by: .milliseconds(14_500))
            #expect(try await get(tester, "/orders", "Bearer \(token)").status == .ok)
            #expect(server.introspectionCount == 2)
        }
    }

    @Test("Every answer has its exact status and WWW-Authenticate; the identity is in req.auth")
    func answers() async throws {
        try await withApplication { server, tester in
            let reader = server.issueAccessToken(scope: "orders:read")
            let revoked = server.issueAccessToken(scope: "orders:read")
            server.revoke(revoked)

            let missing = try await get(tester, "/orders", nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == [#"Bearer realm="orders-api""#])

            let malformed = try await get(tester, "/orders", "Bearer")
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers[.wwwAuthenticate] == [#"Bearer realm="orders-api", error="invalid_request""#])

            let inactive = try await get(tester, "/orders", "Bearer \(revoked)")
            #expect(inactive.status == .unauthorized)
            #expect(inactive.headers[.wwwAuthenticate] == [#"Bearer realm="orders-api", error="invalid_token""#])

            let forbidden = try await get(tester, "/admin", "Bearer \(reader)")
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.headers[.wwwAuthenticate] == [#"Bearer realm="orders-api", error="insufficient_scope", scope="orders:read orders:admin""#])

            let allowed = try await get(tester, "/orders", "bearer \(reader)")
            #expect(allowed.status == .ok)
            #expect(allowed.body.string == "Z5O3upPC88QrAjx00dis 3")

            let query = try await get(tester, "/orders?access_token=\(reader)", nil)
            #expect(query.status == .unauthorized)
            #expect(server.introspectionCount == 2)

            server.updateFaults { $0.errorResponse = (500, "{}") }
            let fresh = server.issueAccessToken(scope: "orders:read")
            let unavailable = try await get(tester, "/orders", "Bearer \(fresh)")
            #expect(unavailable.status == .serviceUnavailable)
            #expect(unavailable.headers[.retryAfter] == ["5"])

            server.updateFaults { $0.errorResponse = nil; $0.signWithUnpublishedKey = true }
            let badGateway = try await get(tester, "/orders", "Bearer \(fresh)")
            #expect(badGateway.status == .badGateway)
            #expect(badGateway.headers[.wwwAuthenticate].isEmpty)
            for response in [missing, malformed, inactive, forbidden, unavailable, badGateway] {
                #expect(response.headers.contentType == .json)
                #expect(!response.body.string.contains(reader) && !response.body.string.contains(fresh))
            }
        }
    }
}
