import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import IntrospectionHummingbird
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import NIOCore
import Testing
import TokenIntrospectionClient

typealias Context = BasicAuthRequestContext<IntrospectionIdentity>

/// The live-server suites, one test at a time (as ResourceServerTests: they run beside suites whose child
/// processes need this process's in-process servers to answer in time).
@Suite(.serialized) enum HummingbirdSuites {}

let rsClient = LocalAuthorizationServer.Client(id: "rs-orders", secret: "s3cret")

/// An application with `/public`, `/orders` (needs `orders:read`) and `/admin` (needs `orders:read` and
/// `orders:admin`), on 127.0.0.1 with an ephemeral port.
func makeApplication(_ authorizer: BearerTokenAuthorizer) -> some ApplicationProtocol {
    let router = Router(context: Context.self)
    router.get("public") { _, _ in "public" }
    router.group("orders")
        .add(middleware: IntrospectionMiddleware(authorizer, requirement: .scope("orders:read")))
        .get { _, context -> String in
            let identity = try context.requireIdentity()
            return "\(identity.subject ?? "-") \(identity.signedResponse?.split(separator: ".").count ?? 0)"
        }
        .post { _, context in try context.requireIdentity().subject ?? "-" }
    router.group("admin")
        .add(middleware: IntrospectionMiddleware(authorizer, requirement: AccessRequirement(scopes: ["orders:read", "orders:admin"])))
        .get { _, _ in "admin" }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
}

/// Runs `body` with a local authorization server and a live Hummingbird server in front of it.
func withLiveServer(
    configuration: IntrospectionCacheConfiguration = IntrospectionCacheConfiguration(),
    _ body: @escaping @Sendable (LocalAuthorizationServer, any TestClientProtocol) async throws -> Void
) async throws {
    try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
        let clock = ManualClock()
        let client = IntrospectionClient(
            options: IntrospectionClientOptions(issuer: server.issuer, clientID: rsClient.id, clientSecret: rsClient.secret),
            clock: clock)
        let authorizer = BearerTokenAuthorizer(
            introspection: CachedIntrospection(client: client, configuration: configuration, clock: clock), realm: "orders-api")
        try await makeApplication(authorizer).test(.live) { client in try await body(server, client) }
    }
}

func get(_ client: any TestClientProtocol, _ uri: String, authorization: String?) async throws -> TestResponse {
    var headers = HTTPFields()
    if let authorization { headers[.authorization] = authorization }
    return try await client.execute(uri: uri, method: .get, headers: headers)
}

extension HummingbirdSuites {
    @Suite("Hummingbird middleware over real sockets")
    struct HummingbirdMiddlewareTests {
        @Test("Every answer has its exact status and WWW-Authenticate")
        func answers() async throws {
            try await withLiveServer { server, client in
                let reader = server.issueAccessToken(scope: "orders:read")
                let revoked = server.issueAccessToken(scope: "orders:read")
                server.revoke(revoked)

                let missing = try await get(client, "/orders", authorization: nil)
                #expect(missing.status == .unauthorized)
                #expect(missing.headers[values: .wwwAuthenticate] == [#"Bearer realm="orders-api""#])

                let malformed = try await get(client, "/orders", authorization: "Bearer \(reader) \(reader)")
                #expect(malformed.status == .badRequest)
                #expect(malformed.headers[.wwwAuthenticate] == #"Bearer realm="orders-api", error="invalid_request""#)

                let inactive = try await get(client, "/orders", authorization: "Bearer \(revoked)")
                #expect(inactive.status == .unauthorized)
                #expect(inactive.headers[.wwwAuthenticate] == #"Bearer realm="orders-api", error="invalid_token""#)

                let forbidden = try await get(client, "/admin", authorization: "Bearer \(reader)")
                #expect(forbidden.status == .forbidden)
                #expect(forbidden.headers[.wwwAuthenticate] == #"Bearer realm="orders-api", error="insufficient_scope", scope="orders:read orders:admin""#)

                let allowed = try await get(client, "/orders", authorization: "BEARER \(reader)")
                #expect(allowed.status == .ok)
                #expect(String(buffer: allowed.body) == "Z5O3upPC88QrAjx00dis 3")
                #expect(allowed.headers[.wwwAuthenticate] == nil)

                let open = try await get(client, "/public", authorization: nil)
                #expect(open.status == .ok)
                for response in [missing, malformed, inactive, forbidden] {
                    #expect(response.headers[.contentType] == "application/json")
                    let body = String(buffer: response.body)
                    #expect(body.hasPrefix(#"{"error":""#))
                    #expect(!body.contains(reader) && !body.contains(revoked))
                }
                // reader: one call (then hits for /admin and the allowed /orders); revoked: one call.
                #expect(server.introspectionCount == 2)

                server.updateFaults { $0.errorResponse = (503, "{}") }
                let fresh = server.issueAccessToken(scope: "orders:read")
                let unavailable = try await get(client, "/orders", authorization: "Bearer \(fresh)")
                #expect(unavailable.status == .serviceUnavailable)
                #expect(unavailable.headers[.retryAfter] == "5")
                #expect(unavailable.headers[.wwwAuthenticate] == nil)

                server.updateFaults { $0.errorResponse = nil; $0.tamperPayload = true }
                let badGateway = try await get(client, "/orders", authorization: "Bearer \(fresh)")
                #expect(badGateway.status == .badGateway)
                #expect(badGateway.headers[.wwwAuthenticate] == nil)

                server.updateFaults { $0.tamperPayload = false }
                let recovered = try await get(client, "/orders", authorization: "Bearer \(fresh)")
                #expect(recovered.status == .ok)
                #expect(server.introspectionCount == 5)
            }
        }

        @Test("A token in the query or in a form body is not accepted, and costs no introspection")
        func tokenElsewhere() async throws {
            try await withLiveServer { server, client in
                let token = server.issueAccessToken(scope: "orders:read")
                let query = try await get(client, "/orders?access_token=\(token)", authorization: nil)
                #expect(query.status == .unauthorized)
                #expect(query.headers[.wwwAuthenticate] == #"Bearer realm="orders-api""#)
                var headers = HTTPFields()
                headers[.contentType] = "application/x-www-form-urlencoded"
                let form = try await client.execute(
                    uri: "/orders", method: .post, headers: headers, body: ByteBuffer(string: "access_token=\(token)"))
                #expect(form.status == .unauthorized)
                #expect(server.introspectionCount == 0)
            }
        }

        @Test("Cache hits make no call to the authorization server")
        func cacheHits() async throws {
            try await withLiveServer { server, client in
                let token = server.issueAccessToken(scope: "orders:read")
                for _ in 0..<20 {
                    let response = try await get(client, "/orders", authorization: "Bearer \(token)")
                    #expect(response.status == .ok)
                }
                #expect(server.introspectionCount == 1)
            }
        }

        @Test("With the authorization server down: 503 with Retry-After, nothing cached, cached tokens still pass")
        func serverDown() async throws {
            let server = try await LocalAuthorizationServer.start(client: rsClient)
            let client = IntrospectionClient(options: IntrospectionClientOptions(
                issuer: server.issuer, clientID: rsClient.id, clientSecret: rsClient.secret, timeout: .seconds(2)))
            let introspection = CachedIntrospection(client: client)
            let known = server.issueAccessToken(scope: "orders:read")
            let unknown = server.issueAccessToken(scope: "orders:read")
            try await makeApplication(BearerTokenAuthorizer(introspection: introspection, realm: "orders-api")).test(.live) { http in
                let before = try await get(http, "/orders", authorization: "Bearer \(known)")
                try await server.shutdown()
                let down = try await get(http, "/orders", authorization: "Bearer \(unknown)")
                let cached = try await get(http, "/orders", authorization: "Bearer \(known)")
                #expect([before.status, down.status, cached.status] == [.ok, .serviceUnavailable, .ok])
                #expect(down.headers[.retryAfter] == "5")
                #expect(down.headers[.wwwAuthenticate] == nil)
            }
            #expect(introspection.entryCount == 1)
            #expect(server.introspectionCount == 1)
        }

        @Test("After a 429 with Retry-After from the AS: 503 with the seconds that remain, no call meanwhile, then 200")
        func retryAfterFromTheAuthorizationServer() async throws {
            try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
                let clock = ManualClock()
                let client = IntrospectionClient(
                    options: IntrospectionClientOptions(issuer: server.issuer, clientID: rsClient.id, clientSecret: rsClient.secret),
                    clock: clock)
                let authorizer = BearerTokenAuthorizer(introspection: CachedIntrospection(client: client, clock: clock), realm: "orders-api")
                let token = server.issueAccessToken(scope: "orders:read")
                server.updateFaults { $0.retryAfter = (429, "30", nil) }
                try await makeApplication(authorizer).test(.live) { http in
                    let limited = try await get(http, "/orders", authorization: "Bearer \(token)")
                    #expect(limited.status == .serviceUnavailable)
                    #expect(limited.headers[.retryAfter] == "30")
                    server.updateFaults { $0.retryAfter = nil }
                    clock.advance(by: .seconds(12))
                    let held = try await get(http, "/orders", authorization: "Bearer \(token)")
                    #expect(held.status == .serviceUnavailable)
                    #expect(held.headers[.retryAfter] == "18")
                    #expect(server.introspectionCount == 1)
                    clock.advance(by: .seconds(18))
                    let resumed = try await get(http, "/orders", authorization: "Bearer \(token)")
                    #expect(resumed.status == .ok)
                    #expect(server.introspectionCount == 2)
                }
            }
        }

        @Test("Scopes are the identity's permissions for hummingbird-auth's PermissionPolicy")
        func permissions() throws {
            let introspection = try TokenIntrospection(validating: JSONObject(members: [
                .init(name: "active", value: .bool(true)), .init(name: "scope", value: .string("a b a")),
            ]))
            #expect(IntrospectionIdentity(introspection: introspection, receivedAt: Date()).permissions == ["a", "b"])
        }
    }
}
