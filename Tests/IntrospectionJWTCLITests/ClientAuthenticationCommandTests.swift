import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `introspect` and `conformance` with `--auth private_key_jwt --client-key <pem-or-jwk>` and
/// `--auth tls_client_auth --client-cert <pem> --client-key <pem>`, run as processes against the local
/// authorization server over TLS on 127.0.0.1 (`--ca-cert` trusts the test CA). The server checks the
/// assertion or the certificate; no client secret is given.
@Suite("introspection-jwt --auth private_key_jwt and tls_client_auth", .serialized)
struct ClientAuthenticationCommandTests {
    static let clientID = "cli-rs-tls"

    /// A TLS server whose client registered `assertionKey` and/or the certificate `binding`, and files
    /// for the CA certificate and the client's key material.
    static func withServer(
        assertionKey: TestSigningKey? = nil,
        certificate: (TestCertificateAuthority) -> TestCertificate? = { _ in nil },
        faults: LocalAuthorizationServer.Faults = .none,
        _ body: (LocalAuthorizationServer, TemporaryDirectory, TestCertificate?) async throws -> Void
    ) async throws {
        let authority = TestCertificateAuthority()
        let issued = certificate(authority)
        let client = LocalAuthorizationServer.Client(
            id: clientID, secret: "never-used", assertionKey: assertionKey,
            certificateBinding: issued.map { .subjectDN($0.subjectDN) })
        let files = try TemporaryDirectory()
        try files.write("ca.pem", authority.certificatePEM)
        if let issued {
            try files.write("client-cert.pem", issued.chainPEM)
            try files.write("client-key.pem", issued.privateKeyPEM ?? "")
        }
        try await LocalAuthorizationServer.start(.init(clients: [client], faults: faults, tls: .init(authority: authority)))
            .shuttingDown { server in try await body(server, files, issued) }
    }

    static func path(_ files: TemporaryDirectory, _ name: String) -> String { files.url.appendingPathComponent(name).path }

    static func introspect(_ server: LocalAuthorizationServer, _ files: TemporaryDirectory, _ extra: [String], token: String) -> [String] {
        ["introspect", "--issuer", server.issuer, "--client-id", clientID, "--ca-cert", path(files, "ca.pem")] + extra + ["--", token]
    }

    /// Runs the tool without any client secret in its environment.
    static func run(_ arguments: [String]) async throws -> CLIRunner.Outcome {
        try await CLIRunner.run(arguments, clientSecret: nil)
    }

    @Test("introspect --auth private_key_jwt with a PEM key or a JWK: the AS accepts the assertion, the answer verifies; exit 0", arguments: ["pem", "jwk"])
    func introspectWithPrivateKeyJWT(form: String) async throws {
        let key = TestSigningKey(.ec(.p256), keyID: "cli-key")
        try await Self.withServer(assertionKey: key) { server, files, _ in
            let keyFile = try files.write("client.\(form)", form == "pem" ? key.privateKeyPEM : key.privateJWK().description)
            let token = server.issueAccessToken(scope: "orders:read")
            let text = try await Self.run(Self.introspect(server, files, ["--auth", "private_key_jwt", "--client-key", keyFile], token: token))
            #expect(text.status == 0, "\(text.standardOutput)\(text.standardError)")
            #expect(text.standardOutput.contains("verification: valid (alg ES256"))
            #expect(text.standardOutput.contains("active: true"))
            let request = try #require(server.requests.last { $0.pathWithoutQuery == server.introspectionPath })
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(body.contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"))
            #expect(body.contains("client_assertion=ey"))
            #expect(!body.contains("client_secret"))

            // A second run sends a new assertion, which the AS accepts too (it refuses a jti it has seen).
            let json = try await Self.run(Self.introspect(server, files, ["--auth", "private_key_jwt", "--client-key", keyFile, "--output", "json"], token: token))
            #expect(json.status == 0, "\(json.standardError)")
            #expect(json.jsonLines.first?["verified"] as? Bool == true)
            #expect(json.jsonLines.first?["active"] as? Bool == true)
            for outcome in [text, json] {
                #expect(!outcome.standardOutput.contains("PRIVATE KEY") && !outcome.standardError.contains("PRIVATE KEY"))
            }
        }
    }

    @Test("introspect --auth tls_client_auth: the certificate on the TLS connection authenticates; exit 0")
    func introspectWithTLSClientAuth() async throws {
        try await Self.withServer(certificate: { $0.issue(subject: [("CN", Self.clientID)], purpose: .client) }) { server, files, certificate in
            let token = server.issueAccessToken()
            let outcome = try await Self.run(Self.introspect(server, files, [
                "--auth", "tls_client_auth", "--client-cert", Self.path(files, "client-cert.pem"), "--client-key", Self.path(files, "client-key.pem"),
                "--output", "json",
            ], token: token))
            #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
            #expect(outcome.jsonLines.first?["verified"] as? Bool == true)
            #expect(outcome.jsonLines.first?["active"] as? Bool == true)
            let request = try #require(server.requests.last { $0.pathWithoutQuery == server.introspectionPath })
            #expect(request.clientCertificate?.sha256Thumbprint == certificate?.sha256Thumbprint)
        }
    }

    @Test("introspect --auth private_key_jwt against a loopback http server, without --ca-cert: exit 0")
    func privateKeyJWTOverLoopbackHTTP() async throws {
        let key = TestSigningKey(.rsa(bits: 2048), keyID: "rsa-cli")
        let client = LocalAuthorizationServer.Client(id: Self.clientID, secret: "never-used", assertionKey: key)
        let files = try TemporaryDirectory()
        let keyFile = try files.write("client.jwk", key.privateJWK().description)
        try await LocalAuthorizationServer.start(client: client).shuttingDown { server in
            #expect(server.issuer.hasPrefix("http://127.0.0.1:"))
            let outcome = try await Self.run([
                "introspect", "--issuer", server.issuer, "--client-id", Self.clientID, "--auth", "private_key_jwt",
                "--client-key", keyFile, "--client-assertion-algorithm", "PS256", "--", server.issueAccessToken(),
            ])
            #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("active: true"))
        }
    }

    @Test("$SSL_CERT_FILE stands for --ca-cert; without either the test CA is not trusted (exit 2, a transport error)")
    func caCertificateFromTheEnvironment() async throws {
        let key = TestSigningKey(.ec(.p384), keyID: nil)
        try await Self.withServer(assertionKey: key) { server, files, _ in
            let keyFile = try files.write("client.pem", key.privateKeyPEM)
            let arguments = ["introspect", "--issuer", server.issuer, "--client-id", Self.clientID,
                             "--auth", "private_key_jwt", "--client-key", keyFile, "--output", "json", "--", server.issueAccessToken()]
            var environment = ProcessInfo.processInfo.environment
            environment["INTROSPECTION_CLIENT_SECRET"] = nil
            environment["SSL_CERT_FILE"] = Self.path(files, "ca.pem")
            let trusted = try await CLIRunner.run(arguments, environment: environment)
            #expect(trusted.status == 0, "\(trusted.standardOutput)\(trusted.standardError)")
            #expect(trusted.jsonLines.first?["active"] as? Bool == true)

            environment["SSL_CERT_FILE"] = nil
            let untrusted = try await CLIRunner.run(arguments, environment: environment)
            #expect(untrusted.status == 2)
            #expect(server.introspectionCount == 1)
        }
    }

    @Test("introspect --auth tls_client_auth with a certificate the AS does not know: 401 invalid_client, exit 2")
    func introspectWithAnUnknownCertificate() async throws {
        try await Self.withServer(certificate: { $0.issue(subject: [("CN", Self.clientID)], purpose: .client) }) { server, files, _ in
            let stranger = TestCertificateAuthority(name: "Stranger CA").issue(subject: [("CN", Self.clientID)], purpose: .client)
            let cert = try files.write("stranger.pem", stranger.chainPEM)
            let key = try files.write("stranger-key.pem", stranger.privateKeyPEM ?? "")
            let outcome = try await Self.run(Self.introspect(server, files, [
                "--auth", "tls_client_auth", "--client-cert", cert, "--client-key", key, "--output", "json",
            ], token: server.issueAccessToken()))
            #expect(outcome.status == 2)
            #expect(outcome.jsonLines.first?["http_status"] as? Int == 401, "\(outcome.standardOutput)")
        }
    }

    @Test("Missing or misplaced key options are usage errors (exit 2) before any request", arguments: [
        (["--auth", "private_key_jwt"], "--auth private_key_jwt needs --client-key."),
        (["--auth", "tls_client_auth", "--client-cert", "c.pem"], "--auth tls_client_auth needs --client-cert and --client-key."),
        (["--auth", "private_key_jwt", "--client-key", "k.pem", "--client-cert", "c.pem"], "--client-cert is for --auth tls_client_auth, not private_key_jwt."),
        (["--auth", "basic", "--client-key", "k.pem"], "--client-key and --client-cert are for --auth private_key_jwt and tls_client_auth, not basic."),
        (["--auth", "client_secret_jwt"], "--auth"),
    ])
    func usageErrors(extra: [String], message: String) async throws {
        try await Self.withServer { server, files, _ in
            let outcome = try await Self.run(Self.introspect(server, files, extra, token: "t"))
            #expect(outcome.status == 2)
            #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
            #expect(outcome.standardOutput.isEmpty)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("A --client-key that cannot sign: error: signing_key_unavailable on standard error, exit 2, no request", arguments: [
        "not a key", #"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#,
    ])
    func unusableClientKey(contents: String) async throws {
        try await Self.withServer(assertionKey: TestSigningKey(.ec(.p256), keyID: nil)) { server, files, _ in
            let keyFile = try files.write("bad-key", contents)
            let outcome = try await Self.run(Self.introspect(server, files, ["--auth", "private_key_jwt", "--client-key", keyFile], token: "t"))
            #expect(outcome.status == 2)
            #expect(outcome.standardError.hasPrefix("error: signing_key_unavailable: \(keyFile): "), "\(outcome.standardError)")
            #expect(outcome.standardOutput.isEmpty)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("A --client-key that does not belong to --client-cert: error: client_certificate_unusable, exit 2, no request")
    func mismatchedCertificateKey() async throws {
        try await Self.withServer(certificate: { $0.issue(subject: [("CN", Self.clientID)], purpose: .client) }) { server, files, _ in
            let otherKey = try files.write("other-key.pem", TestSigningKey(.ec(.p256), keyID: nil).privateKeyPEM)
            let outcome = try await Self.run(Self.introspect(server, files, [
                "--auth", "tls_client_auth", "--client-cert", Self.path(files, "client-cert.pem"), "--client-key", otherKey,
            ], token: "t"))
            #expect(outcome.status == 2)
            #expect(outcome.standardError.hasPrefix("error: client_certificate_unusable: "), "\(outcome.standardError)")
            #expect(server.requests.isEmpty)
        }
    }

    @Test("conformance --auth private_key_jwt: every MUST passes, the replayed assertion is refused; exit 0")
    func conformanceWithPrivateKeyJWT() async throws {
        let key = TestSigningKey(.ed25519, keyID: nil)
        try await Self.withServer(assertionKey: key) { server, files, _ in
            let keyFile = try files.write("client.pem", key.privateKeyPEM)
            let outcome = try await Self.run([
                "conformance", "--issuer", server.issuer, "--client-id", Self.clientID, "--active-token", server.issueAccessToken(),
                "--ca-cert", Self.path(files, "ca.pem"), "--auth", "private_key_jwt", "--client-key", keyFile, "--output", "json",
            ])
            #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
            let checks = try #require(outcome.jsonLines.first?["checks"] as? [[String: Any]])
            func outcomeOf(_ id: String) -> String? { checks.first { $0["id"] as? String == id }?["outcome"] as? String }
            #expect(outcomeOf("auth.assertion_replay") == "pass")
            #expect(outcomeOf("token_type_hint.wrong") == "pass")
            #expect(outcomeOf("token_type_hint.unknown") == "pass")
            #expect(outcomeOf("metadata.introspection_endpoint_auth_methods_supported") == "pass")
            #expect(checks.filter { $0["outcome"] as? String == "fail" }.isEmpty)
        }
    }

    @Test("conformance --auth private_key_jwt against a server that accepts replays: a SHOULD finding, exit still 0")
    func conformanceReplayFinding() async throws {
        let key = TestSigningKey(.ec(.p256), keyID: nil)
        var faults = LocalAuthorizationServer.Faults()
        faults.acceptReplayedAssertions = true
        try await Self.withServer(assertionKey: key, faults: faults) { server, files, _ in
            let keyFile = try files.write("client.pem", key.privateKeyPEM)
            let outcome = try await Self.run([
                "conformance", "--issuer", server.issuer, "--client-id", Self.clientID, "--active-token", server.issueAccessToken(),
                "--ca-cert", Self.path(files, "ca.pem"), "--auth", "private_key_jwt", "--client-key", keyFile,
            ])
            #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("FAIL    SHOULD      auth.assertion_replay"), "\(outcome.standardOutput)")
        }
    }

    @Test("conformance --auth tls_client_auth: every MUST passes; exit 0")
    func conformanceWithTLSClientAuth() async throws {
        try await Self.withServer(certificate: { $0.issue(subject: [("CN", Self.clientID)], purpose: .client) }) { server, files, _ in
            let outcome = try await Self.run([
                "conformance", "--issuer", server.issuer, "--client-id", Self.clientID, "--active-token", server.issueAccessToken(),
                "--ca-cert", Self.path(files, "ca.pem"), "--auth", "tls_client_auth",
                "--client-cert", Self.path(files, "client-cert.pem"), "--client-key", Self.path(files, "client-key.pem"),
            ])
            #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("every MUST passes"))
        }
    }
}
