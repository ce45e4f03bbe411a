import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `introspection-jwt introspect` against the local authorization server: the exit statuses of its
/// contract (0 verified, 1 failed verification, 2 usage, transport or HTTP), and a secret that is never
/// printed.
@Suite("introspection-jwt introspect", .serialized)
struct IntrospectCommandTests {
    static let client = LocalAuthorizationServer.Client(id: "cli rs:1", secret: "cli-secret %+&")

    /// Runs the tool with the client secret in its environment.
    static func run(_ arguments: [String], secret: String? = client.secret, standardInput: String? = nil) async throws -> CLIRunner.Outcome {
        try await CLIRunner.run(arguments, standardInput: standardInput, clientSecret: secret)
    }

    static func withServer<T>(faults: LocalAuthorizationServer.Faults = .none, _ body: (LocalAuthorizationServer) async throws -> T) async throws -> T {
        try await LocalAuthorizationServer.start(client: client, faults: faults).shuttingDown(after: body)
    }

    static func arguments(_ server: LocalAuthorizationServer, _ extra: [String] = [], token: String) -> [String] {
        ["introspect", "--issuer", server.issuer, "--client-id", client.id] + extra + ["--", token]
    }

    static func expectNoSecret(_ outcome: CLIRunner.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        for secretForm in [client.secret, "cli-secret"] {
            #expect(!outcome.standardOutput.contains(secretForm), sourceLocation: sourceLocation)
            #expect(!outcome.standardError.contains(secretForm), sourceLocation: sourceLocation)
        }
    }

    @Test("An active token: the JWT is discovered, verified, printed; exit 0")
    func activeToken() async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read write"))
            let text = try await Self.run(Self.arguments(server, token: token))
            #expect(text.status == 0, "\(text.standardError)")
            #expect(text.standardOutput.contains("verification: valid (alg ES256, kid \(server.currentKeyID), iss \(server.issuer)"))
            #expect(text.standardOutput.contains("active: true"))
            #expect(text.standardOutput.contains("scope: read write"))
            Self.expectNoSecret(text)

            let json = try await Self.run(Self.arguments(server, ["--output", "json", "--token-type-hint", "access_token"], token: token))
            #expect(json.status == 0)
            let object = try #require(json.jsonLines.first)
            #expect(object["verified"] as? Bool == true)
            #expect(object["active"] as? Bool == true)
            #expect((object["token_introspection"] as? [String: Any])?["client_id"] as? String == "app-7")
            #expect((object["header"] as? [String: Any])?["typ"] as? String == "token-introspection+jwt")
            #expect((object["claims"] as? [String: Any])?["aud"] as? String == Self.client.id)
            let request = try #require(server.requests.last { $0.pathWithoutQuery == server.introspectionPath })
            #expect(String(decoding: request.body, as: UTF8.self).contains("token_type_hint=access_token"))
            Self.expectNoSecret(json)
        }
    }

    @Test("An inactive token is a verified response: exit 0")
    func inactiveToken() async throws {
        try await Self.withServer { server in
            let outcome = try await Self.run(Self.arguments(server, ["--output", "json"], token: "unknown"))
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.jsonLines.first?["active"] as? Bool == false)
            #expect(outcome.jsonLines.first?["verified"] as? Bool == true)
        }
    }

    @Test("A token that starts with - is introspected when it follows --")
    func tokenStartingWithDash() async throws {
        try await Self.withServer { server in
            let token = "-opaque-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            server.storeToken(token, claims: server.accessTokenClaims(scope: "read"))
            let outcome = try await Self.run(Self.arguments(server, ["--output", "json"], token: token))
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.jsonLines.first?["active"] as? Bool == true)
            #expect(outcome.jsonLines.first?["verified"] as? Bool == true)
        }
    }

    @Test("A tampered response or a JSON answer to a JWT request fails verification: exit 1", arguments: ["tamper", "downgrade"])
    func failedVerification(fault: String) async throws {
        var faults = LocalAuthorizationServer.Faults()
        if fault == "tamper" { faults.tamperPayload = true } else { faults.jsonForJWTRequests = true }
        try await Self.withServer(faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let outcome = try await Self.run(Self.arguments(server, token: token))
            #expect(outcome.status == 1, "\(outcome.standardError)")
            #expect(outcome.standardOutput.hasPrefix("verification: invalid: \(fault == "tamper" ? "bad_signature" : "downgrade")"))
            #expect(!outcome.standardOutput.contains("active: true"))
            let json = try await Self.run(Self.arguments(server, ["--output", "json"], token: token))
            #expect(json.status == 1)
            #expect(json.jsonLines.first?["verified"] as? Bool == false)
            #expect(json.jsonLines.first?["active"] == nil)
        }
    }

    @Test("Wrong credentials, an unreachable server and a timeout are exit 2, secret unprinted")
    func httpAndTransportErrors() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.introspectionDelay = .seconds(5)
        try await Self.withServer { server in
            let wrong = try await Self.run(Self.arguments(server, ["--auth", "post"], token: "t"), secret: "not-it")
            #expect(wrong.status == 2)
            #expect(wrong.standardError.contains("HTTP 401"))
            #expect(!wrong.standardError.contains("not-it") && !wrong.standardOutput.contains("not-it"))
        }
        try await Self.withServer(faults: faults) { server in
            let slow = try await Self.run(Self.arguments(server, ["--timeout", "0.5"], token: "t"))
            #expect(slow.status == 2)
            #expect(slow.standardError.contains("timed out"))
            Self.expectNoSecret(slow)
        }
        let unreachable = try await Self.run(["introspect", "--issuer", "http://127.0.0.1:9", "--client-id", "x", "t"])
        #expect(unreachable.status == 2)
    }

    @Test("Usage errors exit 2: no secret, a bad option value, a non-https endpoint")
    func usageErrors() async throws {
        let base = ["introspect", "--issuer", "https://as.example", "--client-id", "rs"]
        #expect(try await Self.run(base + ["t"], secret: nil).status == 2)
        #expect(try await Self.run(base + ["--format", "xml", "t"]).status == 2)
        #expect(try await Self.run(base + ["--endpoint", "http://as.example/introspect", "t"]).status == 2)
        #expect(try await Self.run(base).status == 2)
    }

    @Test("--format json with --endpoint and client_secret_post; the token read from standard input")
    func plainJSON() async throws {
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let outcome = try await Self.run(
                Self.arguments(server, ["--format", "json", "--auth", "post", "--endpoint", server.introspectionEndpoint], token: "-"),
                standardInput: token + "\n"
            )
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("verification: none"))
            #expect(outcome.standardOutput.contains("active: true"))
            #expect(server.requestCount(path: "/.well-known/oauth-authorization-server") == 0)
        }
    }
}
