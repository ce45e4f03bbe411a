import Foundation
import IntrospectionConformance
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// The conformance checker against the local authorization server: a clean server passes every check,
/// and each injected fault is flagged by the check meant for it and by no other.
@Suite("Conformance checker")
struct ConformanceCheckerTests {
    /// Characters that RFC 6749 §2.3.1 form-encoding must escape, in both id and secret.
    static let client = LocalAuthorizationServer.Client(id: "rs client:1", secret: "s3cret %+&:é")

    /// Starts a server with `faults`, issues an active token, runs the checker, stops the server.
    static func check(
        faults: LocalAuthorizationServer.Faults = .none,
        client: LocalAuthorizationServer.Client = client,
        signingAlgorithm: SignatureAlgorithm = .es256,
        issuerPath: String = "",
        configure: (inout ConformanceChecker.Configuration, LocalAuthorizationServer) -> Void = { _, _ in }
    ) async throws -> ConformanceReport {
        try await LocalAuthorizationServer.start(
            client: client, signingAlgorithm: signingAlgorithm, issuerPath: issuerPath, faults: faults
        ).shuttingDown { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            var configuration = ConformanceChecker.Configuration(
                issuer: server.issuer, clientID: client.id, clientSecret: client.secret, activeToken: token)
            configure(&configuration, server)
            return await ConformanceChecker(configuration: configuration).run()
        }
    }

    /// Expects exactly `failing` to fail, and every check to be in the catalogue order.
    static func expectFailures(
        _ report: ConformanceReport, _ failing: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(report.ids(with: .fail) == failing, "\(report.text)", sourceLocation: sourceLocation)
        #expect(report.checks.map(\.id) == ConformanceChecks.all.map(\.id), sourceLocation: sourceLocation)
        for check in report.checks {
            #expect(!check.reason.isEmpty, "\(check.id) has no reason", sourceLocation: sourceLocation)
            #expect(!check.reason.contains(client.secret), "\(check.id) shows the secret", sourceLocation: sourceLocation)
        }
    }

    static func faults(_ change: (inout LocalAuthorizationServer.Faults) -> Void) -> LocalAuthorizationServer.Faults {
        var faults = LocalAuthorizationServer.Faults()
        change(&faults)
        return faults
    }

    // MARK: - Clean servers

    /// The checks of encrypted answers, skipped when the checker has no decryption keys.
    static let encryptionChecks = ["jwe.encrypted", "jwe.cty", "jwe.alg", "jwe.enc", "jwe.decrypts"]
    /// The checks of other authentication methods, skipped when the checker uses HTTP Basic.
    static let privateKeyJWTChecks = ["auth.assertion_replay"]

    @Test("A conforming server passes every check, so every MUST passes; only the jwe.* checks are skipped without decryption keys")
    func cleanServerPassesEverything() async throws {
        let report = try await Self.check()
        Self.expectFailures(report, [])
        #expect(report.ids(with: .skip) == Self.encryptionChecks + Self.privateKeyJWTChecks, "\(report.text)")
        #expect(report["auth.assertion_replay"]?.reason.contains("only with private_key_jwt") == true)
        #expect(report["jwe.encrypted"]?.reason.contains("did not register encryption") == true)
        #expect(report.allMustsPass)
        #expect(report.metadataURL?.contains("/.well-known/oauth-authorization-server") == true)
    }

    @Test("A conforming RS256 server with an issuer path and an explicit inactive token passes every check")
    func cleanRS256ServerWithIssuerPath() async throws {
        let report = try await Self.check(signingAlgorithm: .rs256, issuerPath: "/tenant-a") { configuration, server in
            let revoked = server.issueToken(claims: server.accessTokenClaims())
            server.revoke(revoked)
            configuration.inactiveToken = revoked
        }
        Self.expectFailures(report, [])
        #expect(report.ids(with: .skip) == Self.encryptionChecks + Self.privateKeyJWTChecks)
        #expect(report["jwt.signature"]?.reason.contains("RS256") == true)
    }

    @Test("aud naming the resource URL passes only when that audience is given")
    func audienceOption() async throws {
        let client = LocalAuthorizationServer.Client(id: "rs-2", secret: "secret", audience: "https://rs.example.com/resource")
        let withoutAudience = try await Self.check(client: client)
        Self.expectFailures(withoutAudience, ["jwt.aud"])
        let withAudience = try await Self.check(client: client) { configuration, _ in
            configuration.audience = "https://rs.example.com/resource"
        }
        Self.expectFailures(withAudience, [])
    }

    // MARK: - Metadata faults

    @Test("A metadata issuer that differs fails metadata.issuer and skips everything after it")
    func metadataIssuerMismatch() async throws {
        let report = try await Self.check(faults: Self.faults { $0.metadataIssuer = "https://impostor.example" })
        Self.expectFailures(report, ["metadata.issuer"])
        #expect(report["metadata.location"]?.outcome == .pass)
        #expect(report.ids(with: .skip).count == ConformanceChecks.all.count - 2)
        #expect(!report.allMustsPass)
    }

    @Test("Metadata only at the OpenID Connect location fails the SHOULD metadata.location, nothing else")
    func openIDLocationOnly() async throws {
        let report = try await Self.check(faults: Self.faults { $0.metadataOnlyAtOpenIDLocation = true })
        Self.expectFailures(report, ["metadata.location"])
        #expect(report["metadata.location"]?.level == .should)
        #expect(report.allMustsPass)
        #expect(report.metadataURL?.hasSuffix("/.well-known/openid-configuration") == true)
    }

    @Test("No advertised signing algorithms fails the SHOULD and skips jwt.alg")
    func signingAlgorithmsNotAdvertised() async throws {
        let report = try await Self.check(faults: Self.faults { $0.advertisedSigningAlgorithms = .some(nil) })
        Self.expectFailures(report, ["metadata.introspection_signing_alg_values_supported"])
        #expect(report["jwt.alg"]?.outcome == .skip)
        #expect(report.allMustsPass)
    }

    @Test("A signing algorithm that is not advertised fails jwt.alg")
    func algorithmNotAdvertised() async throws {
        let report = try await Self.check(faults: Self.faults { $0.advertisedSigningAlgorithms = ["RS256", "PS256"] })
        Self.expectFailures(report, ["jwt.alg"])
        #expect(report["jwt.alg"]?.reason.contains("ES256") == true)
    }

    @Test("An unreachable server fails metadata discovery and skips the rest without crashing")
    func unreachableServer() async throws {
        let server = try await LocalAuthorizationServer.start(client: Self.client)
        let issuer = server.issuer
        try await server.shutdown()
        let configuration = ConformanceChecker.Configuration(
            issuer: issuer, clientID: "x", clientSecret: "y", activeToken: "z", timeout: .seconds(3))
        let report = await ConformanceChecker(configuration: configuration).run()
        #expect(report.ids(with: .fail) == ["metadata.location", "metadata.issuer"])
        #expect(report.ids(with: .skip).count == ConformanceChecks.all.count - 2)
        #expect(!report.allMustsPass)
    }

    // MARK: - JWT answer faults

    @Test("A wrong or missing typ fails jwt.typ", arguments: [
        String?.some("JWT"), String?.some("at+jwt"), String?.none,
        // KELVIN SIGN: Unicode lower-casing makes it "token-…", ASCII folding (RFC 7515 §4.1.9) does not;
        // the checker applies the verifier's rule, so what the verifier refuses fails here too.
        String?.some("to\u{212A}en-introspection+jwt"),
    ])
    func wrongType(type: String?) async throws {
        let report = try await Self.check(faults: Self.faults { $0.type = .some(type) })
        Self.expectFailures(report, ["jwt.typ"])
        #expect(report["jwt.typ"]?.outcome == .fail)
    }

    @Test("A wrong or missing iss fails jwt.iss", arguments: [String?.some("https://other.example"), String?.none])
    func wrongIssuer(issuer: String?) async throws {
        let report = try await Self.check(faults: Self.faults { $0.issuer = .some(issuer) })
        Self.expectFailures(report, ["jwt.iss"])
    }

    @Test(
        "A wrong or missing aud fails jwt.aud",
        arguments: [JSONValue?.some(.string("someone-else")), JSONValue?.some(.array([.string("a"), .string("b")])), JSONValue?.none])
    func wrongAudience(audience: JSONValue?) async throws {
        let report = try await Self.check(faults: Self.faults { $0.audience = .some(audience) })
        Self.expectFailures(report, ["jwt.aud"])
    }

    @Test("A missing iat fails jwt.iat")
    func missingIssuedAt() async throws {
        let report = try await Self.check(faults: Self.faults { $0.omitIssuedAt = true })
        Self.expectFailures(report, ["jwt.iat"])
    }

    @Test("An old or future iat fails jwt.iat", arguments: [-3600, -120, 120, 3600])
    func distantIssuedAt(offset: Int) async throws {
        let report = try await Self.check(faults: Self.faults { $0.issuedAtOffset = offset })
        Self.expectFailures(report, ["jwt.iat"])
        // The verifier's own iat rules, with the tolerance as the skew either way.
        #expect(report["jwt.iat"]?.reason.contains(offset > 0 ? "is later than the verification time" : "before the verification time") == true)
    }

    @Test("A missing token_introspection fails jwt.token_introspection and skips the inactive content check")
    func missingTokenIntrospection() async throws {
        let report = try await Self.check(faults: Self.faults { $0.omitTokenIntrospection = true })
        Self.expectFailures(report, ["jwt.token_introspection"])
        #expect(report["inactive.active_false"]?.outcome == .skip)
    }

    @Test("An active value that is not a boolean fails the RFC 7662 type checks")
    func nonBooleanActive() async throws {
        let report = try await Self.check(faults: Self.faults { $0.activeValue = .string("true") })
        Self.expectFailures(report, ["jwt.token_introspection", "json.response"])
    }

    @Test("A top-level sub fails the SHOULD NOT jwt.no_top_level_sub; every MUST still passes")
    func topLevelSubject() async throws {
        let report = try await Self.check(faults: Self.faults { $0.topLevelSubject = true })
        Self.expectFailures(report, ["jwt.no_top_level_sub"])
        #expect(report["jwt.no_top_level_sub"]?.level == .shouldNot)
        #expect(report.allMustsPass)
    }

    @Test("A top-level exp fails the SHOULD NOT jwt.no_top_level_exp; every MUST still passes")
    func topLevelExpiration() async throws {
        let report = try await Self.check(faults: Self.faults { $0.topLevelExpiration = 300 })
        Self.expectFailures(report, ["jwt.no_top_level_exp"])
        #expect(report.allMustsPass)
    }

    @Test("A tampered payload fails jwt.signature only")
    func tamperedPayload() async throws {
        let report = try await Self.check(faults: Self.faults { $0.tamperPayload = true })
        Self.expectFailures(report, ["jwt.signature"])
        #expect(report["jwt.kid"]?.outcome == .pass)
        #expect(report.ids(with: .skip) == Self.encryptionChecks + ["inactive.status", "inactive.signature", "inactive.active_false"] + Self.privateKeyJWTChecks)
    }

    @Test("A key the JWK Set does not publish fails jwt.kid and skips the signature")
    func unpublishedKey() async throws {
        let report = try await Self.check(faults: Self.faults { $0.signWithUnpublishedKey = true })
        Self.expectFailures(report, ["jwt.kid"])
        #expect(report["jwt.signature"]?.outcome == .skip)
    }

    @Test("Plain JSON for a JWT request fails jwt.not_downgraded and skips the other JWT checks")
    func jsonForJWTRequests() async throws {
        let report = try await Self.check(faults: Self.faults { $0.jsonForJWTRequests = true })
        Self.expectFailures(report, ["jwt.not_downgraded"])
        #expect(report["jwt.content_type"]?.outcome == .skip)
        #expect(report["jwt.typ"]?.outcome == .skip)
        #expect(report["json.response"]?.outcome == .pass)
    }

    @Test("A wrong Content-Type fails jwt.content_type (and json.response, where the fault applies too)")
    func wrongContentType() async throws {
        let report = try await Self.check(faults: Self.faults { $0.contentType = "application/jwt" })
        Self.expectFailures(report, ["jwt.content_type", "json.response"])
        #expect(report["jwt.compact"]?.outcome == .pass)
    }

    // MARK: - Inactive token faults

    @Test("Extra members in an inactive answer fail inactive.active_false")
    func extraMembersWhenInactive() async throws {
        let extra = JSONObject(members: [.init(name: "scope", value: .string("read")), .init(name: "sub", value: .string("u1"))])
        let report = try await Self.check(faults: Self.faults { $0.extraMembersWhenInactive = extra })
        Self.expectFailures(report, ["inactive.active_false"])
        #expect(report["inactive.active_false"]?.reason.contains("scope, sub") == true)
    }

    // MARK: - Authentication faults

    @Test("401 for an unauthenticated request fails auth.unauthenticated")
    func unauthenticatedAnswered401() async throws {
        let report = try await Self.check(faults: Self.faults { $0.unauthenticatedStatus401 = true })
        Self.expectFailures(report, ["auth.unauthenticated"])
        #expect(report["auth.unauthenticated"]?.reason.contains("401") == true)
    }

    @Test("An accepted unauthenticated request fails auth.unauthenticated")
    func unauthenticatedAccepted() async throws {
        let report = try await Self.check(faults: Self.faults { $0.allowUnauthenticated = true })
        Self.expectFailures(report, ["auth.unauthenticated"])
        #expect(report["auth.unauthenticated"]?.reason.contains("200") == true)
    }

    @Test("An error answer to every call fails the status checks and skips what depends on them")
    func errorForEveryCall() async throws {
        let report = try await Self.check(faults: Self.faults { $0.errorResponse = (500, #"{"error":"server_error"}"#) })
        Self.expectFailures(report, ["jwt.status", "json.response", "auth.unauthenticated", "auth.wrong_credentials"])
        #expect(report["jwt.status"]?.reason == #"status 500 (error "server_error")"#)
        #expect(report["auth.www_authenticate"]?.outcome == .skip)
        #expect(report["inactive.status"]?.outcome == .skip)
    }

    // MARK: - Reports

    @Test("The JSON report lists every check with its level and outcome, and says whether it conforms")
    func jsonReport() async throws {
        let report = try await Self.check(faults: Self.faults { $0.type = .some("JWT") })
        let json = try #require(report.json.objectValue)
        #expect(json["conforming"] == .bool(false))
        let checks = try #require(json["checks"]?.arrayValue)
        #expect(checks.count == ConformanceChecks.all.count)
        let typ = try #require(checks.compactMap(\.objectValue).first { $0["id"] == .string("jwt.typ") })
        #expect(typ["outcome"] == .string("fail"))
        #expect(typ["level"] == .string("MUST"))
        #expect(typ["section"]?.stringValue?.contains("RFC 9701 §5") == true)
        #expect(json["summary"]?.objectValue?["must_failures"] == .number(JSONNumber(1)))
        #expect(report.text.contains("FAIL    MUST"))
        #expect(report.text.contains("not conforming"))
    }
}
