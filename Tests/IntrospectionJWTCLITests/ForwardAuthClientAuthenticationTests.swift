import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `forward-auth` authenticating to the introspection endpoint with `--auth private_key_jwt
/// --client-key` and `--auth tls_client_auth --client-cert --client-key` (issue 14), the real binary
/// against the local authorization server over TLS (`--ca-cert`), with no client secret; and the
/// authorization server's `Retry-After` passed on in its 503.
@Suite("introspection-jwt forward-auth: private_key_jwt, tls_client_auth, Retry-After", .serialized)
struct ForwardAuthClientAuthenticationTests {
    static let clientID = ForwardAuthProcess.client.id

    /// Starts forward-auth with `arguments` and no secret, runs `body`, stops it (exit 0 expected).
    static func with(_ arguments: [String], _ body: (ForwardAuthProcess) async throws -> Void) async throws {
        let forwardAuth = try await ForwardAuthProcess.start(arguments, secret: nil)
        do {
            try await body(forwardAuth)
        } catch {
            forwardAuth.signal(SIGKILL)
            throw error
        }
        forwardAuth.signal(SIGTERM)
        let status = try await forwardAuth.waitForExit()
        #expect(status == 0, "forward-auth exited with \(status): \(forwardAuth.standardError)")
    }

    /// A TLS local AS whose client registered `assertionKey` and/or the certificate's subject, with the CA
    /// certificate written to `ca.pem` in `files`.
    static func withServer(
        files: TemporaryDirectory,
        assertionKey: TestSigningKey? = nil,
        certificate: (TestCertificateAuthority) -> TestCertificate? = { _ in nil },
        _ body: (LocalAuthorizationServer, TestCertificate?) async throws -> Void
    ) async throws {
        let authority = TestCertificateAuthority()
        let issued = certificate(authority)
        try files.write("ca.pem", authority.certificatePEM)
        let client = LocalAuthorizationServer.Client(
            id: clientID, secret: "never-sent", assertionKey: assertionKey, certificateBinding: issued.map { .subjectDN($0.subjectDN) })
        try await LocalAuthorizationServer.start(.init(clients: [client], tls: .init(authority: authority)))
            .shuttingDown { server in try await body(server, issued) }
    }

    @Test("--auth private_key_jwt --client-key: each introspection carries a fresh assertion the AS accepts; 200 with the identity")
    func privateKeyJWT() async throws {
        let files = try TemporaryDirectory()
        let key = TestSigningKey(.ec(.p256), keyID: "fa-key")
        let keyFile = try files.write("client-key.pem", key.privateKeyPEM)
        try await Self.withServer(files: files, assertionKey: key) { server, _ in
            let first = server.issueToken(claims: server.accessTokenClaims(subject: "alice", scope: "read"))
            let second = server.issueToken(claims: server.accessTokenClaims(subject: "bob", scope: "read"))
            try await Self.with(ForwardAuthProcess.arguments(server, [
                "--ca-cert", files.url.appendingPathComponent("ca.pem").path, "--auth", "private_key_jwt", "--client-key", keyFile,
            ])) { forwardAuth in
                let alice = try await forwardAuth.send(token: first)
                #expect(alice.status == 200, "\(forwardAuth.standardError)")
                #expect(alice.header("X-Auth-Subject") == "alice")
                let bob = try await forwardAuth.send(token: second)
                #expect(bob.status == 200)
                #expect(bob.header("X-Auth-Subject") == "bob")
            }
            let bodies = server.requests.filter { $0.pathWithoutQuery == server.introspectionPath }.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(bodies.count == 2)
            #expect(bodies.allSatisfy { $0.contains("client_assertion=") && !$0.contains("client_secret") })
        }
    }

    @Test("--auth tls_client_auth --client-cert --client-key: the certificate on the TLS connection authenticates; 200")
    func tlsClientAuth() async throws {
        let files = try TemporaryDirectory()
        try await Self.withServer(files: files, certificate: { $0.issue(subject: [("CN", Self.clientID)], purpose: .client) }) { server, certificate in
            let cert = try files.write("client-cert.pem", certificate?.chainPEM ?? "")
            let key = try files.write("client-key.pem", certificate?.privateKeyPEM ?? "")
            let token = server.issueToken(claims: server.accessTokenClaims(subject: "carol", scope: "read"))
            try await Self.with(ForwardAuthProcess.arguments(server, [
                "--ca-cert", files.url.appendingPathComponent("ca.pem").path,
                "--auth", "tls_client_auth", "--client-cert", cert, "--client-key", key,
            ])) { forwardAuth in
                let answer = try await forwardAuth.send(token: token)
                #expect(answer.status == 200, "\(forwardAuth.standardError)")
                #expect(answer.header("X-Auth-Subject") == "carol")
            }
            let request = try #require(server.requests.last { $0.pathWithoutQuery == server.introspectionPath })
            #expect(request.clientCertificate?.sha256Thumbprint == certificate?.sha256Thumbprint)
        }
    }

    @Test("A --client-key that cannot sign: exit 2 with signing_key_unavailable before listening; --auth private_key_jwt without it: exit 2")
    func unusableKey() async throws {
        let files = try TemporaryDirectory()
        let keyFile = try files.write("bad.pem", "not a key")
        try await Self.withServer(files: files, assertionKey: TestSigningKey(.ec(.p256), keyID: nil)) { server, _ in
            let bad = try await CLIRunner.run(ForwardAuthProcess.arguments(server, ["--auth", "private_key_jwt", "--client-key", keyFile]), clientSecret: nil)
            #expect(bad.status == 2)
            #expect(bad.standardError.hasPrefix("error: signing_key_unavailable: \(keyFile): "), "\(bad.standardError)")
            #expect(!bad.standardOutput.contains("listening on"))
            let missing = try await CLIRunner.run(ForwardAuthProcess.arguments(server, ["--auth", "private_key_jwt"]), clientSecret: nil)
            #expect(missing.status == 2)
            #expect(missing.standardError.contains("--auth private_key_jwt needs --client-key."))
            #expect(server.introspectionCount == 0)
        }
    }

    @Test("A 429 with Retry-After from the AS: 503 with Retry-After, and no call to the AS until it has passed")
    func retryAfterIsPassedOn() async throws {
        try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client).shuttingDown { server in
            server.updateFaults { $0.retryAfter = (429, "120", nil) }
            try await ForwardAuthProcess.with(server) { forwardAuth in
                let first = try await forwardAuth.send(token: server.issueAccessToken(scope: "read"))
                #expect(first.status == 503)
                #expect(first.header("Retry-After") == "120")
                server.updateFaults { $0.retryAfter = nil }
                let held = try await forwardAuth.send(token: server.issueAccessToken(scope: "read"))
                #expect(held.status == 503)
                let remaining = try #require(held.header("Retry-After").flatMap(Int.init))
                #expect((100...120).contains(remaining))
            }
            #expect(server.introspectionCount == 1)
        }
    }
}
