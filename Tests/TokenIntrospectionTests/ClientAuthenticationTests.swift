import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing
import TokenIntrospectionClient

/// `private_key_jwt` (RFC 7523 §2.2) and `tls_client_auth` (RFC 8705 §2.1) against the local authorization
/// server over real TLS on 127.0.0.1: the server checks the assertion (signature with the registered key,
/// iss, sub, aud, exp, a jti never seen before) or the certificate on the connection (its CA, its subject).
@Suite("Client authentication with a private key or a certificate, over TLS")
struct ClientAuthenticationTests {
    static let clientID = "rs-orders"

    /// A TLS local server whose one client registered `assertionKey` and/or `binding`.
    static func withTLSServer<T>(
        authority: TestCertificateAuthority,
        assertionKey: TestSigningKey? = nil,
        binding: LocalAuthorizationServer.CertificateBinding? = nil,
        publishesMutualTLSAlias: Bool = false,
        _ body: (LocalAuthorizationServer) async throws -> T
    ) async throws -> T {
        let client = LocalAuthorizationServer.Client(
            id: clientID, secret: "unused-secret", assertionKey: assertionKey, certificateBinding: binding)
        return try await LocalAuthorizationServer.start(.init(
            clients: [client], tls: .init(authority: authority, publishesMutualTLSAlias: publishesMutualTLSAlias)
        )).shuttingDown(after: body)
    }

    /// A transport that trusts the test CA only.
    static func transport(_ authority: TestCertificateAuthority) throws -> AsyncHTTPClientTransport {
        try AsyncHTTPClientTransport(trustingCertificatesPEM: Array(authority.certificatePEM.utf8))
    }

    /// The form parameters of a request body.
    static func form(_ body: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            result[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }

    /// The claims of a compact JWS, decoded with Foundation.
    static func claims(of jws: String) throws -> [String: Any] {
        let parts = jws.split(separator: ".")
        try #require(parts.count == 3)
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let data = try #require(Data(base64Encoded: base64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func assertionOptions(_ server: LocalAuthorizationServer, key: TestSigningKey) throws -> IntrospectionClientOptions {
        var options = IntrospectionClientOptions(issuer: server.issuer, clientID: clientID, authenticationMethod: .privateKeyJWT)
        options.clientAssertion = try ClientAssertion(key: try JWTSigningKey(fileContents: Array(key.privateKeyPEM.utf8)))
        return options
    }

    static func certificateOptions(_ server: LocalAuthorizationServer, certificate: TestCertificate) -> IntrospectionClientOptions {
        var options = IntrospectionClientOptions(issuer: server.issuer, clientID: clientID, authenticationMethod: .tlsClientAuth)
        options.clientCertificate = TLSClientCertificate(
            certificateChainPEM: Array(certificate.chainPEM.utf8), privateKeyPEM: Array((certificate.privateKeyPEM ?? "").utf8))
        return options
    }

    // MARK: - private_key_jwt

    @Test("private_key_jwt: each call sends a fresh assertion (iss = sub = client id, aud = issuer, new jti, exp within 60 s) that the AS accepts")
    func privateKeyJWTIsAccepted() async throws {
        let authority = TestCertificateAuthority()
        let key = TestSigningKey(.ec(.p256), keyID: "rs-key")
        try await Self.withTLSServer(authority: authority, assertionKey: key) { server in
            #expect(server.issuer.hasPrefix("https://127.0.0.1:"))
            let token = server.issueAccessToken(scope: "orders:read")
            let client = IntrospectionClient(options: try Self.assertionOptions(server, key: key), transport: try Self.transport(authority))
            var jwtIDs: Set<String> = []
            for _ in 0..<3 {
                let before = Date().timeIntervalSince1970.rounded(.down)
                let response = await client.introspect(token: token)
                let after = Date().timeIntervalSince1970
                #expect(!response.isError, "\(response.errorMessage ?? "")")
                #expect(response.isActive)
                #expect(response.jwt?.verified != nil)
                let request = try #require(server.requests.last { $0.pathWithoutQuery == server.introspectionPath })
                #expect(request.header("Authorization") == nil)
                let form = Self.form(request.body)
                #expect(form["client_id"] == Self.clientID)
                #expect(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                #expect(form["client_secret"] == nil)
                let claims = try Self.claims(of: try #require(form["client_assertion"]))
                #expect(claims["iss"] as? String == Self.clientID)
                #expect(claims["sub"] as? String == Self.clientID)
                #expect(claims["aud"] as? String == server.issuer)
                let issuedAt = try #require(claims["iat"] as? Double)
                let expiration = try #require(claims["exp"] as? Double)
                #expect(issuedAt >= before && issuedAt <= after)
                #expect(expiration > issuedAt && expiration - issuedAt <= 60)
                jwtIDs.insert(try #require(claims["jti"] as? String))
            }
            #expect(jwtIDs.count == 3)
        }
    }

    @Test("private_key_jwt: clientAssertionAudience replaces the issuer as aud")
    func assertionAudienceCanBeTheEndpoint() async throws {
        let authority = TestCertificateAuthority()
        let key = TestSigningKey(.ed25519, keyID: nil)
        try await Self.withTLSServer(authority: authority, assertionKey: key) { server in
            var options = try Self.assertionOptions(server, key: key)
            options.clientAssertionAudience = server.introspectionEndpoint
            let response = await IntrospectionClient(options: options, transport: try Self.transport(authority))
                .introspect(token: server.issueAccessToken())
            #expect(response.isActive, "\(response.errorMessage ?? "")")
            let request = try #require(server.requests.last { $0.pathWithoutQuery == server.introspectionPath })
            #expect(try Self.claims(of: try #require(Self.form(request.body)["client_assertion"]))["aud"] as? String == server.introspectionEndpoint)
        }
    }

    @Test("private_key_jwt: an assertion signed by a key the AS does not know is refused with 401 invalid_client")
    func unknownAssertionKeyIsRefused() async throws {
        let authority = TestCertificateAuthority()
        try await Self.withTLSServer(authority: authority, assertionKey: TestSigningKey(.ec(.p256), keyID: nil)) { server in
            let options = try Self.assertionOptions(server, key: TestSigningKey(.ec(.p256), keyID: nil))
            let response = await IntrospectionClient(options: options, transport: try Self.transport(authority))
                .introspect(token: server.issueAccessToken())
            #expect(response.error?.code == .httpStatus)
            #expect(response.httpStatus == 401)
            #expect(response.error?.errorCode == "invalid_client")
            #expect(response.error?.errorDescription?.contains("does not verify") == true)
        }
    }

    @Test("private_key_jwt without a key, or without an audience, is a configuration error and nothing is sent")
    func privateKeyJWTNeedsAKeyAndAnAudience() async throws {
        let authority = TestCertificateAuthority()
        try await Self.withTLSServer(authority: authority, assertionKey: TestSigningKey(.ec(.p256), keyID: nil)) { server in
            let options = IntrospectionClientOptions(issuer: server.issuer, clientID: Self.clientID, authenticationMethod: .privateKeyJWT)
            let response = await IntrospectionClient(options: options, transport: try Self.transport(authority)).introspect(token: "t")
            #expect(response.error?.code == .configuration)
            #expect(response.errorMessage?.contains("private_key_jwt needs the client's key") == true)

            var endpointOnly = IntrospectionClientOptions(
                endpoint: server.introspectionEndpoint, clientID: Self.clientID, authenticationMethod: .privateKeyJWT, responseFormat: .json)
            endpointOnly.clientAssertion = try Self.assertionOptions(server, key: TestSigningKey(.ec(.p256), keyID: nil)).clientAssertion
            let noAudience = await IntrospectionClient(options: endpointOnly, transport: try Self.transport(authority)).introspect(token: "t")
            #expect(noAudience.error?.code == .configuration)
            #expect(noAudience.errorMessage?.contains("audience") == true)
            #expect(server.introspectionCount == 0)
        }
    }

    // MARK: - tls_client_auth

    @Test("tls_client_auth: the certificate on the TLS connection authenticates the client; no secret or assertion is sent")
    func tlsClientAuthIsAccepted() async throws {
        let authority = TestCertificateAuthority()
        let certificate = authority.issue(subject: [("CN", Self.clientID), ("O", "Example")], purpose: .client)
        try await Self.withTLSServer(authority: authority, binding: .subjectDN(certificate.subjectDN)) { server in
            let client = IntrospectionClient(options: Self.certificateOptions(server, certificate: certificate), transport: try Self.transport(authority))
            let token = server.issueAccessToken()
            for _ in 0..<2 {
                let response = await client.introspect(token: token)
                let after = Date().timeIntervalSince1970
                #expect(!response.isError, "\(response.errorMessage ?? "")")
                #expect(response.isActive)
            }
            let request = try #require(server.requests.last { $0.pathWithoutQuery == server.introspectionPath })
            #expect(request.clientCertificate?.sha256Thumbprint == certificate.sha256Thumbprint)
            #expect(request.header("Authorization") == nil)
            let form = Self.form(request.body)
            #expect(form["client_id"] == Self.clientID)
            #expect(form["client_secret"] == nil && form["client_assertion"] == nil)
            // Discovery went through the same TLS without needing the certificate.
            #expect(server.requestCount(path: server.jwksPath) == 1)
        }
    }

    @Test("tls_client_auth: a certificate of another subject, or of another CA, is refused with 401 invalid_client")
    func wrongCertificatesAreRefused() async throws {
        let authority = TestCertificateAuthority()
        let registered = authority.issue(subject: [("CN", Self.clientID)], purpose: .client)
        let otherSubject = authority.issue(subject: [("CN", "someone-else")], purpose: .client)
        let otherCA = TestCertificateAuthority(name: "Another CA").issue(subject: [("CN", Self.clientID)], purpose: .client)
        try await Self.withTLSServer(authority: authority, binding: .subjectDN(registered.subjectDN)) { server in
            for (certificate, reason) in [(otherSubject, "is not the one registered"), (otherCA, "not a valid certificate of the server's CA")] {
                let response = await IntrospectionClient(
                    options: Self.certificateOptions(server, certificate: certificate), transport: try Self.transport(authority)
                ).introspect(token: server.issueAccessToken())
                #expect(response.httpStatus == 401)
                #expect(response.error?.errorCode == "invalid_client")
                #expect(response.error?.errorDescription?.contains(reason) == true, "\(response.error?.errorDescription ?? "")")
            }
        }
    }

    @Test("tls_client_auth: a client that presents no certificate is refused")
    func noCertificateIsRefused() async throws {
        let authority = TestCertificateAuthority()
        let registered = authority.issue(subject: [("CN", Self.clientID)], purpose: .client)
        try await Self.withTLSServer(authority: authority, binding: .thumbprint(registered.sha256Thumbprint)) { server in
            // What tls_client_auth sends (the token and client_id), over a connection without a certificate.
            let request = try #require(HTTPRequest(
                method: .post, urlString: server.introspectionEndpoint,
                headerFields: [.contentType: "application/x-www-form-urlencoded"]))
            let answer = try await Self.transport(authority).sendOnce(
                request, body: Array("token=\(server.issueAccessToken())&client_id=\(Self.clientID)".utf8),
                timeout: .seconds(5), maximumBodyByteCount: 1 << 16)
            #expect(answer.response.status.code == 401)
            #expect(String(decoding: answer.body, as: UTF8.self).contains("no certificate on the TLS connection"))
        }
    }

    @Test("tls_client_auth: the mtls_endpoint_aliases introspection endpoint is used when the metadata publishes one (RFC 8705 §5)")
    func mutualTLSAliasIsUsed() async throws {
        let authority = TestCertificateAuthority()
        let certificate = authority.issue(subject: [("CN", Self.clientID)], alternativeNames: [.dns("rs-orders.example")], purpose: .client)
        try await Self.withTLSServer(
            authority: authority, binding: .alternativeName(.dns("rs-orders.example")), publishesMutualTLSAlias: true
        ) { server in
            let response = await IntrospectionClient(
                options: Self.certificateOptions(server, certificate: certificate), transport: try Self.transport(authority)
            ).introspect(token: server.issueAccessToken())
            #expect(response.isActive, "\(response.errorMessage ?? "")")
            #expect(server.requestCount(path: server.mutualTLSIntrospectionPath) == 1)
            #expect(server.introspectionCount == 0)
        }
    }

    @Test("tls_client_auth: a key that does not belong to the certificate, or no certificate, is a configuration error before any call")
    func unusableCertificatesAreConfigurationErrors() async throws {
        let authority = TestCertificateAuthority()
        let certificate = authority.issue(subject: [("CN", Self.clientID)], purpose: .client)
        try await Self.withTLSServer(authority: authority, binding: .subjectDN(certificate.subjectDN)) { server in
            var mismatched = Self.certificateOptions(server, certificate: certificate)
            mismatched.clientCertificate = TLSClientCertificate(
                certificateChainPEM: Array(certificate.chainPEM.utf8),
                privateKeyPEM: Array(TestSigningKey(.ec(.p256), keyID: nil).privateKeyPEM.utf8))
            let response = await IntrospectionClient(options: mismatched, transport: try Self.transport(authority)).introspect(token: "t")
            #expect(response.error?.code == .configuration)
            #expect(response.errorMessage?.contains("the client certificate cannot be used") == true)

            let missing = IntrospectionClientOptions(issuer: server.issuer, clientID: Self.clientID, authenticationMethod: .tlsClientAuth)
            let noCertificate = await IntrospectionClient(options: missing, transport: try Self.transport(authority)).introspect(token: "t")
            #expect(noCertificate.error?.code == .configuration)
            #expect(noCertificate.errorMessage?.contains("tls_client_auth needs the client certificate") == true)
            #expect(server.introspectionCount == 0)
        }
    }

    @Test("The options' description names the method and the key, never the private key or the certificate's key")
    func optionsNeverPrintKeys() throws {
        let key = TestSigningKey(.ec(.p256), keyID: "k1")
        let certificate = TestCertificateAuthority().issue(subject: [("CN", "c")], purpose: .client)
        var options = IntrospectionClientOptions(issuer: "https://as.example.com", clientID: "c", authenticationMethod: .privateKeyJWT)
        options.clientAssertion = try ClientAssertion(key: try JWTSigningKey(fileContents: Array(key.privateKeyPEM.utf8)))
        options.clientCertificate = TLSClientCertificate(
            certificateChainPEM: Array(certificate.chainPEM.utf8), privateKeyPEM: Array((certificate.privateKeyPEM ?? "").utf8))
        var dumped = ""
        dump(options, to: &dumped)
        for text in [options.description, dumped] {
            #expect(text.contains("private_key_jwt"))
            #expect(!text.contains("PRIVATE KEY"))
            #expect(!text.contains(String(key.privateKeyPEM.split(separator: "\n")[1])))
        }
    }
}
