import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

@Suite("Verifier pipeline")
struct VerifierTests {
    let at = Date(timeIntervalSince1970: TimeInterval(testTime))

    func expectError(_ code: IntrospectionJWTError.Code, _ token: String, verifier: IntrospectionResponseVerifier = makeVerifier(), sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let result = try verifier.verify(token, using: TestKeys.keySet, at: at)
            Issue.record("expected \(code), but the token verified: \(result.claims)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test("Every supported algorithm verifies a response signed with it", arguments: SignatureAlgorithm.allCases)
    func everyAlgorithmVerifies(algorithm: SignatureAlgorithm) async throws {
        let token = TokenMinter.response(key: TestKeys.key(for: algorithm), algorithm: algorithm, issuedAt: testTime)
        let result = try await makeVerifier().verify(token, at: at)
        #expect(result.header.algorithm == algorithm)
        #expect(result.introspection.isActive)
        #expect(result.introspection.scopes == ["read", "write", "dolphin"])
        #expect(result.introspection.clientID == "s6BhdRkqt3")
        #expect(result.issuer == TokenMinter.issuer)
    }

    @Test("A tampered payload fails with bad_signature")
    func tamperedPayloadIsRejected() {
        let token = TokenMinter.response(key: TestKeys.rsa, algorithm: .rs256, issuedAt: testTime)
        let parts = token.split(separator: ".").map(String.init)
        let forged = TestBase64URL.encode(TokenMinter.payload(issuedAt: testTime, audience: "https://evil.example"))
        expectError(.badSignature, [parts[0], forged, parts[2]].joined(separator: "."))
    }

    @Test("alg none and HMAC algorithms are never accepted")
    func noneAndHMACAreRejected() {
        for alg in ["none", "HS256", "HS512", "rs256", "RS257"] {
            let header = "{\"typ\":\"token-introspection+jwt\",\"alg\":\"\(alg)\",\"kid\":\"rsa-2048\"}"
            let token = TestBase64URL.encode(header) + "." + TestBase64URL.encode(TokenMinter.payload(issuedAt: testTime)) + ".AAAA"
            expectError(.unsupportedAlgorithm, token)
        }
    }

    @Test("An algorithm outside the caller's allow-list is refused")
    func algorithmOutsideAllowListIsRejected() {
        let token = TokenMinter.response(key: TestKeys.rsa, algorithm: .rs256, issuedAt: testTime)
        expectError(.unsupportedAlgorithm, token, verifier: makeVerifier(algorithms: [.es256, .ps256]))
    }

    @Test("typ must be token-introspection+jwt in either spelling")
    func typIsChecked() throws {
        for typ in ["token-introspection+jwt", "application/token-introspection+jwt", "Application/Token-Introspection+JWT"] {
            let token = TokenMinter.sign(
                header: "{\"typ\":\"\(typ)\",\"alg\":\"ES256\",\"kid\":\"ec-p256\"}",
                payload: TokenMinter.payload(issuedAt: testTime), key: TestKeys.p256, algorithm: .es256)
            _ = try makeVerifier().verify(token, using: TestKeys.keySet, at: at)
        }
        for typ in ["JWT", "at+jwt", "token-introspection+jwt; charset=utf-8", " token-introspection+jwt", "application/jwt"] {
            let token = TokenMinter.sign(
                header: "{\"typ\":\"\(typ)\",\"alg\":\"ES256\",\"kid\":\"ec-p256\"}",
                payload: TokenMinter.payload(issuedAt: testTime), key: TestKeys.p256, algorithm: .es256)
            expectError(.wrongType, token)
        }
    }

    @Test("A weak RSA key selected by kid gives weak_key")
    func weakKeyIsRejected() {
        let token = TokenMinter.response(key: TestKeys.rsaWeak, algorithm: .rs256, issuedAt: testTime)
        expectError(.weakKey, token)
    }

    @Test("Time claims are judged at the given time with skew and max age")
    func timeClaims() {
        let future = TokenMinter.response(key: TestKeys.p256, algorithm: .es256, issuedAt: testTime + 61)
        expectError(.notYetValid, future)
        let old = TokenMinter.response(key: TestKeys.p256, algorithm: .es256, issuedAt: testTime - 361)
        expectError(.expired, old)
    }
}

