import AsyncHTTPClient
import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionTesting
import NIOSSL
import Testing

/// DPoP-bound and certificate-bound tokens through `forward-auth` behind the real nginx and Caddy, with
/// the snippets of `docs/forward-auth.md` (the plain ones for DPoP, the TLS ones that ask for client
/// certificates and pass them on). Skipped, as the other proxy tests, where a proxy is not installed
/// (and failed in CI).
@Suite("forward-auth behind nginx and Caddy: DPoP and certificate-bound tokens", .serialized)
struct ForwardAuthProxySenderConstraintTests {
    static let kinds = ForwardAuthProxyTests.kinds
    static let anyProxy = ReverseProxy.Kind.nginx.shouldRun || ReverseProxy.Kind.caddy.shouldRun

    /// Whether the client saw `fields` (forward-auth's `WWW-Authenticate` fields, in order) behind `kind`:
    /// Caddy passes every field on; nginx one field, the first (1.22) or all joined (1.23 and later).
    static func sees(_ answer: ForwardAuthProcess.Answer, _ fields: [String], behind kind: ReverseProxy.Kind) -> Bool {
        let seen = answer.values("WWW-Authenticate")
        guard kind == .nginx else { return seen == fields }
        return seen == [fields[0]] || seen == [fields.joined(separator: ", ")]
    }

    /// The refusal of a DPoP request: the DPoP challenge with `error`, then the plain Bearer one.
    static func dpopRefusal(_ error: String) -> [String] {
        [#"DPoP algs="\#(ForwardAuthSenderConstraintTests.defaultAlgs)", error="\#(error)""#, #"Bearer realm="orders-api""#]
    }

    /// Sends a request over TLS to `url` (trusting the test CA), presenting the client certificate named
    /// `certificate` (of `TestVectors/mtls`) or none.
    static func sendTLS(
        _ url: String,
        presenting certificate: String?,
        token: String? = nil,
        fields: [(String, String)] = []
    ) async throws -> ForwardAuthProcess.Answer {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(MTLSFixtures.path("ca")))
        if let certificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(MTLSFixtures.path(certificate)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: MTLSFixtures.path(certificate + "-key"), format: .pem))
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            let answer = try await ForwardAuthProcess.send(url, token: token, fields: fields, transport: AsyncHTTPClientTransport(client: client))
            try await client.shutdown()
            return answer
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test("DPoP: a proof for the original method and URI passes (the upstream gets the proof and X-Auth-*); a replay, another method, or the token as Bearer is 401 with the DPoP challenge",
          .enabled(if: anyProxy), arguments: kinds)
    func dpop(kind: ReverseProxy.Kind) async throws {
        try await ForwardAuthProxyTests.withStack(kind, options: ["--realm", "orders-api"]) { server, upstream, proxy in
            let client = TestDPoPClient()
            let token = server.issueAccessToken(scope: "orders:read", confirmation: .dpop(client.thumbprint))
            let url = proxy.baseURL + "/orders/17?view=full"
            let proof = client.proof(method: "POST", uri: proxy.baseURL + "/orders/17", accessToken: token, issuedAt: Date())
            let fields = [("Authorization", "DPoP \(token)"), ("DPoP", proof)]
            let allowed = try await ForwardAuthProcess.send(url, method: .post, fields: fields)
            #expect(allowed.status == 200, "\(allowed.body) \(proxy.log("error.log"))")
            let received = try EchoUpstream.fields(allowed.body)
            #expect(received["authorization"] == ["DPoP \(token)"])
            #expect(received["dpop"] == [proof])
            #expect(received["x-auth-scope"] == ["orders:read"])

            let replayed = try await ForwardAuthProcess.send(url, method: .post, fields: fields)
            #expect(replayed.status == 401)
            #expect(Self.sees(replayed, Self.dpopRefusal("invalid_dpop_proof"), behind: kind), "\(replayed.values("WWW-Authenticate"))")

            let fresh = [("Authorization", "DPoP \(token)"), ("DPoP", client.proof(method: "POST", uri: proxy.baseURL + "/orders/17", accessToken: token, issuedAt: Date()))]
            let otherMethod = try await ForwardAuthProcess.send(url, method: .put, fields: fresh)
            #expect(otherMethod.status == 401)
            #expect(Self.sees(otherMethod, Self.dpopRefusal("invalid_dpop_proof"), behind: kind), "\(otherMethod.values("WWW-Authenticate"))")

            let asBearer = try await ForwardAuthProcess.send(url, token: token)
            #expect(asBearer.status == 401)
            #expect(Self.sees(asBearer, Self.dpopRefusal("invalid_token"), behind: kind), "\(asBearer.values("WWW-Authenticate"))")
            #expect(upstream.requestCount == 1)
        }
    }

    @Test("DPoP nonces: the first proof is 401 use_dpop_nonce with DPoP-Nonce through the proxy, the next one with that nonce passes",
          .enabled(if: anyProxy), arguments: kinds)
    func dpopNonce(kind: ReverseProxy.Kind) async throws {
        try await ForwardAuthProxyTests.withStack(kind, options: ["--realm", "orders-api", "--dpop-nonce"]) { server, _, proxy in
            let client = TestDPoPClient()
            let token = server.issueAccessToken(scope: "orders:read", confirmation: .dpop(client.thumbprint))
            func send(nonce: String?) async throws -> ForwardAuthProcess.Answer {
                let proof = client.proof(method: "GET", uri: proxy.baseURL + "/orders", accessToken: token, issuedAt: Date(), nonce: nonce)
                return try await ForwardAuthProcess.send(proxy.baseURL + "/orders", fields: [("Authorization", "DPoP \(token)"), ("DPoP", proof)])
            }
            let first = try await send(nonce: nil)
            #expect(first.status == 401)
            #expect(Self.sees(first, Self.dpopRefusal("use_dpop_nonce"), behind: kind), "\(first.values("WWW-Authenticate"))")
            let nonce = try #require(first.header("DPoP-Nonce"), "\(first.headers)")
            #expect(try await send(nonce: nonce).status == 200)
        }
    }

    @Test("TLS with client certificates: a certificate-bound token passes with its certificate; another, none, or a forged certificate field is 401 Bearer invalid_token; DPoP proofs name https",
          .enabled(if: anyProxy), arguments: kinds)
    func certificateBound(kind: ReverseProxy.Kind) async throws {
        let header = kind == .nginx ? "X-SSL-Client-Cert" : "Client-Cert"
        try await ForwardAuthProxyTests.withStack(
            kind, variant: .tls, options: ["--realm", "orders-api", "--client-cert-header", header]
        ) { server, upstream, proxy in
            let token = server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client")))
            let url = proxy.baseURL + "/orders"
            let allowed = try await Self.sendTLS(url, presenting: "client", token: token)
            #expect(allowed.status == 200, "\(allowed.body) \(proxy.log("error.log")) \(proxy.log("stderr"))")
            #expect(try EchoUpstream.fields(allowed.body)["x-auth-scope"] == ["orders:read"])

            let refusal = [#"Bearer realm="orders-api", error="invalid_token""#]
            let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
            let forged = kind == .nginx
                ? try #require(try MTLSFixtures.pem("client").addingPercentEncoding(withAllowedCharacters: unreserved))
                : ":" + Data(try MTLSFixtures.der("client")).base64EncodedString() + ":"
            for (label, certificate, fields) in [
                ("another certificate", "client-b", []),
                ("no certificate", nil, []),
                ("no certificate, the bound one in a forged field", nil, [(header, forged)]),
            ] as [(String, String?, [(String, String)])] {
                let answer = try await Self.sendTLS(url, presenting: certificate, token: token, fields: fields)
                #expect(answer.status == 401, "\(label)")
                #expect(answer.values("WWW-Authenticate") == refusal, "\(label): \(answer.values("WWW-Authenticate"))")
            }
            // A certificate of another CA: nginx answers 400 itself, Caddy fails the handshake.
            do {
                let answer = try await Self.sendTLS(url, presenting: "other-client", token: token)
                #expect(kind == .nginx && answer.status == 400, "\(answer.status)")
            } catch {
                #expect(kind == .caddy, "\(error)")
            }

            // DPoP over the same TLS proxy: X-Forwarded-Proto is https.
            let client = TestDPoPClient()
            let dpopBound = server.issueAccessToken(scope: "orders:read", confirmation: .dpop(client.thumbprint))
            let proof = client.proof(method: "GET", uri: url, accessToken: dpopBound, issuedAt: Date())
            let dpop = try await Self.sendTLS(url, presenting: nil, fields: [("Authorization", "DPoP \(dpopBound)"), ("DPoP", proof)])
            #expect(dpop.status == 200, "\(dpop.values("WWW-Authenticate"))")
            #expect(upstream.requestCount == 2)
        }
    }
}
