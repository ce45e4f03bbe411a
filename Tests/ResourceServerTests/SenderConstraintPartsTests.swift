import Foundation
import HTTPTypes
import IntrospectionJWT
@testable import IntrospectionResourceServer
import IntrospectionTesting
import Testing

extension ResourceServerSuites {
@Suite("The parts of sender-constrained token checks")
struct SenderConstraintPartsTests {
    @Test("htu and the request URI compare after RFC 3986 §6 normalisation", arguments: [
        ("HTTPS://API.Example.COM:443/a/./b/../c", "https://api.example.com/a/c"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://example.com:/%7euser/%2fx", "https://example.com/~user/%2Fx"),
        ("https://[::1]:443/p", "https://[::1]/p"),
        ("https://[::1]:8443/p", "https://[::1]:8443/p"),
        ("https://example.com/a/%2E%2E/b", "https://example.com/b"),
    ])
    func normalisation(input: String, normalised: String) throws {
        #expect(try TargetURI.parse(input, droppingQuery: false).get().text == normalised)
    }

    @Test("A URI that cannot be compared is refused with its reason", arguments: [
        ("https://example.com/a?b", "query"),
        ("https://example.com/a#b", "fragment"),
        ("ftp://example.com/a", "scheme"),
        ("/orders", "absolute"),
        ("https://user@example.com/", "user-info"),
        ("https://example.com:8x/", "port"),
        ("https://example.com/%zz", "percent"),
        ("https://example.com/a b", "printable"),
    ])
    func unusableURIs(input: String, reason: String) {
        guard case .failure(let problem) = TargetURI.parse(input, droppingQuery: false) else {
            Issue.record("\(input) was accepted")
            return
        }
        #expect(problem.description.contains(reason), "\(problem)")
    }

    @Test("A request's query is dropped from its target URI; an origin option stands for its scheme and authority")
    func requestTarget() throws {
        let request = ProtectedResourceRequest(method: "GET", scheme: "http", authority: "127.0.0.1:8080", path: "/orders?page=2", headerFields: [:])
        #expect(try request.targetURI().get().text == "http://127.0.0.1:8080/orders")
        #expect(try request.targetURI(origin: "https://rs.example.com/").get().text == "https://rs.example.com/orders")
        let unknown = ProtectedResourceRequest(headerFields: [:])
        #expect(throws: TargetURI.Problem.self) { try unknown.targetURI().get() }
        #expect(!"\(request)".contains("page=2"))
    }

    @Test("The DPoP scheme is read beside Bearer only when DPoP is on")
    func schemes() {
        #expect(BearerAuthorization.reading(["DPoP abc.def"], acceptingDPoP: true).scheme == .dpop)
        #expect(BearerAuthorization.reading(["dpop abc"], acceptingDPoP: true).authorization == .token("abc"))
        #expect(BearerAuthorization.reading(["Bearer abc"], acceptingDPoP: true).scheme == .bearer)
        guard case .malformed(let problem) = BearerAuthorization.reading(["DPoP abc"], acceptingDPoP: false).authorization else {
            Issue.record("DPoP read without DPoP on")
            return
        }
        #expect(problem.message.contains("\"Bearer\" followed by"))
        guard case .malformed(let empty) = BearerAuthorization.reading(["DPoP"], acceptingDPoP: true).authorization else {
            Issue.record("an empty DPoP token was read")
            return
        }
        #expect(empty.message == "the Authorization field has the DPoP scheme but no token")
    }

    @Test("Challenges with DPoP on: a refusal about DPoP has the DPoP challenge first and Bearer beside it; other Bearer refusals keep the RFC 6750 answer")
    func challenges() async throws {
        try await withAuthorizationServer { server in
            let fixture = ResourceServerFixture(server: server)
            let both = BearerTokenAuthorizer(
                introspection: fixture.introspection, realm: "orders-api", dpop: DPoPOptions(allowedAlgorithms: [.es256, .edDSA]))
            func challenges(_ authorization: String?) async -> (HTTPResponse.Status, [String])? {
                var fields = HTTPFields()
                if let authorization { fields[.authorization] = authorization }
                guard case .denied(let denial) = await both.authorize(fields) else { return nil }
                return (denial.status, denial.challenges)
            }
            let bearer: [(String?, HTTPResponse.Status, [String])] = [
                (nil, .unauthorized, [#"Bearer realm="orders-api""#]),
                ("Basic YTpi", .badRequest, [#"Bearer realm="orders-api", error="invalid_request""#]),
                ("Bearer a b", .badRequest, [#"Bearer realm="orders-api", error="invalid_request""#]),
                ("Bearer never-issued", .unauthorized, [#"Bearer realm="orders-api", error="invalid_token""#]),
            ]
            let dpop: [(String?, HTTPResponse.Status, [String])] = [
                ("DPoP a b", .badRequest, [#"DPoP algs="ES256 EdDSA", error="invalid_request""#, #"Bearer realm="orders-api""#]),
                // The header-only entry point: method and URI unknown, so no proof can be checked.
                ("DPoP \(fixture.token())", .unauthorized, [#"DPoP algs="ES256 EdDSA", error="invalid_dpop_proof""#, #"Bearer realm="orders-api""#]),
            ]
            for (authorization, status, expected) in bearer + dpop {
                let answer = await challenges(authorization)
                #expect(answer?.0 == status, "\(authorization ?? "none")")
                #expect(answer?.1 == expected, "\(authorization ?? "none")")
            }
            // Without DPoP, the DPoP scheme is another scheme: 400 with the Bearer challenge.
            guard case .denied(let bearerOnly) = await fixture.authorizer.authorize([.authorization: "DPoP \(fixture.token())"]) else {
                Issue.record("allowed")
                return
            }
            #expect(bearerOnly.status == .badRequest)
            #expect(bearerOnly.challenges == [#"Bearer realm="orders-api", error="invalid_request""#])
            #expect(server.introspectionCount == 1)
        }
    }

    @Test("A DPoP-bound token is refused as Bearer even when DPoP is off, and through the header-only entry point")
    func boundTokenWithoutDPoP() async throws {
        try await withAuthorizationServer { server in
            let fixture = ResourceServerFixture(server: server)
            let bound = server.issueAccessToken(scope: "orders:read", confirmation: .dpop("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"))
            var fields = HTTPFields()
            fields[.authorization] = "Bearer \(bound)"
            guard case .denied(let denial) = await fixture.authorizer.authorize(fields) else { Issue.record("allowed"); return }
            #expect(denial.status == .unauthorized)
            #expect(denial.reason == .bindingMismatch)
            #expect(denial.challenges == [#"Bearer realm="orders-api", error="invalid_token""#])
            #expect(denial.failure?.code == .tokenBindingMismatch)
        }
    }

    @Test("A certificate-bound token needs that client certificate: the right one passes, another or none is 401 invalid_token")
    func certificateBinding() async throws {
        try await withAuthorizationServer { server in
            let fixture = ResourceServerFixture(server: server)
            let token = server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client")))
            var fields = HTTPFields()
            fields[.authorization] = "Bearer \(token)"
            let presented = { (certificate: [UInt8]?) in
                ProtectedResourceRequest(method: "GET", scheme: "https", authority: "rs.example.com", path: "/orders", headerFields: fields, clientCertificate: certificate)
            }
            guard case .allowed = await fixture.authorizer.authorize(presented(try MTLSFixtures.der("client"))) else {
                Issue.record("the bound certificate was refused")
                return
            }
            for certificate in [try MTLSFixtures.der("client-b"), nil] {
                guard case .denied(let denial) = await fixture.authorizer.authorize(presented(certificate)) else {
                    Issue.record("allowed without the bound certificate")
                    continue
                }
                #expect(denial.status == .unauthorized)
                #expect(denial.challenges == [#"Bearer realm="orders-api", error="invalid_token""#])
                #expect(denial.failure?.message.contains(certificate == nil ? "presented none" : "thumbprint") == true)
            }
            guard case .denied = await fixture.authorizer.authorize(fields) else {
                Issue.record("the header-only entry point let a certificate-bound token through")
                return
            }
            #expect(server.introspectionCount == 1)
        }
    }

    @Test("A client certificate is read from RFC 9440 Client-Cert and from nginx's escaped PEM, with the generator's thumbprint")
    func certificateHeaders() throws {
        let der = try MTLSFixtures.der("client")
        let pem = try MTLSFixtures.pem("client")
        let rfc9440 = ":" + Data(der).base64EncodedString() + ":"
        let fromRFC9440 = try ClientCertificateHeader.certificate(from: rfc9440)
        #expect(fromRFC9440.der == der && fromRFC9440.format == .rfc9440)
        let unpadded = ":" + Data(der).base64EncodedString().replacingOccurrences(of: "=", with: "") + ":"
        #expect(try ClientCertificateHeader.certificate(from: unpadded).der == der)
        // nginx's $ssl_client_escaped_cert: every byte outside the unreserved characters escaped.
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let escaped = pem.addingPercentEncoding(withAllowedCharacters: unreserved)!
        #expect(escaped.hasPrefix("-----BEGIN%20CERTIFICATE-----%0A"))
        let fromNginx = try ClientCertificateHeader.certificate(from: escaped)
        #expect(fromNginx.der == der && fromNginx.format == .escapedPEM)
        #expect(TokenBinding.certificateThumbprint(of: der) == (try MTLSFixtures.thumbprint("client")))
        #expect(try ClientCertificateHeader.certificate(fromValues: []) == nil)
        #expect(try ClientCertificateHeader.certificate(fromValues: [rfc9440]) == der)
    }

    @Test("A client certificate header that cannot be read is refused with its reason", arguments: [
        (":not base64!:", "not base64"),
        (":AAAA", "does not end"),
        (":MAIA:", "SEQUENCE says"),
        (":MAA=:", "not a certificate"),
        (":MAMCAQA=:", "not a certificate"),
        (":BAA=:", "not DER"),
        ("-----BEGIN%20CERTIFICATE-----%0A%zz", "percent-encoding"),
        ("hello", "no PEM certificate"),
        ("x-----BEGIN%20CERTIFICATE-----%0AMAA%3D%0A-----END%20CERTIFICATE-----", "text around it"),
    ])
    func unreadableCertificateHeaders(value: String, reason: String) {
        #expect {
            try ClientCertificateHeader.certificate(from: value)
        } throws: { error in
            guard let error = error as? ResourceServerError else { return false }
            return error.code == .malformedClientCertificate && error.message.contains(reason)
        }
    }

    @Test("Two client certificate fields are refused")
    func twoCertificateFields() throws {
        let rfc9440 = ":" + Data(try MTLSFixtures.der("client")).base64EncodedString() + ":"
        #expect(throws: ResourceServerError.self) { try ClientCertificateHeader.certificate(fromValues: [rfc9440, rfc9440]) }
    }

    @Test("Rotating nonces: the current one and the previous one are accepted, older ones not")
    func rotatingNonces() {
        let clock = ManualClock()
        let nonces = RotatingDPoPNonces(lifetime: .seconds(300), clock: clock)
        let first = nonces.currentNonce()
        #expect(nonces.currentNonce() == first && nonces.accepts(first))
        clock.advance(by: .seconds(300))
        let second = nonces.currentNonce()
        #expect(second != first && nonces.accepts(first) && nonces.accepts(second))
        clock.advance(by: .seconds(300))
        #expect(!nonces.accepts(first) && nonces.accepts(second))
        #expect(!nonces.accepts(""))
    }
}
}
