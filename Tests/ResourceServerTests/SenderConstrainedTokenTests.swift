import Foundation
import HTTPTypes
import IntrospectionJWT
@testable import IntrospectionResourceServer
import IntrospectionTesting
import Testing

/// A nonce source that hands out one nonce and accepts only it (the generated cases' `server_nonce`).
private struct FixedNonce: DPoPNonceSource {
    let nonce: String
    func currentNonce() -> String { nonce }
    func accepts(_ candidate: String) -> Bool { candidate == nonce }
}

private let vectors = Result { try DPoPVectors.load() }

/// The request of a generated case: its scheme, the access token, its DPoP fields, method and URI.
func request(for testCase: DPoPVectors.Case, token: String, clientCertificate: [UInt8]? = nil) -> ProtectedResourceRequest {
    var fields = HTTPFields()
    fields[.authorization] = "\(testCase.scheme) \(token)"
    for proof in testCase.proofs { fields.append(HTTPField(name: HTTPField.Name("DPoP")!, value: proof)) }
    return ProtectedResourceRequest(
        method: testCase.method, scheme: "https", authority: "rs.example.com", path: testCase.pathAndQuery,
        headerFields: fields, clientCertificate: clientCertificate)
}

/// DPoP options for the generated cases: their allow-list and window, their clock time, the case's nonce.
func dpopOptions(_ vectors: DPoPVectors, nonces: (any DPoPNonceSource)? = nil, replayCacheCapacity: Int = 1000) -> DPoPOptions {
    DPoPOptions(
        allowedAlgorithms: vectors.algorithms, maximumAge: vectors.maximumAge, clockSkew: vectors.clockSkew,
        replayCacheCapacity: replayCacheCapacity, nonces: nonces, clock: ManualClock(now: vectors.at))
}

extension ResourceServerSuites {
    @Suite("DPoP-bound and certificate-bound tokens at the authorizer")
    struct SenderConstrainedTokenTests {
        @Test("Every generated DPoP case gets its answer: status, challenges, error and the core's code")
        func generatedCases() async throws {
            let vectors = try vectors.get()
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                for testCase in vectors.cases {
                    // One token per case (each with its own cnf), sent with the generated access token's text.
                    vectors.storeToken(for: testCase, at: server)
                    let authorizer = BearerTokenAuthorizer(
                        introspection: CachedIntrospection(client: fixture.introspection.client, clock: fixture.clock), realm: "orders-api",
                        dpop: dpopOptions(vectors, nonces: testCase.serverNonce.map { FixedNonce(nonce: $0) }))
                    var decisions: [AccessDecision] = []
                    for _ in 0..<testCase.repeat {
                        decisions.append(await authorizer.authorize(request(for: testCase, token: vectors.accessToken), requirement: .scope("orders:read")))
                    }
                    for earlier in decisions.dropLast() {
                        guard case .allowed = earlier else { Issue.record("\(testCase.id): an earlier request was refused"); continue }
                    }
                    switch decisions.last! {
                    case .allowed:
                        #expect(testCase.expected.valid, "\(testCase.id) was allowed")
                    case .denied(let denial):
                        #expect(!testCase.expected.valid, "\(testCase.id) was refused: \(denial.failure?.message ?? "")")
                        guard !testCase.expected.valid else { continue }
                        #expect(denial.status == .unauthorized, "\(testCase.id)")
                        #expect(denial.error == testCase.expected.error, "\(testCase.id): \(denial.error)")
                        #expect(denial.challenges == vectors.expectedChallenges(testCase, realm: "orders-api"), "\(testCase.id)")
                        if let code = testCase.expected.verifierCode {
                            #expect(denial.failure?.verifierCode?.rawValue == code, "\(testCase.id): \(denial.failure?.description ?? "")")
                        }
                        if testCase.expected.error == "use_dpop_nonce" {
                            #expect(denial.headerFields[HTTPField.Name("DPoP-Nonce")!] == testCase.serverNonce, "\(testCase.id)")
                        }
                        let body = String(decoding: denial.body, as: UTF8.self)
                        #expect(!body.contains(vectors.accessToken) && !testCase.proofs.contains { body.contains($0) }, "\(testCase.id)")
                    }
                }
            }
        }

        @Test("A replayed proof is refused within the window, and after it the proof is too old anyway")
        func replay() async throws {
            let vectors = try vectors.get()
            let testCase = try #require(vectors.case("valid-es256"))
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                vectors.storeToken(for: testCase, at: server)
                let clock = ManualClock(now: vectors.at)
                var options = dpopOptions(vectors)
                options.clock = clock
                let authorizer = BearerTokenAuthorizer(introspection: fixture.introspection, realm: "orders-api", dpop: options)
                guard case .allowed = await authorizer.authorize(request(for: testCase, token: vectors.accessToken)) else {
                    Issue.record("the first use was refused")
                    return
                }
                clock.advance(by: .seconds(59))
                guard case .denied(let replayed) = await authorizer.authorize(request(for: testCase, token: vectors.accessToken)) else {
                    Issue.record("a replay inside the window was allowed")
                    return
                }
                #expect(replayed.reason == .invalidDPoPProof)
                #expect(replayed.failure?.message.contains("replayed") == true)
                clock.advance(by: .seconds(2))
                guard case .denied(let stale) = await authorizer.authorize(request(for: testCase, token: vectors.accessToken)) else {
                    Issue.record("a proof past the window was allowed")
                    return
                }
                #expect(stale.failure?.message.contains("s old") == true)
            }
        }

        @Test("Under a flood of distinct proofs the replay cache stays within its capacity and refuses rather than forgets")
        func replayCacheFlood() {
            let cache = DPoPReplayCache(capacity: 1000)
            let now = Date(timeIntervalSince1970: 1_763_740_800)
            let expires = now.addingTimeInterval(60)
            #expect(cache.remember(thumbprint: "victim", jwtID: "j-0", expires: expires, now: now) == .remembered)
            var full = 0
            for index in 0..<200_000 {
                if cache.remember(thumbprint: "flood", jwtID: "j-\(index)", expires: expires, now: now) == .full { full += 1 }
            }
            #expect(cache.count == 1000)
            #expect(cache.queueLength <= 1000)
            #expect(full == 200_000 - 999)
            // The victim's proof is still remembered: a flood never reopens a replay.
            #expect(cache.remember(thumbprint: "victim", jwtID: "j-0", expires: expires, now: now) == .replayed)
            // The same jti under another key is another proof.
            #expect(cache.remember(thumbprint: "other", jwtID: "j-0", expires: expires, now: now) == .full)
            // Once the window has passed, the entries go and new proofs are remembered again.
            let later = now.addingTimeInterval(61)
            #expect(cache.remember(thumbprint: "victim", jwtID: "j-1", expires: later.addingTimeInterval(60), now: later) == .remembered)
            #expect(cache.count == 1)
            for index in 0..<50_000 {
                _ = cache.remember(thumbprint: "flood", jwtID: "k-\(index)", expires: later.addingTimeInterval(Double(index % 7)), now: later.addingTimeInterval(Double(index / 1000)))
            }
            #expect(cache.count <= 1000)
            #expect(cache.queueLength <= 2 * 1000 + 64)
        }

        @Test("A full replay cache answers 503 with Retry-After, not an unchecked pass")
        func fullReplayCache() async throws {
            let vectors = try vectors.get()
            let first = try #require(vectors.case("valid-es256"))
            let second = try #require(vectors.case("valid-eddsa"))
            try await withAuthorizationServer { server in
                // No caching of answers: the token's cnf is changed between the two requests.
                let fixture = ResourceServerFixture(server: server, configuration: IntrospectionCacheConfiguration(maximumTimeToLive: .zero, negativeTimeToLive: .zero))
                let authorizer = BearerTokenAuthorizer(
                    introspection: fixture.introspection, realm: "orders-api", dpop: dpopOptions(vectors, replayCacheCapacity: 1))
                for (testCase, allowed) in [(first, true), (second, false)] {
                    vectors.storeToken(for: testCase, at: server)
                    let decision = await authorizer.authorize(request(for: testCase, token: vectors.accessToken))
                    switch decision {
                    case .allowed:
                        #expect(allowed, "\(testCase.id) passed a full replay cache")
                    case .denied(let denial):
                        #expect(!allowed, "\(testCase.id): \(denial.failure?.message ?? "")")
                        #expect(denial.status == .serviceUnavailable)
                        #expect(denial.headerFields[.retryAfter] == "5")
                        #expect(denial.failure?.code == .replayCacheFull)
                    }
                }
            }
        }

        @Test("Behind a proxy the original method and URI come from X-Forwarded-*: each one missing, empty or sent twice is 401 invalid_dpop_proof")
        func forwardedRequest() async throws {
            let vectors = try vectors.get()
            let testCase = try #require(vectors.case("valid-es256"))
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                vectors.storeToken(for: testCase, at: server)
                let complete: [(String, String)] = [
                    ("X-Forwarded-Method", "GET"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "rs.example.com"),
                    ("X-Forwarded-Uri", "/orders?page=2"),
                ]
                func decide(_ forwarded: [(String, String)]) async -> AccessDecision {
                    var fields = HTTPFields()
                    fields[.authorization] = "DPoP \(vectors.accessToken)"
                    fields.append(HTTPField(name: HTTPField.Name("DPoP")!, value: testCase.proofs[0]))
                    for (name, value) in forwarded { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
                    // A fresh authorizer each time: the same proof is not a replay here.
                    let authorizer = BearerTokenAuthorizer(introspection: fixture.introspection, realm: "orders-api", dpop: dpopOptions(vectors))
                    return await authorizer.authorize(ProtectedResourceRequest(forwardedHeaderFields: fields), requirement: .scope("orders:read"))
                }
                guard case .allowed = await decide(complete) else {
                    Issue.record("the forwarded request was refused")
                    return
                }
                var broken: [(String, [(String, String)])] = []
                for (index, (name, value)) in complete.enumerated() {
                    var without = complete
                    without.remove(at: index)
                    broken.append(("no \(name)", without))
                    broken.append(("empty \(name)", without + [(name, "")]))
                    broken.append(("two \(name)", complete + [(name, value)]))
                }
                broken.append(("a Host list", complete.filter { $0.0 != "X-Forwarded-Host" } + [("X-Forwarded-Host", "rs.example.com, proxy.internal")]))
                broken.append(("a proto other than http(s)", complete.filter { $0.0 != "X-Forwarded-Proto" } + [("X-Forwarded-Proto", "wss")]))
                broken.append(("an absolute X-Forwarded-Uri", complete.filter { $0.0 != "X-Forwarded-Uri" } + [("X-Forwarded-Uri", "https://rs.example.com/orders")]))
                for (label, forwarded) in broken {
                    guard case .denied(let denial) = await decide(forwarded) else {
                        Issue.record("\(label): allowed")
                        continue
                    }
                    #expect(denial.status == .unauthorized, "\(label)")
                    #expect(denial.challenges == [#"DPoP algs="ES256 EdDSA RS256", error="invalid_dpop_proof""#, #"Bearer realm="orders-api""#], "\(label)")
                }
            }
        }

        @Test("Behind a proxy the client certificate comes from the header named, and only when one is named")
        func forwardedClientCertificate() async throws {
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server)
                let token = server.issueAccessToken(scope: "orders:read", confirmation: .certificate(try MTLSFixtures.thumbprint("client")))
                let clientCert = HTTPField.Name("Client-Cert")!
                func fields(_ certificate: String?) throws -> HTTPFields {
                    var fields = HTTPFields()
                    fields[.authorization] = "Bearer \(token)"
                    if let certificate { fields[clientCert] = ":" + Data(try MTLSFixtures.der(certificate)).base64EncodedString() + ":" }
                    return fields
                }
                let trusted = ProtectedResourceRequest(forwardedHeaderFields: try fields("client"), clientCertificateHeader: clientCert)
                guard case .allowed = await fixture.authorizer.authorize(trusted) else {
                    Issue.record("the bound certificate in the named header was refused")
                    return
                }
                let cases: [(String, ProtectedResourceRequest)] = [
                    ("header not named", ProtectedResourceRequest(forwardedHeaderFields: try fields("client"))),
                    ("another certificate", ProtectedResourceRequest(forwardedHeaderFields: try fields("client-b"), clientCertificateHeader: clientCert)),
                    ("no header", ProtectedResourceRequest(forwardedHeaderFields: try fields(nil), clientCertificateHeader: clientCert)),
                    ("two headers", ProtectedResourceRequest(
                        forwardedHeaderFields: try fields("client") + [HTTPField(name: clientCert, value: ":" + Data(try MTLSFixtures.der("client")).base64EncodedString() + ":")],
                        clientCertificateHeader: clientCert)),
                    ("unreadable header", ProtectedResourceRequest(
                        forwardedHeaderFields: [.authorization: "Bearer \(token)", clientCert: ":bm90IGEgY2VydA==:"], clientCertificateHeader: clientCert)),
                ]
                for (label, request) in cases {
                    guard case .denied(let denial) = await fixture.authorizer.authorize(request) else {
                        Issue.record("\(label): allowed")
                        continue
                    }
                    #expect(denial.status == .unauthorized, "\(label)")
                    #expect(denial.challenges == [#"Bearer realm="orders-api", error="invalid_token""#], "\(label)")
                }
            }
        }
    }
}
