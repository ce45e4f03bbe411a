import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `introspection-jwt conformance` run as a process against the local authorization server: exit 0
/// when every MUST passes, 1 when one fails, 2 for usage errors; a JSON report for CI; no secret printed.
@Suite("introspection-jwt conformance", .serialized)
struct ConformanceCommandTests {
    static let client = LocalAuthorizationServer.Client(id: "cli rs:1", secret: "cli-secret %+&")

    /// Runs the tool with the client secret in its environment.
    static func run(_ arguments: [String], secret: String? = client.secret) async throws -> CLIRunner.Outcome {
        try await CLIRunner.run(arguments, clientSecret: secret)
    }

    static func arguments(_ server: LocalAuthorizationServer, token: String, _ extra: [String] = []) -> [String] {
        ["conformance", "--issuer", server.issuer, "--client-id", client.id, "--active-token", token] + extra
    }

    static func withServer(faults: LocalAuthorizationServer.Faults = .none, _ body: (LocalAuthorizationServer, String) async throws -> Void) async throws {
        try await LocalAuthorizationServer.start(client: client, faults: faults).shuttingDown { server in
            try await body(server, server.issueToken(claims: server.accessTokenClaims()))
        }
    }

    @Test("A conforming server: exit 0, a table, and a JSON report with every check passing (jwe.* skipped without decryption keys)")
    func conformingServer() async throws {
        try await Self.withServer { server, token in
            let text = try await Self.run(Self.arguments(server, token: token))
            #expect(text.status == 0, "\(text.standardOutput)\(text.standardError)")
            #expect(text.standardOutput.contains("PASS    MUST        jwt.typ"))
            #expect(text.standardOutput.contains("every MUST passes"))
            #expect(!text.standardOutput.contains(Self.client.secret) && !text.standardError.contains(Self.client.secret))

            let json = try await Self.run(Self.arguments(server, token: token, ["--output", "json"]))
            #expect(json.status == 0)
            let report = try #require(json.jsonLines.first)
            #expect(report["conforming"] as? Bool == true)
            #expect(report["issuer"] as? String == server.issuer)
            let checks = try #require(report["checks"] as? [[String: Any]])
            #expect(checks.count > 20)
            // Every check passes, but those of encrypted answers (no --decryption-keys, no encryption
            // registered) and the replay of a private_key_jwt assertion (the run authenticates with Basic).
            #expect(checks.filter { $0["outcome"] as? String != "pass" }.compactMap { $0["id"] as? String }
                == ["jwe.encrypted", "jwe.cty", "jwe.alg", "jwe.enc", "jwe.decrypts", "auth.assertion_replay"])
            #expect(checks.filter { $0["outcome"] as? String == "skip" }.count == 6)
            #expect(checks.first?["id"] as? String == "metadata.location")
            #expect(!json.standardOutput.contains(Self.client.secret))
        }
    }

    @Test("A MUST failure exits 1 and names the check in the JSON report")
    func failingMust() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.unauthenticatedStatus401 = true
        try await Self.withServer(faults: faults) { server, token in
            let outcome = try await Self.run(Self.arguments(server, token: token, ["--output", "json", "--client-secret", Self.client.secret]), secret: nil)
            #expect(outcome.status == 1, "\(outcome.standardError)")
            let report = try #require(outcome.jsonLines.first)
            #expect(report["conforming"] as? Bool == false)
            let failed = (report["checks"] as? [[String: Any]] ?? []).filter { $0["outcome"] as? String == "fail" }
            #expect(failed.map { $0["id"] as? String } == ["auth.unauthenticated"])
            #expect(failed.first?["level"] as? String == "MUST")
            #expect(failed.first?["section"] as? String == "RFC 9701 §4, §5, §8.2")
            #expect(!outcome.standardOutput.contains(Self.client.secret))
        }
    }

    @Test("Only a SHOULD NOT failure still exits 0")
    func failingShouldOnly() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.topLevelSubject = true
        try await Self.withServer(faults: faults) { server, token in
            let outcome = try await Self.run(Self.arguments(server, token: token))
            #expect(outcome.status == 0, "stdout: \(outcome.standardOutput)\nstderr: \(outcome.standardError)")
            #expect(outcome.standardOutput.contains("FAIL    SHOULD NOT  jwt.no_top_level_sub"))
        }
    }

    @Test("--active-token and --inactive-token take values that start with - (opaque tokens may)")
    func tokensStartingWithDash() async throws {
        try await Self.withServer { server, _ in
            let active = "-active-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            server.storeToken(active, claims: server.accessTokenClaims())
            let outcome = try await Self.run(Self.arguments(server, token: active, ["--inactive-token", "--not-an-option", "--output", "json"]))
            #expect(outcome.status == 0, "stdout: \(outcome.standardOutput)\nstderr: \(outcome.standardError)")
            #expect(outcome.jsonLines.first?["conforming"] as? Bool == true)
        }
    }

    @Test("No secret anywhere is a usage error: exit 2")
    func missingSecret() async throws {
        try await Self.withServer { server, token in
            let outcome = try await Self.run(Self.arguments(server, token: token), secret: nil)
            #expect(outcome.status == 2)
            #expect(outcome.standardError.contains("INTROSPECTION_CLIENT_SECRET"))
            let badTimeout = try await Self.run(Self.arguments(server, token: token, ["--timeout", "0"]))
            #expect(badTimeout.status == 2)
        }
    }
}
