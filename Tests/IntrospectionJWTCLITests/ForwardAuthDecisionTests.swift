import Foundation
import HTTPTypes
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `introspection-jwt forward-auth`, every row of its table against the real binary and the local
/// authorization server: status, `WWW-Authenticate` and `Retry-After` to the letter, the `X-Auth-*` fields
/// of a 200, and no answer that contains the token.
@Suite("introspection-jwt forward-auth: the decisions", .serialized)
struct ForwardAuthDecisionTests {
    static func withServer<T>(
        _ client: LocalAuthorizationServer.Client = ForwardAuthProcess.client,
        faults: LocalAuthorizationServer.Faults = .none,
        _ body: (LocalAuthorizationServer) async throws -> T
    ) async throws -> T {
        try await LocalAuthorizationServer.start(client: client, faults: faults).shuttingDown(after: body)
    }

    /// Every field and the body of `answer` are free of `token`.
    static func expectNoToken(_ answer: ForwardAuthProcess.Answer, _ token: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!answer.everything.contains(token), sourceLocation: sourceLocation)
    }

    /// A deny answer's body: `{"error": code, "error_description": "..."}` and nothing else.
    static func expectBody(_ answer: ForwardAuthProcess.Answer, error: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let json = answer.json
        #expect(json?["error"] as? String == error, "\(answer.body)", sourceLocation: sourceLocation)
        #expect((json?["error_description"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(json?.count == 2, sourceLocation: sourceLocation)
        #expect(answer.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
    }

    @Test("No Authorization: 401 with Bearer realm=\"<issuer>\" and no error code; --realm replaces the issuer")
    func missingToken() async throws {
        try await Self.withServer { server in
            try await ForwardAuthProcess.with(server) { forwardAuth in
                let answer = try await forwardAuth.send()
                #expect(answer.status == 401)
                #expect(answer.values("WWW-Authenticate") == ["Bearer realm=\"\(server.issuer)\""])
                Self.expectBody(answer, error: "missing_token")
            }
            try await ForwardAuthProcess.with(server, ["--realm", "orders \"api\""]) { forwardAuth in
                let answer = try await forwardAuth.send("/auth", method: .post)
                #expect(answer.status == 401)
                #expect(answer.values("WWW-Authenticate") == [#"Bearer realm="orders \"api\"""#])
            }
            #expect(server.introspectionCount == 0)
        }
    }

    @Test("An Authorization that is not one Bearer b64token: 400 invalid_request, without a call; the scheme is case-insensitive")
    func malformedAuthorization() async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server) { forwardAuth in
                let malformed: [[(String, String)]] = [
                    [("Authorization", "Basic dXNlcjpwYXNz")],
                    [("Authorization", "")],
                    [("Authorization", "Bearer")],
                    [("Authorization", "Bearer ")],
                    [("Authorization", "Token \(token)")],
                    [("Authorization", "Bearer \(token) \(token)")],
                    [("Authorization", "Bearer \(token),x")],
                    [("Authorization", "Bearer =\(token)")],
                    [("Authorization", "Bearer\t\(token)")],
                    [("Authorization", "Bearer \(token)"), ("Authorization", "Bearer \(token)")],
                ]
                for fields in malformed {
                    let answer = try await forwardAuth.send(fields: fields)
                    #expect(answer.status == 400, "\(fields.map(\.1))")
                    #expect(answer.values("WWW-Authenticate") == ["Bearer realm=\"\(server.issuer)\", error=\"invalid_request\""])
                    Self.expectBody(answer, error: "invalid_request")
                    Self.expectNoToken(answer, token)
                }
                #expect(server.introspectionCount == 0)
                for scheme in ["bearer", "BEARER", "bEaReR"] {
                    let answer = try await forwardAuth.send(fields: [("Authorization", "\(scheme) \(token)")])
                    #expect(answer.status == 200, "\(scheme)")
                }
            }
        }
    }

    @Test("An inactive token (unknown, revoked): 401 invalid_token")
    func inactiveToken() async throws {
        try await Self.withServer { server in
            let revoked = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            server.revoke(revoked)
            try await ForwardAuthProcess.with(server) { forwardAuth in
                for token in [revoked, "unknown-\(UUID().uuidString)"] {
                    let answer = try await forwardAuth.send(token: token)
                    #expect(answer.status == 401)
                    #expect(answer.values("WWW-Authenticate") == ["Bearer realm=\"\(server.issuer)\", error=\"invalid_token\""])
                    Self.expectBody(answer, error: "invalid_token")
                    Self.expectNoToken(answer, token)
                    #expect(answer.header("X-Auth-Subject") == nil)
                }
            }
        }
    }

    @Test("A required scope missing: 403 insufficient_scope naming --require-scope and X-Required-Scope's scopes; the header only adds")
    func insufficientScope() async throws {
        try await Self.withServer { server in
            let reader = server.issueToken(claims: server.accessTokenClaims(scope: "orders:read profile"))
            let writer = server.issueToken(claims: server.accessTokenClaims(scope: "orders:read orders:write"))
            try await ForwardAuthProcess.with(server, ["--require-scope", "orders:read", "--require-scope", "orders:write"]) { forwardAuth in
                let answer = try await forwardAuth.send(token: reader)
                #expect(answer.status == 403)
                #expect(answer.values("WWW-Authenticate") == [
                    "Bearer realm=\"\(server.issuer)\", error=\"insufficient_scope\", scope=\"orders:read orders:write\""
                ])
                Self.expectBody(answer, error: "insufficient_scope")
                Self.expectNoToken(answer, reader)
                #expect(try await forwardAuth.send(token: writer).status == 200)

                // X-Required-Scope adds (several fields, space- and tab-separated); it cannot take away.
                let more = try await forwardAuth.send(token: writer, fields: [("X-Required-Scope", "orders:admin\tprofile"), ("X-Required-Scope", " audit ")])
                #expect(more.status == 403)
                #expect(more.header("WWW-Authenticate")
                    == "Bearer realm=\"\(server.issuer)\", error=\"insufficient_scope\", scope=\"orders:read orders:write orders:admin profile audit\"")
                let none = try await forwardAuth.send(token: reader, fields: [("X-Required-Scope", "")])
                #expect(none.status == 403)
            }
            try await ForwardAuthProcess.with(server) { forwardAuth in
                #expect(try await forwardAuth.send(token: reader).status == 200)
                let perRequest = try await forwardAuth.send(token: reader, fields: [("X-Required-Scope", "orders:write")])
                #expect(perRequest.status == 403)
                #expect(perRequest.header("WWW-Authenticate") == "Bearer realm=\"\(server.issuer)\", error=\"insufficient_scope\", scope=\"orders:write\"")
                #expect(try await forwardAuth.send(token: reader, fields: [("X-Required-Scope", "profile orders:read")]).status == 200)
            }
        }
    }

    @Test("The AS unreachable, answering 5xx or 429, or too slow: 503 with Retry-After: 5, and nothing is cached")
    func unavailable() async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server, ["--timeout", "1"]) { forwardAuth in
                for (status, body) in [(500, "oops"), (503, "busy"), (429, "slow down")] {
                    server.updateFaults { $0.errorResponse = (status, body) }
                    let answer = try await forwardAuth.send(token: token)
                    #expect(answer.status == 503, "AS \(status)")
                    #expect(answer.values("Retry-After") == ["5"])
                    #expect(answer.header("WWW-Authenticate") == nil)
                    Self.expectBody(answer, error: "temporarily_unavailable")
                }
                server.updateFaults { $0.errorResponse = nil; $0.introspectionDelay = .seconds(3) }
                let slow = try await forwardAuth.send(token: token)
                #expect(slow.status == 503)
                #expect(slow.values("Retry-After") == ["5"])
                server.updateFaults { $0.introspectionDelay = nil }
                #expect(try await forwardAuth.send(token: token).status == 200)
            }
        }
    }

    @Test("The AS gone (connection refused): 503 with Retry-After: 5")
    func unreachable() async throws {
        let server = try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client)
        let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
        let forwardAuth = try await ForwardAuthProcess.start(ForwardAuthProcess.arguments(server))
        try await server.shutdown()
        let answer = try await forwardAuth.send(token: token)
        #expect(answer.status == 503)
        #expect(answer.values("Retry-After") == ["5"])
        #expect(answer.header("WWW-Authenticate") == nil)
        Self.expectBody(answer, error: "temporarily_unavailable")
        Self.expectNoToken(answer, token)
        forwardAuth.signal(SIGTERM)
        #expect(try await forwardAuth.waitForExit() == 0)
    }

    @Test("The AS's answer fails verification (signature, claims, a JSON downgrade, a non-RFC 7662 body): 502")
    func invalidAnswer() async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server) { forwardAuth in
                let faults: [(String, (inout LocalAuthorizationServer.Faults) -> Void)] = [
                    ("a tampered payload", { $0.tamperPayload = true }),
                    ("an unpublished key", { $0.signWithUnpublishedKey = true }),
                    ("a wrong issuer", { $0.issuer = .some("https://evil.example") }),
                    ("a JSON answer to a JWT request", { $0.jsonForJWTRequests = true }),
                    ("active that is not a boolean", { $0.activeValue = .string("true") }),
                    ("an error object with 200", { $0.errorResponse = (200, #"{"error":"invalid_request"}"#) }),
                ]
                for (name, fault) in faults {
                    server.faults = .none
                    server.updateFaults(fault)
                    let answer = try await forwardAuth.send(token: token)
                    #expect(answer.status == 502, "\(name)")
                    #expect(answer.header("WWW-Authenticate") == nil && answer.header("X-Auth-Subject") == nil, "\(name)")
                    Self.expectBody(answer, error: "invalid_introspection_response")
                    Self.expectNoToken(answer, token)
                }
                server.faults = .none
                #expect(try await forwardAuth.send(token: token).status == 200)
            }
        }
    }

    @Test("Active with every scope: 200 with the X-Auth-* fields of the members present and the verified JWT, for any method and path")
    func allowed() async throws {
        try await Self.withServer { server in
            let full = server.issueToken(claims: server.accessTokenClaims(subject: "user-42", scope: "orders:read", clientID: "app-7", username: "jdoe"))
            let exp = Int(Date().timeIntervalSince1970) + 600
            let sparse = server.issueToken(["scope": .string("orders:read"), "exp": .number(JSONNumber(exp))])
            let audit = try TemporaryDirectory()
            let records = audit.url.appendingPathComponent("audit.jsonl").path
            try await ForwardAuthProcess.with(server, ["--require-scope", "orders:read", "--audit-log", records]) { forwardAuth in
                for (method, path) in [(HTTPRequest.Method.get, "/auth"), (.post, "/auth"), (.delete, "/orders/17?x=1"), (.put, "/")] {
                    let answer = try await forwardAuth.send(path, method: method, token: full)
                    #expect(answer.status == 200, "\(method) \(path)")
                    #expect(answer.header("X-Auth-Subject") == "user-42")
                    #expect(answer.header("X-Auth-Client-Id") == "app-7")
                    #expect(answer.header("X-Auth-Scope") == "orders:read")
                    #expect(answer.header("X-Auth-Username") == "jdoe")
                    let expires = try #require(answer.header("X-Auth-Expires").flatMap(Int.init))
                    #expect(abs(expires - Int(Date().timeIntervalSince1970) - 3600) < 120)
                    #expect(answer.header("WWW-Authenticate") == nil)
                    Self.expectNoToken(answer, full)
                    let jwt = try #require(answer.header("X-Introspection-JWT"))
                    let verifier = IntrospectionResponseVerifier(
                        policy: VerificationPolicy(issuer: server.issuer, audience: ForwardAuthProcess.client.id),
                        keys: try JWKSet(json: server.jwksDocument))
                    let verified = try await verifier.verify(jwt)
                    #expect(verified.introspection.subject == "user-42")
                }
                let answer = try await forwardAuth.send(token: sparse)
                #expect(answer.status == 200)
                #expect(answer.header("X-Auth-Scope") == "orders:read")
                #expect(answer.header("X-Auth-Expires") == String(exp))
                for absent in ["X-Auth-Subject", "X-Auth-Client-Id", "X-Auth-Username"] {
                    #expect(answer.header(absent) == nil, "\(absent)")
                }
                #expect(answer.header("X-Introspection-JWT") != nil)
            }
            // The audit trail: one record per answer from the AS (two tokens), none for cache hits.
            let lines = try String(contentsOfFile: records, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2)
            #expect(server.introspectionCount == 2)
        }
    }

    @Test("--audit-log and --key-archive: one record per answer from the AS (none for cache hits), verified by `audit --keys <archive>` after the AS rotated its key away")
    func auditTrail() async throws {
        let scratch = try TemporaryDirectory()
        let records = scratch.url.appendingPathComponent("audit.jsonl").path
        let archive = scratch.url.appendingPathComponent("keys.jsonl").path
        var issuer = ""
        try await Self.withServer { server in
            issuer = server.issuer
            try await ForwardAuthProcess.with(server, ["--audit-log", records, "--key-archive", archive]) { forwardAuth in
                let first = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
                let revoked = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
                server.revoke(revoked)
                var statuses: [Int] = []
                for token in [first, revoked, first, first] { statuses.append(try await forwardAuth.send(token: token).status) }
                server.rotateSigningKey(retirePrevious: true)
                statuses.append(try await forwardAuth.send(token: server.issueToken(claims: server.accessTokenClaims(scope: "read"))).status)
                #expect(statuses == [200, 401, 200, 200, 200])
            }
            #expect(server.introspectionCount == 3)
        }
        #expect(try String(contentsOfFile: records, encoding: .utf8).split(separator: "\n").count == 3)
        let audited = try await CLIRunner.run([
            "audit", "--issuer", issuer, "--audience", ForwardAuthProcess.client.id, "--keys", archive, "--output", "json", records,
        ])
        #expect(audited.status == 0, "\(audited.standardOutput)\n\(audited.standardError)")
        let results = audited.jsonLines.filter { $0["valid"] != nil }
        #expect(results.count == 3 && results.allSatisfy { $0["valid"] as? Bool == true })
        #expect(Set(results.compactMap { $0["kid"] as? String }).count == 2)
    }

    @Test("--format json: 200 with the X-Auth-* fields and no X-Introspection-JWT")
    func jsonFormat() async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(subject: "user-7", scope: "read"))
            try await ForwardAuthProcess.with(server, ["--format", "json"]) { forwardAuth in
                let answer = try await forwardAuth.send(token: token)
                #expect(answer.status == 200)
                #expect(answer.header("X-Auth-Subject") == "user-7")
                #expect(answer.header("X-Introspection-JWT") == nil)
            }
        }
    }

    @Test("A member that is no field value (a control character, leading or trailing space) cannot be sent unchanged: 502, not an altered value, counted as an invalid answer")
    func memberThatIsNoFieldValue() async throws {
        try await Self.withServer { server in
            let unsendable: [(String, String)] = [
                ("sub", "alice\r\nX-Admin: true"), ("sub", " admin"), ("username", "root\t"), ("client_id", "app\u{7F}"), ("scope", "read\u{0}"),
            ]
            let tokens = unsendable.map { member, value in
                let scope = JSONObject.Member(name: "scope", value: .string("read"))
                return server.issueToken(claims: JSONObject(members: (member == "scope" ? [] : [scope]) + [.init(name: member, value: .string(value))]))
            }
            let fine = server.issueToken(["sub": .string("Jürgen Müller"), "username": .string("a\tb"), "scope": .string("read")])
            try await ForwardAuthProcess.with(server) { forwardAuth in
                for (token, (member, value)) in zip(tokens, unsendable) {
                    let answer = try await forwardAuth.send(token: token)
                    #expect(answer.status == 502, "\(member) \(value.debugDescription)")
                    #expect(answer.header("X-Admin") == nil && answer.header("X-Auth-Subject") == nil && answer.header("X-Auth-Username") == nil)
                    Self.expectBody(answer, error: "invalid_introspection_response")
                }
                // Valid field values pass unchanged: UTF-8 beyond ASCII, a tab inside.
                let answer = try await forwardAuth.send(token: fine)
                #expect(answer.status == 200)
                #expect(answer.header("X-Auth-Subject") == "Jürgen Müller")
                #expect(answer.header("X-Auth-Username") == "a\tb")
                let samples = ForwardAuthLifecycleTests.samples(try await forwardAuth.send("/metrics").body)
                #expect(samples[#"introspection_jwt_decisions_total{outcome="invalid_answer"}"#] == Double(unsendable.count))
                #expect(samples[#"introspection_jwt_decisions_total{outcome="allowed"}"#] == 1)
            }
        }
    }
}
