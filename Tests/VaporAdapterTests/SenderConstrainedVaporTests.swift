import AsyncHTTPClient
import Foundation
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import IntrospectionVapor
import NIOSSL
import Testing
import TokenIntrospectionClient
import Vapor
import VaporTesting

/// A nonce source that hands out the generated cases' `server_nonce` and accepts only it.
private struct FixedNonce: DPoPNonceSource {
    let nonce: String
    func currentNonce() -> String { nonce }
    func accepts(_ candidate: String) -> Bool { candidate == nonce }
}

/// Cached introspection through the local authorization server's RFC 9701 endpoint.
func introspection(_ server: LocalAuthorizationServer) -> CachedIntrospection {
    CachedIntrospection(client: IntrospectionClient(options: IntrospectionClientOptions(
        issuer: server.issuer, clientID: rsClient.id, clientSecret: rsClient.secret)))
}

/// `GET /orders` (needs `orders:read`) on a Vapor server over TLS on 127.0.0.1 with the test CA's server
/// certificate, asking for a client certificate and validating it against the test CA with
/// `clientCertificateVerification(trustRoots:)`. `body` gets the port and a function that sends a request
/// on a new connection presenting the named client certificate (or none) with the given header fields.
func withTLSServer(
    _ authorizer: BearerTokenAuthorizer,
    _ body: (_ send: @Sendable (String?, HTTPHeaders) async throws -> HTTPClient.Response, _ port: Int) async throws -> Void
) async throws {
    try await withApp { app in
        app.grouped(IntrospectionVaporMiddleware(authorizer, requirement: .scope("orders:read")))
            .get("orders") { request in try request.auth.require(IntrospectionIdentity.self).subject ?? "-" }
        let ca = try NIOSSLCertificate.fromPEMFile(MTLSFixtures.path("ca"))
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(MTLSFixtures.path("server")).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: MTLSFixtures.path("server-key"), format: .pem)))
        tls.certificateVerification = .optionalVerification
        app.http.server.configuration.tlsConfiguration = tls
        app.http.server.configuration.customCertificateVerifyCallbackWithMetadata =
            try IntrospectionVaporMiddleware.clientCertificateVerification(trustRoots: ca)
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        let send: @Sendable (String?, HTTPHeaders) async throws -> HTTPClient.Response = { certificate, headers in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(ca)
            if let certificate {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(MTLSFixtures.path(certificate)).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: MTLSFixtures.path(certificate + "-key"), format: .pem))
            }
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
            var request = try HTTPClient.Request(url: "https://127.0.0.1:\(port)/orders")
            request.headers.add(contentsOf: headers)
            do {
                let response = try await http.execute(request: request).get()
                try await http.shutdown()
                return response
            } catch {
                try? await http.shutdown()
                throw error
            }
        }
        do {
            try await body(send, port)
        } catch {
            await app.server.shutdown()
            throw error
        }
        await app.server.shutdown()
    }
}

@Suite("Vapor middleware: DPoP and certificate-bound tokens over real sockets")
struct SenderConstrainedVaporTests {
    @Test("Each generated DPoP case gets its exact status, WWW-Authenticate fields and DPoP-Nonce through the middleware")
    func dpopCases() async throws {
        let vectors = try DPoPVectors.load()
        try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
            for testCase in vectors.cases {
                vectors.storeToken(for: testCase, at: server)
                let nonces = testCase.serverNonce.map { FixedNonce(nonce: $0) }
                let authorizer = BearerTokenAuthorizer(
                    introspection: introspection(server), realm: "orders-api",
                    dpop: DPoPOptions(
                        allowedAlgorithms: vectors.algorithms, maximumAge: vectors.maximumAge, clockSkew: vectors.clockSkew,
                        nonces: nonces, origin: vectors.origin, clock: ManualClock(now: vectors.at)))
                try await withApp { app in
                    app.grouped(IntrospectionVaporMiddleware(authorizer, requirement: .scope("orders:read")))
                        .get("orders") { request in try request.auth.require(IntrospectionIdentity.self).subject ?? "-" }
                    let tester = try app.testing(method: .running(hostname: "127.0.0.1", port: 0))
                    var headers = HTTPHeaders()
                    headers.add(name: .authorization, value: "\(testCase.scheme) \(vectors.accessToken)")
                    for proof in testCase.proofs { headers.add(name: "DPoP", value: proof) }
                    var response: TestingHTTPResponse? = nil
                    for attempt in 0..<testCase.repeat {
                        if let earlier = response { #expect(earlier.status == .ok, "\(testCase.id): attempt \(attempt)") }
                        response = try await tester.performTest(request: TestingHTTPRequest(
                            method: HTTPMethod(rawValue: testCase.method), url: URI(path: testCase.pathAndQuery), headers: headers, body: ByteBuffer()))
                    }
                    let last = try #require(response)
                    if testCase.expected.valid {
                        #expect(last.status == .ok, "\(testCase.id): \(last.body.string)")
                        return
                    }
                    #expect(last.status == .unauthorized, "\(testCase.id)")
                    #expect(last.headers[.wwwAuthenticate] == vectors.expectedChallenges(testCase, realm: "orders-api"), "\(testCase.id)")
                    #expect(last.headers["DPoP-Nonce"] == (nonces.map { [$0.currentNonce()] } ?? []), "\(testCase.id)")
                    #expect(last.body.string.contains(#""error":"\#(testCase.expected.error ?? "")""#), "\(testCase.id)")
                }
            }
        }
    }

    @Test("Over TLS a certificate-bound token passes with its client certificate; another or none is 401 invalid_token; another CA's fails the handshake")
    func certificateBoundOverTLS() async throws {
        try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
            let token = server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client")))
            let plain = server.issueAccessToken(scope: "orders:read")
            try await withTLSServer(BearerTokenAuthorizer(introspection: introspection(server), realm: "orders-api")) { send, _ in
                let bound = try await send("client", ["Authorization": "Bearer \(token)"])
                #expect(bound.status == .ok)
                for certificate in ["client-b", nil] as [String?] {
                    let refused = try await send(certificate, ["Authorization": "Bearer \(token)"])
                    #expect(refused.status == .unauthorized, "\(certificate ?? "none")")
                    #expect(refused.headers["WWW-Authenticate"] == [#"Bearer realm="orders-api", error="invalid_token""#])
                }
                #expect(try await send(nil, ["Authorization": "Bearer \(plain)"]).status == .ok)
                await #expect(throws: (any Error).self) { _ = try await send("other-client", ["Authorization": "Bearer \(token)"]) }
            }
        }
    }

    @Test("Over TLS with DPoP on: htu is https with the Host; a certificate-bound token without its certificate is 401 with the Bearer invalid_token challenge alone")
    func dpopAndCertificateOverTLS() async throws {
        try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
            let dpopClient = TestDPoPClient()
            let dpopBound = server.issueAccessToken(scope: "orders:read", confirmation: .dpop(dpopClient.thumbprint))
            let certificateBound = server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client")))
            let authorizer = BearerTokenAuthorizer(
                introspection: introspection(server), realm: "orders-api", dpop: DPoPOptions(allowedAlgorithms: [.es256, .edDSA]))
            try await withTLSServer(authorizer) { send, port in
                func proof(_ uri: String) -> String {
                    dpopClient.proof(method: "GET", uri: uri, accessToken: dpopBound, issuedAt: Date())
                }
                let passed = try await send(nil, ["Authorization": "DPoP \(dpopBound)", "DPoP": proof("https://127.0.0.1:\(port)/orders")])
                #expect(passed.status == .ok)
                let plainHTTP = try await send(nil, ["Authorization": "DPoP \(dpopBound)", "DPoP": proof("http://127.0.0.1:\(port)/orders")])
                #expect(plainHTTP.status == .unauthorized)
                #expect(plainHTTP.headers["WWW-Authenticate"] == [
                    #"DPoP algs="ES256 EdDSA", error="invalid_dpop_proof""#, #"Bearer realm="orders-api""#,
                ])
                #expect(try await send("client", ["Authorization": "Bearer \(certificateBound)"]).status == .ok)
                let noCertificate = try await send(nil, ["Authorization": "Bearer \(certificateBound)"])
                #expect(noCertificate.status == .unauthorized)
                #expect(noCertificate.headers["WWW-Authenticate"] == [
                    #"Bearer realm="orders-api", error="invalid_token""#,
                ])
            }
        }
    }

    @Test("Over plain HTTP without an origin option, htu is checked against http, the Host field and the path without its query")
    func dpopOwnTargetURI() async throws {
        try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
            let dpopClient = TestDPoPClient()
            let token = server.issueAccessToken(scope: "orders:read", confirmation: .dpop(dpopClient.thumbprint))
            let authorizer = BearerTokenAuthorizer(
                introspection: introspection(server), realm: "orders-api", dpop: DPoPOptions(allowedAlgorithms: [.es256]))
            try await withApp { app in
                app.grouped(IntrospectionVaporMiddleware(authorizer, requirement: .scope("orders:read")))
                    .get("orders") { request in try request.auth.require(IntrospectionIdentity.self).subject ?? "-" }
                try await app.server.start(address: .hostname("127.0.0.1", port: 0))
                let port = try #require(app.http.server.shared.localAddress?.port)
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                func send(htu: String) async throws -> HTTPClient.Response {
                    var request = try HTTPClient.Request(url: "http://127.0.0.1:\(port)/orders?page=2")
                    request.headers.add(name: "Authorization", value: "DPoP \(token)")
                    request.headers.add(name: "DPoP", value: dpopClient.proof(method: "GET", uri: htu, accessToken: token, issuedAt: Date()))
                    return try await http.execute(request: request).get()
                }
                do {
                    #expect(try await send(htu: "http://127.0.0.1:\(port)/orders").status == .ok)
                    for wrong in ["https://127.0.0.1:\(port)/orders", "http://127.0.0.1:\(port)/orders?page=2", "http://127.0.0.1/orders"] {
                        let refused = try await send(htu: wrong)
                        #expect(refused.status == .unauthorized, "\(wrong)")
                        #expect(refused.headers["WWW-Authenticate"] == [
                            #"DPoP algs="ES256", error="invalid_dpop_proof""#, #"Bearer realm="orders-api""#,
                        ], "\(wrong)")
                    }
                } catch {
                    Issue.record("\(error)")
                }
                try await http.shutdown()
                await app.server.shutdown()
            }
        }
    }

    @Test("With DPoP off, over plain HTTP, a DPoP-bound or certificate-bound token sent as Bearer is 401 Bearer invalid_token")
    func boundTokensWithoutDPoPOrTLS() async throws {
        try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
            let tokens = [
                server.issueAccessToken(scope: "orders:read", confirmation: .dpop(TestDPoPClient().thumbprint)),
                server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client"))),
            ]
            let authorizer = BearerTokenAuthorizer(introspection: introspection(server), realm: "orders-api")
            try await withApp { app in
                app.grouped(IntrospectionVaporMiddleware(authorizer, requirement: .scope("orders:read")))
                    .get("orders") { request in try request.auth.require(IntrospectionIdentity.self).subject ?? "-" }
                let tester = try app.testing(method: .running(hostname: "127.0.0.1", port: 0))
                for token in tokens {
                    let response = try await tester.performTest(request: TestingHTTPRequest(
                        method: .GET, url: URI(path: "/orders"), headers: ["Authorization": "Bearer \(token)"], body: ByteBuffer()))
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == [#"Bearer realm="orders-api", error="invalid_token""#])
                }
            }
        }
    }
}
