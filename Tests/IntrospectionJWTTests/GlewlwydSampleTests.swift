import Foundation
import IntrospectionJWT
import Testing

/// Real RFC 9701 responses signed by glewlwyd 2.7.5, an independent implementation with its own JOSE
/// library (TestVectors/glewlwyd; made by Scripts/glewlwyd-interop.sh).
@Suite("glewlwyd samples")
struct GlewlwydSampleTests {
    static let issuer = "http://127.0.0.1:39255/api/oidc"
    /// glewlwyd puts the token's scope in `aud` (see docs/interop.md).
    static let audience = "rs"
    static let receivedAt = Date(timeIntervalSince1970: 1_795_281_450)

    func verify(_ file: String) async throws(IntrospectionJWTError) -> VerifiedIntrospectionResponse {
        let keys = try JWKSet(jsonBytes: try! TestVectorFiles.data("glewlwyd/jwks.json"))
        let token = String(decoding: try! TestVectorFiles.data("glewlwyd/\(file)"), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let verifier = IntrospectionResponseVerifier(
            policy: VerificationPolicy(issuer: Self.issuer, audience: Self.audience), keys: keys)
        return try await verifier.verify(token, at: Self.receivedAt)
    }

    @Test("glewlwyd's RS256 and ES256 responses verify", arguments: [("response-rs256.jwt", "RS256", "rsa-1"), ("response-es256.jwt", "ES256", "ec-1")])
    func responsesVerify(file: String, algorithm: String, keyID: String) async throws {
        let response = try await verify(file)
        #expect(response.header.algorithm.rawValue == algorithm)
        #expect(response.header.keyID == keyID)
        #expect(response.introspection.isActive)
    }

    @Test("glewlwyd's flat application/jwt answer lacks token_introspection and is refused")
    func flatJWTIsRefused() async {
        await #expect { try await verify("negative-application-jwt.jwt") } throws: {
            ($0 as? IntrospectionJWTError)?.code == .missingClaim
        }
    }

    @Test("An access token signed by the same key never passes as an introspection response")
    func accessTokenIsRefused() async {
        await #expect { try await verify("negative-access-token-rs256.jwt") } throws: {
            ($0 as? IntrospectionJWTError)?.code == .wrongType
        }
    }
}
