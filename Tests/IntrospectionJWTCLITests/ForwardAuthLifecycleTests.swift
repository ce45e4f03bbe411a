import Foundation
import HTTPTypes
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `introspection-jwt forward-auth` as a process: the start-up line, exit status 2 before listening,
/// graceful shutdown on SIGTERM and SIGINT, `/healthz`, `/metrics`, and logs without tokens.
@Suite("introspection-jwt forward-auth: start, stop, health and metrics", .serialized)
struct ForwardAuthLifecycleTests {
    static func withServer<T>(faults: LocalAuthorizationServer.Faults = .none, _ body: (LocalAuthorizationServer) async throws -> T) async throws -> T {
        try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client, faults: faults).shuttingDown(after: body)
    }

    @Test("Once it listens it prints exactly one line, listening on http://<host>:<port>, with the port it got for port 0")
    func startUpLine() async throws {
        try await Self.withServer { server in
            try await ForwardAuthProcess.with(server) { forwardAuth in
                let output = forwardAuth.standardOutput
                let match = try #require(output.wholeMatch(of: /listening on http:\/\/127\.0\.0\.1:([0-9]+)\n/), "\(output.debugDescription)")
                #expect(Int(match.1).map { $0 > 0 && $0 < 65536 } == true)
                #expect(try await forwardAuth.send("/healthz").status == 200)
            }
        }
    }

    @Test("Without --listen it listens on 127.0.0.1:9090 (and when that port is taken, exits 2 naming it)")
    func defaultAddress() async throws {
        try await Self.withServer { server in
            var arguments = ForwardAuthProcess.arguments(server)
            arguments.removeSubrange(arguments.firstIndex(of: "--listen")!...arguments.firstIndex(of: "--listen")! + 1)
            // A fixed port on a shared machine: when something else holds it, the default still shows.
            guard !FreePort.accepts(9090) else {
                let outcome = try await CLIRunner.run(arguments, clientSecret: ForwardAuthProcess.client.secret)
                #expect(outcome.status == 2)
                #expect(outcome.standardOutput.isEmpty)
                #expect(outcome.standardError.contains("127.0.0.1:9090"), "\(outcome.standardError)")
                return
            }
            let forwardAuth = try await ForwardAuthProcess.start(arguments)
            #expect(forwardAuth.standardOutput == "listening on http://127.0.0.1:9090\n")
            #expect(try await ForwardAuthProcess.send("http://127.0.0.1:9090/healthz").status == 200)
            forwardAuth.signal(SIGTERM)
            #expect(try await forwardAuth.waitForExit() == 0)
        }
    }

    @Test("A bad option, a missing secret, an unusable decryption key file, audit log or key archive, a busy port: exit 2 before listening")
    func exitTwoBeforeListening() async throws {
        try await Self.withServer { server in
            let scratch = try TemporaryDirectory()
            let notKeys = try scratch.write("not-keys.json", "{\"keys\": 7}")
            let busy = try await ForwardAuthProcess.start(ForwardAuthProcess.arguments(server))
            let busyPort = String(busy.baseURL.split(separator: ":").last!)
            let cases: [(String, [String], String?)] = [
                ("--listen without a port", ["--listen", "127.0.0.1"], ForwardAuthProcess.client.secret),
                ("--listen with a bad port", ["--listen", "127.0.0.1:70000"], ForwardAuthProcess.client.secret),
                ("--listen IPv6 without brackets", ["--listen", "::1:9090"], ForwardAuthProcess.client.secret),
                ("--cache-ttl negative", ["--cache-ttl", "-1"], ForwardAuthProcess.client.secret),
                ("--negative-cache-ttl not a number", ["--negative-cache-ttl", "soon"], ForwardAuthProcess.client.secret),
                ("--cache-size 0", ["--cache-size", "0"], ForwardAuthProcess.client.secret),
                ("--max-concurrent-introspections 0", ["--max-concurrent-introspections", "0"], ForwardAuthProcess.client.secret),
                ("--require-scope with a space", ["--require-scope", "a b"], ForwardAuthProcess.client.secret),
                ("--require-scope empty", ["--require-scope", ""], ForwardAuthProcess.client.secret),
                ("--auth unknown", ["--auth", "private_key_jwt_x"], ForwardAuthProcess.client.secret),
                ("--format unknown", ["--format", "xml"], ForwardAuthProcess.client.secret),
                ("--algorithms with HS256", ["--algorithms", "HS256"], ForwardAuthProcess.client.secret),
                ("--endpoint over plain http", ["--endpoint", "http://as.example.com/introspect"], ForwardAuthProcess.client.secret),
                ("--require-encryption with --format json", ["--require-encryption", "--format", "json"], ForwardAuthProcess.client.secret),
                ("--key-management-algorithms RSA1_5", ["--key-management-algorithms", "RSA1_5"], ForwardAuthProcess.client.secret),
                ("an unknown option", ["--bogus"], ForwardAuthProcess.client.secret),
                ("no secret", [], nil),
                ("an --audit-log in a missing directory", ["--audit-log", "/nonexistent-dir/audit.jsonl"], ForwardAuthProcess.client.secret),
                ("a --key-archive in a missing directory", ["--key-archive", "/nonexistent-dir/keys.jsonl"], ForwardAuthProcess.client.secret),
                ("a busy port", ["--listen", "127.0.0.1:\(busyPort)"], ForwardAuthProcess.client.secret),
            ]
            for (name, extra, secret) in cases {
                var arguments = ForwardAuthProcess.arguments(server)
                if extra.first == "--listen" { arguments.removeLast(2) }
                let outcome = try await CLIRunner.run(arguments + extra, clientSecret: secret)
                #expect(outcome.status == 2, "\(name): \(outcome.standardError)")
                #expect(outcome.standardOutput.isEmpty, "\(name): \(outcome.standardOutput)")
                #expect(!outcome.standardError.isEmpty, "\(name)")
            }
            // Decryption key files, as for introspect (issue 13): the message names decryption_keys_unavailable.
            let publicOnly = try scratch.write("public.json", #"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#)
            for file in [notKeys, publicOnly, scratch.url.appendingPathComponent("none.json").path] {
                let outcome = try await CLIRunner.run(ForwardAuthProcess.arguments(server, ["--decryption-keys", file]), clientSecret: ForwardAuthProcess.client.secret)
                #expect(outcome.status == 2, "\(file): \(outcome.standardError)")
                #expect(outcome.standardOutput.isEmpty)
                #expect(outcome.standardError.contains("decryption_keys_unavailable"), "\(outcome.standardError)")
            }
            busy.signal(SIGTERM)
            #expect(try await busy.waitForExit() == 0)
            #expect(server.introspectionCount == 0)
        }
    }

    @Test("An issuer whose metadata cannot be used (unreachable, naming another issuer, advertising only algorithms that are not allowed): exit 2 before listening")
    func unusableIssuer() async throws {
        // Nothing listens there once the server is gone.
        let gone = try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client)
        let goneIssuer = gone.issuer
        try await gone.shutdown()
        let unreachable = try await CLIRunner.run(
            ["forward-auth", "--issuer", goneIssuer, "--client-id", ForwardAuthProcess.client.id, "--listen", "127.0.0.1:0"],
            clientSecret: ForwardAuthProcess.client.secret)
        #expect(unreachable.status == 2)
        #expect(unreachable.standardOutput.isEmpty)
        #expect(unreachable.standardError.contains("metadata"), "\(unreachable.standardError)")

        var otherIssuer = LocalAuthorizationServer.Faults()
        otherIssuer.metadataIssuer = "https://other.example.com"
        var noAlgorithms = LocalAuthorizationServer.Faults()
        noAlgorithms.advertisedSigningAlgorithms = .some(["HS256"])
        for faults in [otherIssuer, noAlgorithms] {
            try await Self.withServer(faults: faults) { server in
                let outcome = try await CLIRunner.run(ForwardAuthProcess.arguments(server), clientSecret: ForwardAuthProcess.client.secret)
                #expect(outcome.status == 2, "\(outcome.standardError)")
                #expect(outcome.standardOutput.isEmpty)
            }
        }
        // With --endpoint and --jwks nothing is discovered: the same server starts.
        try await Self.withServer(faults: otherIssuer) { server in
            try await ForwardAuthProcess.with(server, ["--endpoint", server.introspectionEndpoint, "--jwks", server.jwksURI]) { forwardAuth in
                let status = try await forwardAuth.send("/healthz").status
                #expect(status == 200)
            }
        }
    }

    @Test("SIGTERM and SIGINT: new connections are refused, the request in flight is answered, exit 0", arguments: [SIGTERM, SIGINT])
    func gracefulShutdown(signal: Int32) async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(subject: "in-flight", scope: "read"))
            server.updateFaults { $0.introspectionDelay = .milliseconds(1500) }
            let forwardAuth = try await ForwardAuthProcess.start(ForwardAuthProcess.arguments(server))
            let inFlight = Task { try await forwardAuth.send(token: token) }
            // Once the call has reached the AS, the request is in flight.
            let deadline = ContinuousClock.now + .seconds(10)
            while server.introspectionCount == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.introspectionCount == 1)
            forwardAuth.signal(signal)
            try await Task.sleep(for: .milliseconds(300))
            // Stopped accepting: a new connection is refused while the request in flight goes on.
            await #expect(throws: (any Error).self) { _ = try await ForwardAuthProcess.send(forwardAuth.baseURL + "/healthz") }
            let answer = try await inFlight.value
            #expect(answer.status == 200)
            #expect(answer.header("X-Auth-Subject") == "in-flight")
            #expect(try await forwardAuth.waitForExit() == 0)
            #expect(forwardAuth.standardOutput.split(separator: "\n").count == 1)
        }
    }

    @Test("GET and HEAD /healthz are 200 without a token or a call to the AS; POST /healthz is a decision")
    func healthz() async throws {
        try await Self.withServer { server in
            try await ForwardAuthProcess.with(server) { forwardAuth in
                let answer = try await forwardAuth.send("/healthz")
                #expect(answer.status == 200)
                #expect(answer.header("WWW-Authenticate") == nil)
                #expect(server.introspectionCount == 0)
                // HEAD is GET without the body (RFC 9110 §9.3.2).
                let head = try await forwardAuth.send("/healthz", method: .head)
                #expect(head.status == 200 && head.body.isEmpty)
                // Another method on /healthz is a decision like any other request.
                let status = try await forwardAuth.send("/healthz", method: .post).status
                #expect(status == 401)
            }
        }
    }

    @Test("GET /metrics: Prometheus text with decisions by outcome, cache hits and misses, AS calls, their latency and calls in flight")
    func metrics() async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server, ["--require-scope", "read"]) { forwardAuth in
                for _ in 0..<3 { #expect(try await forwardAuth.send(token: token).status == 200) }
                #expect(try await forwardAuth.send().status == 401)
                #expect(try await forwardAuth.send(token: "unknown-token").status == 401)
                #expect(try await forwardAuth.send(fields: [("Authorization", "Basic eA==")]).status == 400)
                let answer = try await forwardAuth.send("/metrics")
                #expect(answer.status == 200)
                #expect(answer.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
                let samples = Self.samples(answer.body)
                #expect(samples[#"introspection_jwt_decisions_total{outcome="allowed"}"#] == 3)
                #expect(samples[#"introspection_jwt_decisions_total{outcome="missing_token"}"#] == 1)
                #expect(samples[#"introspection_jwt_decisions_total{outcome="inactive_token"}"#] == 1)
                #expect(samples[#"introspection_jwt_decisions_total{outcome="malformed_request"}"#] == 1)
                #expect(samples[#"introspection_jwt_decisions_total{outcome="insufficient_scope"}"#] == 0)
                #expect(samples["introspection_jwt_cache_hits_total"] == 2)
                #expect(samples["introspection_jwt_cache_misses_total"] == 2)
                #expect(samples["introspection_jwt_introspection_calls_total"] == 2)
                #expect(samples["introspection_jwt_introspection_call_duration_count"] == 2)
                #expect((samples["introspection_jwt_introspection_call_duration_sum"] ?? 0) > 0)
                #expect(samples["introspection_jwt_introspection_calls_in_flight"] == 0)
                #expect(answer.body.contains("# TYPE introspection_jwt_decisions_total counter"))
                #expect(answer.body.contains("# TYPE introspection_jwt_introspection_call_duration histogram"))
                #expect(answer.body.contains("# TYPE introspection_jwt_introspection_calls_in_flight gauge"))
                #expect(server.introspectionCount == 2)
                #expect(!answer.body.contains(token))
            }
        }
    }

    @Test("Logs, at the most verbose level, never contain a token")
    func logsWithoutTokens() async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server, environment: ["INTROSPECTION_JWT_LOG_LEVEL": "trace"]) { forwardAuth in
                #expect(try await forwardAuth.send(token: token).status == 200)
                #expect(try await forwardAuth.send(token: token + "x").status == 401)
                #expect(try await forwardAuth.send(fields: [("Authorization", "Bearer \(token) \(token)")]).status == 400)
                server.updateFaults { $0.tamperPayload = true }
                #expect(try await forwardAuth.send(token: "y" + token).status == 502)
                try await Task.sleep(for: .milliseconds(200))
                let logs = forwardAuth.standardError
                #expect(!logs.isEmpty)
                #expect(!logs.contains(token) && !logs.contains(String(token.prefix(16))))
                #expect(!logs.contains(ForwardAuthProcess.client.secret))
            }
        }
    }

    /// The samples of a Prometheus text page, by name and labels.
    static func samples(_ page: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in page.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}
