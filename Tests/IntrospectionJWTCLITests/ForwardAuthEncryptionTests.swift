import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `forward-auth` with the decryption options of the other commands (issue 13): an encrypted answer from
/// the local authorization server is decrypted with `--decryption-keys`, verified, and passed on.
@Suite("introspection-jwt forward-auth: encrypted answers", .serialized)
struct ForwardAuthEncryptionTests {
    static let key = TestEncryptionKey(.ec(.p256), keyID: "fa-rs-enc")

    static func client(encrypting: Bool) -> LocalAuthorizationServer.Client {
        var client = ForwardAuthProcess.client
        if encrypting {
            client.encryption = .init(algorithm: .ecdhESA256KW, contentEncryption: .a256GCM, key: .publicKey(key))
        }
        return client
    }

    @Test("--decryption-keys: an encrypted answer is decrypted and verified; 200 with X-Introspection-JWT the signed JWT inside; the audit log keeps the JWE")
    func encryptedAnswer() async throws {
        let scratch = try TemporaryDirectory()
        let keys = try scratch.write("rs-keys.json", Self.key.privateJWKSetDocument())
        let records = scratch.url.appendingPathComponent("audit.jsonl").path
        try await LocalAuthorizationServer.start(client: Self.client(encrypting: true)).shuttingDown { server in
            let token = server.issueToken(claims: server.accessTokenClaims(subject: "enc-user", scope: "read"))
            try await ForwardAuthProcess.with(server, [
                "--decryption-keys", keys, "--require-encryption", "--key-management-algorithms", "ECDH-ES+A256KW,RSA-OAEP-256",
                "--content-encryption-algorithms", "A256GCM", "--audit-log", records,
            ]) { forwardAuth in
                let answer = try await forwardAuth.send(token: token)
                #expect(answer.status == 200, "\(forwardAuth.standardError)")
                #expect(answer.header("X-Auth-Subject") == "enc-user")
                let jwt = try #require(answer.header("X-Introspection-JWT"))
                #expect(jwt.split(separator: ".", omittingEmptySubsequences: false).count == 3)
                // Verifiable with the issuer's public keys alone.
                let verified = try await IntrospectionResponseVerifier(
                    policy: VerificationPolicy(issuer: server.issuer, audience: ForwardAuthProcess.client.id),
                    keys: try JWKSet(json: server.jwksDocument)
                ).verify(jwt)
                #expect(verified.introspection.subject == "enc-user")
                #expect(verified.encryption == nil)
            }
            let record = try String(contentsOfFile: records, encoding: .utf8)
            let response = try #require((try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])?["response"] as? String)
            #expect(response.split(separator: ".", omittingEmptySubsequences: false).count == 5)
        }
    }

    @Test("Without the keys an encrypted answer is 502; --require-encryption turns a signed-only answer into 502 (a downgrade)")
    func withoutKeysOrEncryption() async throws {
        let scratch = try TemporaryDirectory()
        let keys = try scratch.write("rs-keys.json", Self.key.privateJWKSetDocument())
        try await LocalAuthorizationServer.start(client: Self.client(encrypting: true)).shuttingDown { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server) { forwardAuth in
                let status = try await forwardAuth.send(token: token).status
                #expect(status == 502)
            }
        }
        try await LocalAuthorizationServer.start(client: Self.client(encrypting: false)).shuttingDown { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            try await ForwardAuthProcess.with(server, ["--decryption-keys", keys, "--require-encryption"]) { forwardAuth in
                let status = try await forwardAuth.send(token: token).status
                #expect(status == 502)
            }
            // Keys alone do not require encryption (as for verify and introspect).
            try await ForwardAuthProcess.with(server, ["--decryption-keys", keys]) { forwardAuth in
                let answer = try await forwardAuth.send(token: token)
                #expect(answer.status == 200)
            }
        }
    }
}
