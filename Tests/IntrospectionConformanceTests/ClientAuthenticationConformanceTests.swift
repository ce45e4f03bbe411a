import Foundation
import IntrospectionAsyncHTTPClient
import IntrospectionConformance
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing
import TokenIntrospectionClient

/// The conformance checks of issue 14: `token_type_hint` probes (RFC 7662 §2.1), the advertised
/// authentication methods (RFC 8414 §2), and with `private_key_jwt` a replayed assertion (RFC 7523 §3);
/// and the checker authenticating with `private_key_jwt` and `tls_client_auth` over TLS.
@Suite("Conformance checker: hints and client authentication")
struct ClientAuthenticationConformanceTests {
    static let clientID = "rs-conformance"

    /// Runs the checker against a local server (over TLS with `authority`) whose client registered
    /// `assertionKey` and/or `binding`, configured by `configure`.
    static func check(
        faults: LocalAuthorizationServer.Faults = .none,
        authority: TestCertificateAuthority? = nil,
        assertionKey: TestSigningKey? = nil,
        binding: LocalAuthorizationServer.CertificateBinding? = nil,
        configure: (inout ConformanceChecker.Configuration, LocalAuthorizationServer) throws -> Void = { _, _ in }
    ) async throws -> ConformanceReport {
        let client = LocalAuthorizationServer.Client(
            id: clientID, secret: "conformance-secret", assertionKey: assertionKey, certificateBinding: binding)
        return try await LocalAuthorizationServer.start(.init(
            clients: [client], faults: faults, tls: authority.map { .init(authority: $0) }
        )).shuttingDown { server in
            var configuration = ConformanceChecker.Configuration(
                issuer: server.issuer, clientID: client.id, clientSecret: client.secret,
                activeToken: server.issueToken(claims: server.accessTokenClaims()))
            try configure(&configuration, server)
            let transport = try authority.map { try AsyncHTTPClientTransport(trustingCertificatesPEM: Array($0.certificatePEM.utf8)) }
                ?? AsyncHTTPClientTransport()
            return await ConformanceChecker(configuration: configuration, transport: transport).run()
        }
    }

    static func faults(_ change: (inout LocalAuthorizationServer.Faults) -> Void) -> LocalAuthorizationServer.Faults {
        var faults = LocalAuthorizationServer.Faults()
        change(&faults)
        return faults
    }

    static let encryptionChecks = ["jwe.encrypted", "jwe.cty", "jwe.alg", "jwe.enc", "jwe.decrypts"]

    // MARK: - token_type_hint

    @Test("A conforming server finds the active token with a wrong and with an unknown token_type_hint")
    func hintsPassOnAConformingServer() async throws {
        let report = try await Self.check()
        #expect(report.ids(with: .fail) == [], "\(report.text)")
        #expect(report["token_type_hint.wrong"]?.outcome == .pass)
        #expect(report["token_type_hint.wrong"]?.reason == "token_type_hint=refresh_token: still active")
        #expect(report["token_type_hint.unknown"]?.outcome == .pass)
    }

    @Test("A server that looks a token up only among the hinted type fails token_type_hint.wrong, and only it")
    func restrictedLookupFailsTheWrongHint() async throws {
        let report = try await Self.check(faults: Self.faults { $0.tokenTypeHintRestrictsLookup = true })
        #expect(report.ids(with: .fail) == ["token_type_hint.wrong"], "\(report.text)")
        #expect(report["token_type_hint.wrong"]?.reason.contains("the search was not extended") == true)
        #expect(!report.allMustsPass)
    }

    @Test("A server that refuses an unknown token_type_hint with 400 fails token_type_hint.unknown, and only it")
    func refusedUnknownHintFails() async throws {
        let report = try await Self.check(faults: Self.faults { $0.refuseUnknownTokenTypeHints = true })
        #expect(report.ids(with: .fail) == ["token_type_hint.unknown"], "\(report.text)")
        #expect(report["token_type_hint.unknown"]?.reason.contains("400") == true)
    }

    @Test("The hint probes are skipped when the active answer itself failed")
    func hintsSkippedAfterAFailedActiveAnswer() async throws {
        let report = try await Self.check(faults: Self.faults { $0.errorResponse = (500, "{}") })
        #expect(report["token_type_hint.wrong"]?.outcome == .skip)
        #expect(report["token_type_hint.unknown"]?.reason.contains("jwt.status") == true)
    }

    // MARK: - introspection_endpoint_auth_methods_supported

    @Test("Missing or not listing the checker's method fails the SHOULD metadata.introspection_endpoint_auth_methods_supported; every MUST still passes")
    func advertisedAuthenticationMethods() async throws {
        let id = "metadata.introspection_endpoint_auth_methods_supported"
        let clean = try await Self.check()
        #expect(clean[id]?.outcome == .pass)
        #expect(clean[id]?.reason == "client_secret_basic, client_secret_post")

        let missing = try await Self.check(faults: Self.faults { $0.advertisedAuthenticationMethods = .some(nil) })
        #expect(missing.ids(with: .fail) == [id], "\(missing.text)")
        #expect(missing[id]?.level == .should)
        #expect(missing[id]?.reason == "the metadata has no \"introspection_endpoint_auth_methods_supported\"")
        #expect(missing.allMustsPass)

        let other = try await Self.check(faults: Self.faults { $0.advertisedAuthenticationMethods = .some(["private_key_jwt"]) })
        #expect(other.ids(with: .fail) == [id])
        #expect(other[id]?.reason.contains("does not list client_secret_basic") == true)

        let empty = try await Self.check(faults: Self.faults { $0.advertisedAuthenticationMethods = .some([]) })
        #expect(empty[id]?.reason.contains("is empty") == true)
    }

    // MARK: - private_key_jwt

    @Test("With private_key_jwt over TLS every check passes, the replayed assertion is refused, and the www_authenticate check does not apply")
    func privateKeyJWTRun() async throws {
        let key = TestSigningKey(.rsa(bits: 2048), keyID: "rs-conformance-key")
        let report = try await Self.check(authority: TestCertificateAuthority(), assertionKey: key) { configuration, _ in
            configuration.authenticationMethod = .privateKeyJWT
            configuration.clientSecret = ""
            configuration.clientAssertion = try ClientAssertion(
                key: try JWTSigningKey(fileContents: Array(key.privateJWK().description.utf8)), algorithm: .ps256)
        }
        #expect(report.ids(with: .fail) == [], "\(report.text)")
        #expect(report.ids(with: .skip) == Self.encryptionChecks + ["auth.www_authenticate"], "\(report.text)")
        #expect(report["auth.assertion_replay"]?.outcome == .pass)
        #expect(report["auth.assertion_replay"]?.reason.contains("401") == true)
        #expect(report["auth.wrong_credentials"]?.outcome == .pass)
        #expect(report["metadata.introspection_endpoint_auth_methods_supported"]?.reason.contains("private_key_jwt") == true)
        #expect(report.allMustsPass)
    }

    @Test("A server that accepts the same assertion twice fails the SHOULD auth.assertion_replay, and every MUST still passes")
    func replayedAssertionAccepted() async throws {
        let key = TestSigningKey(.ec(.p256), keyID: nil)
        let report = try await Self.check(
            faults: Self.faults { $0.acceptReplayedAssertions = true }, authority: TestCertificateAuthority(), assertionKey: key
        ) { configuration, _ in
            configuration.authenticationMethod = .privateKeyJWT
            configuration.clientAssertion = try ClientAssertion(key: try JWTSigningKey(fileContents: Array(key.privateKeyPEM.utf8)))
        }
        #expect(report.ids(with: .fail) == ["auth.assertion_replay"], "\(report.text)")
        #expect(report["auth.assertion_replay"]?.level == .should)
        #expect(report["auth.assertion_replay"]?.reason.contains("accepted twice") == true)
        #expect(report.allMustsPass)
    }

    @Test("An assertion the server does not accept at all skips the replay check and fails the authenticated checks")
    func unknownAssertionKey() async throws {
        let report = try await Self.check(authority: TestCertificateAuthority(), assertionKey: TestSigningKey(.ec(.p256), keyID: nil)) { configuration, _ in
            configuration.authenticationMethod = .privateKeyJWT
            configuration.clientAssertion = try ClientAssertion(
                key: try JWTSigningKey(fileContents: Array(TestSigningKey(.ec(.p256), keyID: nil).privateKeyPEM.utf8)))
        }
        #expect(report["jwt.status"]?.outcome == .fail)
        #expect(report["auth.assertion_replay"]?.outcome == .skip)
        #expect(report["auth.assertion_replay"]?.reason.contains("was not accepted") == true)
        #expect(!report.allMustsPass)
    }

    // MARK: - tls_client_auth and client_secret_post

    @Test("With tls_client_auth over TLS every check passes; wrong credentials cannot be made and are skipped")
    func tlsClientAuthRun() async throws {
        let authority = TestCertificateAuthority()
        let certificate = authority.issue(subject: [("CN", Self.clientID)], purpose: .client)
        let report = try await Self.check(authority: authority, binding: .subjectDN(certificate.subjectDN)) { configuration, _ in
            configuration.authenticationMethod = .tlsClientAuth
            configuration.clientCertificate = TLSClientCertificate(
                certificateChainPEM: Array(certificate.chainPEM.utf8), privateKeyPEM: Array((certificate.privateKeyPEM ?? "").utf8))
        }
        #expect(report.ids(with: .fail) == [], "\(report.text)")
        #expect(report.ids(with: .skip) == Self.encryptionChecks + ["auth.wrong_credentials", "auth.www_authenticate", "auth.assertion_replay"])
        #expect(report["auth.unauthenticated"]?.outcome == .pass)
        #expect(report.allMustsPass)
    }

    @Test("With client_secret_post a wrong secret in the form is refused with 401; the challenge check does not apply")
    func clientSecretPostRun() async throws {
        let report = try await Self.check { configuration, _ in configuration.authenticationMethod = .clientSecretPost }
        #expect(report.ids(with: .fail) == [], "\(report.text)")
        #expect(report["auth.wrong_credentials"]?.outcome == .pass)
        #expect(report["auth.www_authenticate"]?.outcome == .skip)
        #expect(report["auth.www_authenticate"]?.reason.contains("client_secret_post") == true)
    }
}
