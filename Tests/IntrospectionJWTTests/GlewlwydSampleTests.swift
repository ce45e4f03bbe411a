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

/// Real encrypted RFC 9701 answers of glewlwyd 2.7.5 (TestVectors/glewlwyd/encrypted; made by step 7 of
/// Scripts/glewlwyd-interop.sh), with the throw-away decryption keys of that run.
@Suite("glewlwyd encrypted samples")
struct GlewlwydEncryptedSampleTests {
    static let issuer = "http://127.0.0.1:34007/api/oidc"
    static let receivedAt = Date(timeIntervalSince1970: 1_795_945_800)

    func verify(_ name: String, decryptionKeys: DecryptionKeySet) throws(IntrospectionJWTError) -> VerifiedIntrospectionResponse {
        let keys = try JWKSet(jsonBytes: try! TestVectorFiles.data("glewlwyd/encrypted/jwks.json"))
        let token = String(decoding: try! TestVectorFiles.data("glewlwyd/encrypted/response-\(name).jwt"), as: UTF8.self)
        let verifier = IntrospectionResponseVerifier(
            policy: VerificationPolicy(issuer: Self.issuer, audiences: ["rs"], requiresEncryption: true), keys: keys,
            decryptionKeys: decryptionKeys)
        return try verifier.verify(token, using: keys, at: Self.receivedAt)
    }

    static func keys(_ file: String) -> DecryptionKeySet {
        try! DecryptionKeySet(jsonBytes: try! TestVectorFiles.data("glewlwyd/encrypted/\(file)"))
    }

    @Test("glewlwyd's answers encrypted to the RS's RSA and P-256 keys decrypt and verify", arguments: [
        ("jwe-rsa-oaep-256", "RSA-OAEP-256", "A256GCM", "rs-rsa.private.jwks", "RS256"),
        ("jwe-rsa-oaep", "RSA-OAEP", "A128CBC-HS256", "rs-rsa.private.jwks", "RS256"),
        ("jwe-ecdh-es-a256kw", "ECDH-ES+A256KW", "A256GCM", "rs-ec.private.jwks", "ES256"),
        ("jwe-ecdh-es", "ECDH-ES", "A128GCM", "rs-ec.private.jwks", "RS256"),
    ])
    func publicKeyAnswers(name: String, algorithm: String, encryption: String, keyFile: String, signature: String) throws {
        let response = try verify(name, decryptionKeys: Self.keys(keyFile))
        #expect(response.encryption?.algorithm.rawValue == algorithm)
        #expect(response.encryption?.contentEncryption.rawValue == encryption)
        #expect(response.header.algorithm.rawValue == signature)
        #expect(response.introspection.clientID == name)
        #expect(response.introspection.isActive)
    }

    @Test("glewlwyd's A256KW answer decrypts with the key OpenID Connect §10.2 derives from the client secret, and only with it")
    func clientSecretAnswer() throws {
        let response = try verify("jwe-a256kw", decryptionKeys: try DecryptionKeySet(clientSecret: "secret-jwe-a256kw"))
        #expect(response.encryption?.algorithm == .a256KW)
        #expect(response.encryption?.keyID == nil)
        #expect { try verify("jwe-a256kw", decryptionKeys: try DecryptionKeySet(clientSecret: "secret-jwe-a256kw-wrong")) } throws: {
            ($0 as? IntrospectionJWTError)?.code == .decryptionFailed
        }
    }

    @Test("glewlwyd's answer to the client registered for dir is a plain JWS: encryption_required")
    func directAnswerIsNotEncrypted() {
        #expect { try verify("jwe-dir", decryptionKeys: try DecryptionKeySet(clientSecret: "secret-jwe-dir")) } throws: {
            ($0 as? IntrospectionJWTError)?.code == .encryptionRequired
        }
    }
}
