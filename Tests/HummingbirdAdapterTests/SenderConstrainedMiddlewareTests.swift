import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import HummingbirdTLS
import IntrospectionHummingbird
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import NIOCore
import NIOSSL
import Testing
import TokenIntrospectionClient

/// A nonce source that hands out the generated cases' `server_nonce` and accepts only it.
private struct FixedNonce: DPoPNonceSource {
    let nonce: String
    func currentNonce() -> String { nonce }
    func accepts(_ candidate: String) -> Bool { candidate == nonce }
}

/// The DPoP options of the generated cases: their allow-list, window and clock time, the origin the
/// proofs name (the live server listens on 127.0.0.1).
func dpopOptions(_ vectors: DPoPVectors, nonces: (any DPoPNonceSource)?) -> DPoPOptions {
    DPoPOptions(
        allowedAlgorithms: vectors.algorithms, maximumAge: vectors.maximumAge, clockSkew: vectors.clockSkew,
        nonces: nonces, origin: vectors.origin, clock: ManualClock(now: vectors.at))
}

/// A client configuration for the test CA's server certificate, presenting `certificate` when given.
func clientTLS(presenting certificate: String?) throws -> TLSConfiguration {
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(MTLSFixtures.path("ca")))
    if let certificate {
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(MTLSFixtures.path(certificate)).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: MTLSFixtures.path(certificate + "-key"), format: .pem))
    }
    return tls
}

extension HTTPField.Name {
    /// `DPoP` (RFC 9449 §4.1).
    static let dpop = HTTPField.Name("DPoP")!
}

/// Cached introspection through the local authorization server's RFC 9701 endpoint.
func introspection(_ server: LocalAuthorizationServer) -> CachedIntrospection {
    CachedIntrospection(client: IntrospectionClient(
        options: IntrospectionClientOptions(issuer: server.issuer, clientID: rsClient.id, clientSecret: rsClient.secret)))
}

/// `GET /orders` (needs `orders:read`) behind HummingbirdTLS on 127.0.0.1 with the test CA's server
/// certificate, asking for a client certificate of the test CA, with `IntrospectionRequestContext`. `body`
/// sends requests: each on a new connection presenting the named client certificate (or none), with the
/// given header fields and `Host: 127.0.0.1`.
func withTLSServer(
    _ authorizer: BearerTokenAuthorizer,
    _ body: @escaping @Sendable (_ send: @Sendable (String?, HTTPFields) async throws -> TestClient.Response) async throws -> Void
) async throws {
    let router = Router(context: IntrospectionRequestContext.self)
    router.group("orders")
        .add(middleware: IntrospectionMiddleware(authorizer, requirement: .scope("orders:read")))
        .get { _, context in try context.requireIdentity().subject ?? "-" }
    var tls = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(MTLSFixtures.path("server")).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: MTLSFixtures.path("server-key"), format: .pem)))
    tls.certificateVerification = .optionalVerification
    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(MTLSFixtures.path("ca")))
    let app = Application(
        router: router, server: try .tls(.http1(), tlsConfiguration: tls),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { live in
        let port = try #require(live.port)
        try await body { certificate, headers in
            let client = TestClient(
                host: "127.0.0.1", port: port,
                configuration: .init(tlsConfiguration: try clientTLS(presenting: certificate), serverName: "localhost"))
            client.connect()
            do {
                let response = try await client.execute(TestClient.Request("/orders", method: .get, authority: "127.0.0.1", headers: headers))
                try await client.shutdown()
                return response
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }
}

extension HummingbirdSuites {
    @Suite("Hummingbird middleware: DPoP and certificate-bound tokens over real sockets")
    struct SenderConstrainedMiddlewareTests {
        @Test("Each generated DPoP case gets its exact status, WWW-Authenticate fields and DPoP-Nonce through the middleware")
        func dpopCases() async throws {
            let vectors = try DPoPVectors.load()
            try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
                for testCase in vectors.cases {
                    vectors.storeToken(for: testCase, at: server)
                    let nonces = testCase.serverNonce.map { FixedNonce(nonce: $0) }
                    let authorizer = BearerTokenAuthorizer(
                        introspection: introspection(server), realm: "orders-api", dpop: dpopOptions(vectors, nonces: nonces))
                    try await makeApplication(authorizer).test(.live) { client in
                        var headers = HTTPFields()
                        headers[.authorization] = "\(testCase.scheme) \(vectors.accessToken)"
                        for proof in testCase.proofs { headers.append(HTTPField(name: .dpop, value: proof)) }
                        var response: TestResponse? = nil
                        for attempt in 0..<testCase.repeat {
                            if let earlier = response { #expect(earlier.status == .ok, "\(testCase.id): attempt \(attempt)") }
                            response = try await client.execute(uri: testCase.pathAndQuery, method: .init(testCase.method)!, headers: headers)
                        }
                        let last = try #require(response)
                        if testCase.expected.valid {
                            #expect(last.status == .ok, "\(testCase.id): \(String(buffer: last.body))")
                            return
                        }
                        #expect(last.status == .unauthorized, "\(testCase.id)")
                        #expect(last.headers[values: .wwwAuthenticate] == vectors.expectedChallenges(testCase, realm: "orders-api"), "\(testCase.id)")
                        #expect(last.headers[HTTPField.Name("DPoP-Nonce")!] == nonces?.currentNonce(), "\(testCase.id)")
                        let body = String(buffer: last.body)
                        #expect(body.contains(#""error":"\#(testCase.expected.error ?? "")""#), "\(testCase.id): \(body)")
                        #expect(!body.contains(vectors.accessToken))
                    }
                }
            }
        }

        @Test("Over TLS a certificate-bound token passes with its client certificate; another, none, or a bound token without TLS is 401 invalid_token")
        func certificateBoundOverTLS() async throws {
            try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
                let token = server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client")))
                let plain = server.issueAccessToken(scope: "orders:read")
                try await withTLSServer(BearerTokenAuthorizer(introspection: introspection(server), realm: "orders-api")) { send in
                    let bound = try await send("client", [.authorization: "Bearer \(token)"])
                    #expect(bound.status == .ok)
                    for certificate in ["client-b", nil] as [String?] {
                        let refused = try await send(certificate, [.authorization: "Bearer \(token)"])
                        #expect(refused.status == .unauthorized, "\(certificate ?? "none")")
                        #expect(refused.headers[values: .wwwAuthenticate] == [#"Bearer realm="orders-api", error="invalid_token""#])
                    }
                    // A bearer token without cnf needs no certificate.
                    #expect(try await send(nil, [.authorization: "Bearer \(plain)"]).status == .ok)
                    // A certificate of another CA fails the handshake: no answer at all.
                    await #expect(throws: (any Error).self) { _ = try await send("other-client", [.authorization: "Bearer \(token)"]) }
                }
            }
        }

        @Test("Over TLS with DPoP on: htu is https and the Host; a certificate-bound token without its certificate is 401 with the Bearer invalid_token challenge alone")
        func dpopAndCertificateOverTLS() async throws {
            try await LocalAuthorizationServer.start(client: rsClient).shuttingDown { server in
                let dpopClient = TestDPoPClient()
                let dpopBound = server.issueAccessToken(scope: "orders:read", confirmation: .dpop(dpopClient.thumbprint))
                let certificateBound = server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client")))
                let authorizer = BearerTokenAuthorizer(
                    introspection: introspection(server), realm: "orders-api", dpop: DPoPOptions(allowedAlgorithms: [.es256, .edDSA]))
                try await withTLSServer(authorizer) { send in
                    func proof(_ uri: String) -> String {
                        dpopClient.proof(method: "GET", uri: uri, accessToken: dpopBound, issuedAt: Date())
                    }
                    let passed = try await send(nil, [.authorization: "DPoP \(dpopBound)", .dpop: proof("https://127.0.0.1/orders")])
                    #expect(passed.status == .ok)
                    let plainHTTP = try await send(nil, [.authorization: "DPoP \(dpopBound)", .dpop: proof("http://127.0.0.1/orders")])
                    #expect(plainHTTP.status == .unauthorized)
                    #expect(plainHTTP.headers[values: .wwwAuthenticate] == [
                        #"DPoP algs="ES256 EdDSA", error="invalid_dpop_proof""#, #"Bearer realm="orders-api""#,
                    ])
                    #expect(try await send("client", [.authorization: "Bearer \(certificateBound)"]).status == .ok)
                    let noCertificate = try await send(nil, [.authorization: "Bearer \(certificateBound)"])
                    #expect(noCertificate.status == .unauthorized)
                    #expect(noCertificate.headers[values: .wwwAuthenticate] == [
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
                try await makeApplication(authorizer).test(.live) { client in
                    // HummingbirdTesting's live client sends Host: localhost.
                    func send(htu: String) async throws -> TestResponse {
                        var headers = HTTPFields()
                        headers[.authorization] = "DPoP \(token)"
                        headers[.dpop] = dpopClient.proof(method: "GET", uri: htu, accessToken: token, issuedAt: Date())
                        return try await client.execute(uri: "/orders?page=2", method: .get, headers: headers)
                    }
                    #expect(try await send(htu: "http://localhost/orders").status == .ok)
                    for wrong in ["https://localhost/orders", "http://localhost/orders?page=2", "http://127.0.0.1/orders"] {
                        let refused = try await send(htu: wrong)
                        #expect(refused.status == .unauthorized, "\(wrong)")
                        #expect(refused.headers[values: .wwwAuthenticate] == [
                            #"DPoP algs="ES256", error="invalid_dpop_proof""#, #"Bearer realm="orders-api""#,
                        ], "\(wrong)")
                    }
                }
            }
        }

        @Test("With DPoP off, over plain HTTP, a DPoP-bound or certificate-bound token sent as Bearer is 401 Bearer invalid_token")
        func boundTokensWithoutDPoPOrTLS() async throws {
            try await withLiveServer { server, client in
                let tokens = [
                    server.issueAccessToken(scope: "orders:read", confirmation: .dpop(TestDPoPClient().thumbprint)),
                    server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client"))),
                ]
                for token in tokens {
                    let response = try await get(client, "/orders", authorization: "Bearer \(token)")
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[values: .wwwAuthenticate] == [#"Bearer realm="orders-api", error="invalid_token""#])
                }
            }
        }
    }
}
