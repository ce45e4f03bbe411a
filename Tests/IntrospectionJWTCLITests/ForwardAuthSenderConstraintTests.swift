import Foundation
import HTTPTypes
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `introspection-jwt forward-auth` with sender-constrained tokens, against the real binary and the local
/// authorization server: DPoP proofs checked against the original request of `X-Forwarded-*`, and
/// certificate-bound tokens against the certificate of `--client-cert-header`; statuses, `WWW-Authenticate`
/// and `DPoP-Nonce` to the letter.
@Suite("introspection-jwt forward-auth: DPoP and certificate-bound tokens", .serialized)
struct ForwardAuthSenderConstraintTests {
    /// Every asymmetric algorithm, as the DPoP challenge lists them by default.
    static let defaultAlgs = "ES256 ES384 ES512 EdDSA PS256 PS384 PS512 RS256 RS384 RS512"

    /// What a proxy sends about `GET https://api.example.com/orders?page=2`.
    static let forwarded: [(String, String)] = [
        ("X-Forwarded-Method", "GET"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "api.example.com"),
        ("X-Forwarded-Uri", "/orders?page=2"),
    ]

    /// The DPoP answer of a refusal about DPoP: the DPoP challenge with `error`, then a plain Bearer one.
    static func dpopChallenges(_ error: String, algs: String = defaultAlgs) -> [String] {
        [#"DPoP algs="\#(algs)", error="\#(error)""#, #"Bearer realm="orders-api""#]
    }

    /// The fields of a DPoP request: `Authorization: DPoP <token>` and a proof for the forwarded request.
    static func dpopFields(_ client: TestDPoPClient, token: String, htu: String = "https://api.example.com/orders", nonce: String? = nil) -> [(String, String)] {
        [("Authorization", "DPoP \(token)"), ("DPoP", client.proof(method: "GET", uri: htu, accessToken: token, issuedAt: Date(), nonce: nonce))]
    }

    @Test("DPoP: the proof is checked against X-Forwarded-Method, -Proto, -Host and -Uri; without them, replayed, or for another key: 401 with the DPoP challenge and Bearer beside it")
    func dpop() async throws {
        try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client).shuttingDown { server in
            try await ForwardAuthProcess.with(server, ["--realm", "orders-api"]) { forwardAuth in
                let client = TestDPoPClient()
                let token = server.issueToken(claims: JSONObject(members: server.accessTokenClaims(subject: "user-42", scope: "orders:read").members
                    + [.init(name: "cnf", value: TokenConfirmation.dpop(client.thumbprint).json)]))
                let fields = Self.dpopFields(client, token: token)
                let allowed = try await forwardAuth.send(fields: fields + Self.forwarded)
                #expect(allowed.status == 200, "\(allowed.body)")
                #expect(allowed.header("X-Auth-Subject") == "user-42")

                let replayed = try await forwardAuth.send(fields: fields + Self.forwarded)
                #expect(replayed.status == 401)
                #expect(replayed.values("WWW-Authenticate") == Self.dpopChallenges("invalid_dpop_proof"))
                ForwardAuthDecisionTests.expectBody(replayed, error: "invalid_dpop_proof")

                // Each X-Forwarded-* field missing (a fresh proof each time: not a replay).
                for index in Self.forwarded.indices {
                    var partial = Self.forwarded
                    let (name, _) = partial.remove(at: index)
                    let answer = try await forwardAuth.send(fields: Self.dpopFields(client, token: token) + partial)
                    #expect(answer.status == 401, "without \(name)")
                    #expect(answer.values("WWW-Authenticate") == Self.dpopChallenges("invalid_dpop_proof"), "without \(name)")
                }
                let none = try await forwardAuth.send(fields: Self.dpopFields(client, token: token))
                #expect(none.status == 401)
                #expect(none.values("WWW-Authenticate") == Self.dpopChallenges("invalid_dpop_proof"))

                let otherURI = try await forwardAuth.send(fields: Self.dpopFields(client, token: token, htu: "https://api.example.com/admin") + Self.forwarded)
                #expect(otherURI.values("WWW-Authenticate") == Self.dpopChallenges("invalid_dpop_proof"))

                let asBearer = try await forwardAuth.send(token: token, fields: Self.forwarded)
                #expect(asBearer.status == 401)
                #expect(asBearer.values("WWW-Authenticate") == Self.dpopChallenges("invalid_token"))

                let otherKey = try await forwardAuth.send(fields: Self.dpopFields(TestDPoPClient(), token: token) + Self.forwarded)
                #expect(otherKey.status == 401)
                #expect(otherKey.values("WWW-Authenticate") == Self.dpopChallenges("invalid_token"))

                let unbound = server.issueToken(claims: server.accessTokenClaims(scope: "orders:read"))
                let unboundAsDPoP = try await forwardAuth.send(fields: Self.dpopFields(client, token: unbound) + Self.forwarded)
                #expect(unboundAsDPoP.status == 401)
                #expect(unboundAsDPoP.values("WWW-Authenticate") == Self.dpopChallenges("invalid_token"))
                // The Bearer answers are those of RFC 6750, as without DPoP.
                let missing = try await forwardAuth.send(fields: Self.forwarded)
                #expect(missing.values("WWW-Authenticate") == [#"Bearer realm="orders-api""#])
                #expect(try await forwardAuth.send(token: unbound, fields: Self.forwarded).status == 200)
                for answer in [allowed, replayed, none, asBearer, otherKey] { ForwardAuthDecisionTests.expectNoToken(answer, token) }
            }
        }
    }

    @Test("--dpop-algorithms narrows the algs of the challenge; --dpop-nonce answers 401 use_dpop_nonce with DPoP-Nonce until the proof carries it")
    func dpopAlgorithmsAndNonce() async throws {
        try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client).shuttingDown { server in
            try await ForwardAuthProcess.with(server, ["--realm", "orders-api", "--dpop-algorithms", "EdDSA,ES256", "--dpop-nonce"]) { forwardAuth in
                let client = TestDPoPClient()
                let token = server.issueAccessToken(scope: "orders:read", confirmation: .dpop(client.thumbprint))
                let first = try await forwardAuth.send(fields: Self.dpopFields(client, token: token) + Self.forwarded)
                #expect(first.status == 401)
                #expect(first.values("WWW-Authenticate") == Self.dpopChallenges("use_dpop_nonce", algs: "ES256 EdDSA"))
                ForwardAuthDecisionTests.expectBody(first, error: "use_dpop_nonce")
                let nonce = try #require(first.header("DPoP-Nonce"))
                let second = try await forwardAuth.send(fields: Self.dpopFields(client, token: token, nonce: nonce) + Self.forwarded)
                #expect(second.status == 200, "\(second.body)")
                let rs384 = TestDPoPClient(key: TestSigningKey(.rsa(bits: 2048), keyID: nil), algorithm: .rs384)
                let notAllowed = try await forwardAuth.send(fields: Self.dpopFields(rs384, token: token, nonce: nonce) + Self.forwarded)
                #expect(notAllowed.values("WWW-Authenticate") == Self.dpopChallenges("invalid_dpop_proof", algs: "ES256 EdDSA"))
            }
        }
    }

    @Test("--no-dpop: the DPoP scheme is another scheme (400), a DPoP-bound token sent as Bearer is 401 Bearer invalid_token")
    func noDPoP() async throws {
        try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client).shuttingDown { server in
            try await ForwardAuthProcess.with(server, ["--realm", "orders-api", "--no-dpop"]) { forwardAuth in
                let client = TestDPoPClient()
                let token = server.issueAccessToken(scope: "orders:read", confirmation: .dpop(client.thumbprint))
                let asBearer = try await forwardAuth.send(token: token, fields: Self.forwarded)
                #expect(asBearer.status == 401)
                #expect(asBearer.values("WWW-Authenticate") == [#"Bearer realm="orders-api", error="invalid_token""#])
                let asDPoP = try await forwardAuth.send(fields: Self.dpopFields(client, token: token) + Self.forwarded)
                #expect(asDPoP.status == 400)
                #expect(asDPoP.values("WWW-Authenticate") == [#"Bearer realm="orders-api", error="invalid_request""#])
            }
        }
    }

    @Test("--client-cert-header: the certificate-bound token passes with its certificate in that header (RFC 9440 or nginx's escaped PEM); another, none, or a header not named is 401 Bearer invalid_token")
    func clientCertificateHeader() async throws {
        try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client).shuttingDown { server in
            let token = server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client")))
            let refusal = [#"Bearer realm="orders-api", error="invalid_token""#]
            let rfc9440 = { (name: String) in ":" + Data(try MTLSFixtures.der(name)).base64EncodedString() + ":" }
            let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
            let escapedPEM = try #require(try MTLSFixtures.pem("client").addingPercentEncoding(withAllowedCharacters: unreserved))
            try await ForwardAuthProcess.with(server, ["--realm", "orders-api", "--client-cert-header", "Client-Cert"]) { forwardAuth in
                #expect(try await forwardAuth.send(token: token, fields: [("Client-Cert", try rfc9440("client"))]).status == 200)
                for (label, fields) in [
                    ("another certificate", [("Client-Cert", try rfc9440("client-b"))]),
                    ("none", []),
                    ("another header", [("X-SSL-Client-Cert", escapedPEM)]),
                    ("two headers", [("Client-Cert", try rfc9440("client")), ("Client-Cert", try rfc9440("client"))]),
                    ("not a certificate", [("Client-Cert", ":bm90IGEgY2VydA==:")]),
                ] as [(String, [(String, String)])] {
                    let answer = try await forwardAuth.send(token: token, fields: fields)
                    #expect(answer.status == 401, "\(label)")
                    #expect(answer.values("WWW-Authenticate") == refusal, "\(label)")
                }
            }
            try await ForwardAuthProcess.with(server, ["--realm", "orders-api", "--client-cert-header", "X-SSL-Client-Cert"]) { forwardAuth in
                let answer = try await forwardAuth.send(token: token, fields: [("X-SSL-Client-Cert", escapedPEM)])
                #expect(answer.status == 200, "\(answer.body)")
            }
            // Without the option no header is read.
            try await ForwardAuthProcess.with(server, ["--realm", "orders-api"]) { forwardAuth in
                let answer = try await forwardAuth.send(token: token, fields: [("Client-Cert", try rfc9440("client"))])
                #expect(answer.status == 401)
                #expect(answer.values("WWW-Authenticate") == refusal)
            }
        }
    }

    @Test("A bad DPoP or certificate-header option is exit 2 before listening, naming the option")
    func badOptions() async throws {
        try await LocalAuthorizationServer.start(client: ForwardAuthProcess.client).shuttingDown { server in
            for (extra, named) in [
                (["--no-dpop", "--dpop-nonce"], "--no-dpop"),
                (["--no-dpop", "--dpop-algorithms", "ES256"], "--no-dpop"),
                (["--dpop-algorithms", "HS256"], "--dpop-algorithms"),
                (["--dpop-algorithms", "none"], "--dpop-algorithms"),
                (["--dpop-max-age", "0"], "--dpop-max-age"),
                (["--client-cert-header", "Client Cert"], "--client-cert-header"),
                (["--client-cert-header", "Authorization"], "--client-cert-header"),
            ] {
                let outcome = try await CLIRunner.run(ForwardAuthProcess.arguments(server, extra), clientSecret: ForwardAuthProcess.client.secret)
                #expect(outcome.status == 2, "\(extra): \(outcome.standardError)")
                #expect(outcome.standardError.contains(named), "\(extra): \(outcome.standardError)")
            }
        }
    }
}
