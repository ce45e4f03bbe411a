import Foundation
import HTTPTypes
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// The nginx and Caddy snippets of `docs/forward-auth.md`, run verbatim (but for their addresses) by the
/// real proxies in front of the real `forward-auth`, the local authorization server, and an upstream
/// that echoes the header fields it received. In CI (`CI=true`) they always run, and a missing proxy
/// fails them; elsewhere they are skipped when the proxy is not installed.
@Suite("forward-auth behind nginx and Caddy, with the documented snippets", .serialized)
struct ForwardAuthProxyTests {
    /// The proxies whose tests run here; a proxy left out is named in the skip message.
    static let kinds: [ReverseProxy.Kind] = [.nginx, .caddy]

    /// Runs `body` with the local AS, the echo upstream, forward-auth (with `options`) and `kind` in front,
    /// configured with the documented snippet of `variant`.
    static func withStack(
        _ kind: ReverseProxy.Kind,
        variant: ReverseProxy.Variant = .plain,
        options: [String] = [],
        _ body: (LocalAuthorizationServer, TestHTTPServer, ReverseProxy) async throws -> Void
    ) async throws {
        try #require(kind.executable != nil || !ReverseProxy.inCI, "\(kind) is missing in CI: \(kind.installHint)")
        guard kind.executable != nil else {
            print("skipped: \(kind) is not installed here (\(kind.installHint)); CI installs it")
            return
        }
        try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client).shuttingDown { server in
            try await EchoUpstream.start().shuttingDown { upstream in
                try await ForwardAuthProcess.with(server, options) { forwardAuth in
                    let proxy = try await ReverseProxy.start(kind, variant: variant, upstream: upstream.baseURL, forwardAuth: forwardAuth.baseURL)
                    do {
                        try await body(server, upstream, proxy)
                    } catch {
                        try await proxy.stop()
                        throw error
                    }
                    try await proxy.stop()
                }
            }
        }
    }

    @Test("Allowed: the upstream gets the X-Auth-* fields and the verified JWT, never a client's own X-Auth-* or X-Introspection-JWT",
          .enabled(if: ReverseProxy.Kind.nginx.shouldRun || ReverseProxy.Kind.caddy.shouldRun), arguments: kinds)
    func allowed(kind: ReverseProxy.Kind) async throws {
        try await Self.withStack(kind) { server, upstream, proxy in
            let full = server.issueToken(claims: server.accessTokenClaims(subject: "user-42", scope: "orders:read", clientID: "app-7", username: "jdoe"))
            let forged: [(String, String)] = [
                ("X-Auth-Subject", "admin"), ("X-Auth-Role", "admin"), ("x-auth-username", "root"),
                ("X-Introspection-JWT", "forged.jwt.value"), ("X-Auth-Expires", "9999999999"),
            ]
            let answer = try await ForwardAuthProcess.send(proxy.baseURL + "/orders/17?view=full", method: .post, token: full, fields: forged)
            #expect(answer.status == 200, "\(answer.body) \(proxy.log("error.log"))")
            let fields = try EchoUpstream.fields(answer.body)
            #expect(fields["x-auth-subject"] == ["user-42"])
            #expect(fields["x-auth-client-id"] == ["app-7"])
            #expect(fields["x-auth-scope"] == ["orders:read"])
            #expect(fields["x-auth-username"] == ["jdoe"])
            #expect(fields["x-auth-expires"]?.count == 1 && fields["x-auth-expires"] != ["9999999999"])
            #expect(fields["x-auth-role"] == nil)
            let jwt = try #require(fields["x-introspection-jwt"]?.first)
            #expect(fields["x-introspection-jwt"]?.count == 1)
            let verified = try await IntrospectionResponseVerifier(
                policy: VerificationPolicy(issuer: server.issuer, audience: ForwardAuthProcess.client.id),
                keys: try JWKSet(json: server.jwksDocument)
            ).verify(jwt)
            #expect(verified.introspection.subject == "user-42")
            #expect(fields["authorization"] == ["Bearer \(full)"])

            // A token whose answer has only some members: the others do not reach the upstream at all,
            // whatever the client sent.
            let sparse = server.issueToken(["scope": .string("orders:read")])
            let partial = try await ForwardAuthProcess.send(proxy.baseURL + "/", token: sparse, fields: forged)
            #expect(partial.status == 200)
            let partialFields = try EchoUpstream.fields(partial.body)
            #expect(partialFields["x-auth-scope"] == ["orders:read"])
            for absent in ["x-auth-subject", "x-auth-client-id", "x-auth-username", "x-auth-expires", "x-auth-role"] {
                #expect(partialFields[absent] == nil, "\(absent): \(partialFields[absent] ?? [])")
            }
            #expect(partialFields["x-introspection-jwt"]?.count == 1 && partialFields["x-introspection-jwt"] != ["forged.jwt.value"])
            #expect(upstream.requestCount == 2)
            #expect(server.introspectionCount == 2)
        }
    }

    @Test("Refused: 401 and 403 reach the client with WWW-Authenticate, and so do 400, 503 with Retry-After and 502; the upstream sees none",
          .enabled(if: ReverseProxy.Kind.nginx.shouldRun || ReverseProxy.Kind.caddy.shouldRun), arguments: kinds)
    func refused(kind: ReverseProxy.Kind) async throws {
        try await Self.withStack(kind, options: ["--require-scope", "orders:read", "--realm", "orders-api"]) { server, upstream, proxy in
            let url = proxy.baseURL + "/orders"
            let missing = try await ForwardAuthProcess.send(url)
            #expect(missing.status == 401)
            #expect(missing.values("WWW-Authenticate") == [#"Bearer realm="orders-api""#])

            let inactive = try await ForwardAuthProcess.send(url, token: "never-issued")
            #expect(inactive.status == 401)
            #expect(inactive.values("WWW-Authenticate") == [#"Bearer realm="orders-api", error="invalid_token""#])

            let profile = server.issueToken(claims: server.accessTokenClaims(scope: "profile"))
            let forbidden = try await ForwardAuthProcess.send(url, token: profile)
            #expect(forbidden.status == 403)
            #expect(forbidden.values("WWW-Authenticate") == [#"Bearer realm="orders-api", error="insufficient_scope", scope="orders:read""#])
            #expect(!forbidden.everything.contains(profile))

            let reader = server.issueToken(claims: server.accessTokenClaims(scope: "orders:read"))
            let more = try await ForwardAuthProcess.send(url, token: reader, fields: [("X-Required-Scope", "orders:admin")])
            #expect(more.status == 403)
            #expect(more.values("WWW-Authenticate") == [#"Bearer realm="orders-api", error="insufficient_scope", scope="orders:read orders:admin""#])

            let malformed = try await ForwardAuthProcess.send(url, fields: [("Authorization", "Basic dXNlcjpwYXNz")])
            #expect(malformed.status == 400)
            #expect(malformed.values("WWW-Authenticate") == [#"Bearer realm="orders-api", error="invalid_request""#])

            server.updateFaults { $0.errorResponse = (503, "down") }
            let unavailable = try await ForwardAuthProcess.send(url, token: server.issueToken(claims: server.accessTokenClaims(scope: "orders:read")))
            #expect(unavailable.status == 503)
            #expect(unavailable.values("Retry-After") == ["5"])

            server.updateFaults { $0.errorResponse = nil; $0.tamperPayload = true }
            let invalid = try await ForwardAuthProcess.send(url, token: server.issueToken(claims: server.accessTokenClaims(scope: "orders:read")))
            #expect(invalid.status == 502)

            if kind == .caddy {
                // Caddy passes the decision's body on as well.
                #expect(forbidden.json?["error"] as? String == "insufficient_scope")
            }
            #expect(upstream.requestCount == 0)
        }
    }

    @Test("nginx: the decision is asked with X-Forwarded-Method, -Proto, -Host and -Uri of the original request, and without its body",
          .enabled(if: ReverseProxy.Kind.nginx.shouldRun))
    func nginxForwardedFields() async throws {
        let kind = ReverseProxy.Kind.nginx
        try #require(kind.executable != nil || !ReverseProxy.inCI, "nginx is missing in CI: \(kind.installHint)")
        guard kind.executable != nil else { return }
        // A recording decision service in place of forward-auth: it allows everything.
        try await TestHTTPServer.start { _ in .status(200) }.shuttingDown { decision in
            try await EchoUpstream.start().shuttingDown { upstream in
                let proxy = try await ReverseProxy.start(kind, upstream: upstream.baseURL, forwardAuth: decision.baseURL)
                let answer = try await ForwardAuthProcess.send(proxy.baseURL + "/orders/17?view=full&x=%2F", method: .delete, token: "abc")
                try await proxy.stop()
                #expect(answer.status == 200)
                let request = try #require(decision.receivedRequests.last)
                #expect(request.path == "/auth")
                #expect(request.header("X-Forwarded-Method") == "DELETE")
                #expect(request.header("X-Forwarded-Proto") == "http")
                #expect(request.header("X-Forwarded-Host") == String(proxy.baseURL.dropFirst("http://".count)))
                #expect(request.header("X-Forwarded-Uri") == "/orders/17?view=full&x=%2F")
                #expect(request.header("Authorization") == "Bearer abc")
                #expect(request.body.isEmpty)
            }
        }
    }
}
