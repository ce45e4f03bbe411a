import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// The command-line contract for encrypted responses (issue 13) on `introspect` and `conformance`: the
/// options of `verify` (`--decryption-keys`, `--key-management-algorithms`,
/// `--content-encryption-algorithms`, `--require-encryption`) with the same exit statuses and codes,
/// against the local authorization server encrypting with its own JWE code.
@Suite("introspection-jwt introspect and conformance: encrypted responses", .serialized)
struct EncryptedIntrospectCommandTests {
    static let rsaKey = TestEncryptionKey(.rsa(bits: 2048), keyID: "cli-rs-enc")

    /// The CLI's resource server, registered for `encryption` (nil: signed-only answers).
    static func client(_ encryption: LocalAuthorizationServer.ClientEncryption?) -> LocalAuthorizationServer.Client {
        var client = IntrospectCommandTests.client
        client.encryption = encryption
        return client
    }

    static let rsaRegistration = LocalAuthorizationServer.ClientEncryption(
        algorithm: .rsaOAEP256, contentEncryption: .a256GCM, key: .publicKey(rsaKey))

    static func withServer<T>(
        _ encryption: LocalAuthorizationServer.ClientEncryption? = rsaRegistration,
        faults: LocalAuthorizationServer.Faults = .none,
        _ body: (LocalAuthorizationServer) async throws -> T
    ) async throws -> T {
        try await LocalAuthorizationServer.start(client: client(encryption), faults: faults).shuttingDown(after: body)
    }

    /// The RSA key's private JWK Set, written into `directory`.
    static func keyFile(_ directory: TemporaryDirectory) throws -> String {
        try directory.write("rs-keys.json", rsaKey.privateJWKSetDocument())
    }

    static func introspect(_ server: LocalAuthorizationServer, _ extra: [String], token: String) async throws -> CLIRunner.Outcome {
        try await IntrospectCommandTests.run(IntrospectCommandTests.arguments(server, ["--output", "json"] + extra, token: token))
    }

    static func conformance(_ server: LocalAuthorizationServer, _ extra: [String], token: String) async throws -> CLIRunner.Outcome {
        try await IntrospectCommandTests.run(
            ["conformance", "--issuer", server.issuer, "--client-id", IntrospectCommandTests.client.id, "--active-token", token, "--output", "json"] + extra)
    }

    @Test("introspect --decryption-keys: an encrypted answer is decrypted and verified, exit 0, with encryption {alg, enc, kid}")
    func introspectDecrypts() async throws {
        let directory = try TemporaryDirectory()
        let keys = try Self.keyFile(directory)
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            let outcome = try await Self.introspect(server, ["--decryption-keys", keys, "--require-encryption"], token: token)
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let line = try #require(outcome.jsonLines.first)
            #expect(line["verified"] as? Bool == true)
            #expect(line["active"] as? Bool == true)
            #expect((line["header"] as? [String: Any])?["alg"] as? String == "ES256")
            let encryption = try #require(line["encryption"] as? [String: Any])
            #expect(encryption["alg"] as? String == "RSA-OAEP-256")
            #expect(encryption["enc"] as? String == "A256GCM")
            #expect(encryption["kid"] as? String == "cli-rs-enc")
            #expect(encryption.count == 3)

            let text = try await IntrospectCommandTests.run(IntrospectCommandTests.arguments(server, ["--decryption-keys", keys], token: token))
            #expect(text.status == 0)
            #expect(text.standardOutput.contains("encrypted RSA-OAEP-256/A256GCM for kid cli-rs-enc"))
            IntrospectCommandTests.expectNoSecret(text)

            // Without keys the encrypted answer cannot be decrypted: a failed verification, exit 1.
            let without = try await Self.introspect(server, [], token: token)
            #expect(without.status == 1)
            #expect(without.jsonLines.first?["code"] as? String == "decryption_failed")
        }
    }

    @Test("introspect --require-encryption: a signed-only answer fails with encryption_required (exit 1); without the flag it verifies")
    func introspectRequireEncryption() async throws {
        let directory = try TemporaryDirectory()
        let keys = try Self.keyFile(directory)
        try await Self.withServer(nil) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let required = try await Self.introspect(server, ["--decryption-keys", keys, "--require-encryption"], token: token)
            #expect(required.status == 1)
            #expect(required.jsonLines.first?["verified"] as? Bool == false)
            #expect(required.jsonLines.first?["code"] as? String == "encryption_required")
            let requiredWithoutKeys = try await Self.introspect(server, ["--require-encryption"], token: token)
            #expect(requiredWithoutKeys.jsonLines.first?["code"] as? String == "encryption_required")

            // As for verify: keys alone do not require encryption; the plain answer verifies, with no encryption member.
            let optional = try await Self.introspect(server, ["--decryption-keys", keys], token: token)
            #expect(optional.status == 0, "\(optional.standardError)")
            #expect(optional.jsonLines.first?["encryption"] == nil)
        }
    }

    @Test("introspect: an alg or enc outside the allowed lists fails with unsupported_encryption (exit 1)")
    func introspectAllowedLists() async throws {
        let directory = try TemporaryDirectory()
        let keys = try Self.keyFile(directory)
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            for extra in [["--key-management-algorithms", "RSA-OAEP,ECDH-ES"], ["--content-encryption-algorithms", "A128GCM"]] {
                let outcome = try await Self.introspect(server, ["--decryption-keys", keys] + extra, token: token)
                #expect(outcome.status == 1)
                #expect(outcome.jsonLines.first?["code"] as? String == "unsupported_encryption")
            }
            let allowed = try await Self.introspect(
                server, ["--decryption-keys", keys, "--key-management-algorithms", "RSA-OAEP-256", "--content-encryption-algorithms", "A256GCM"],
                token: token)
            #expect(allowed.status == 0, "\(allowed.standardError)")
        }
    }

    @Test("introspect --decrypt-with-client-secret decrypts an A256KW answer keyed by the client secret (OpenID Connect §10.2)")
    func introspectClientSecretKey() async throws {
        try await Self.withServer(.init(algorithm: .a256KW, contentEncryption: .a256GCM, key: .clientSecret)) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let outcome = try await Self.introspect(server, ["--decrypt-with-client-secret", "--require-encryption"], token: token)
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect((outcome.jsonLines.first?["encryption"] as? [String: Any])?["alg"] as? String == "A256KW")
            IntrospectCommandTests.expectNoSecret(outcome)
        }
    }

    static let unsupportedNames: [(option: String, name: String)] = [
        ("--key-management-algorithms", "RSA1_5"), ("--key-management-algorithms", "PBES2-HS256+A128KW"),
        ("--key-management-algorithms", "A128GCM"), ("--content-encryption-algorithms", "RSA-OAEP"),
        ("--content-encryption-algorithms", "A128CTR"),
    ]

    @Test("An unsupported name in either list is a usage error (exit 2) for introspect and conformance, before any call",
        arguments: unsupportedNames)
    func unsupportedNameExitsTwo(option: String, name: String) async throws {
        try await Self.withServer { server in
            let introspect = try await Self.introspect(server, [option, name], token: "t")
            #expect(introspect.status == 2)
            #expect(introspect.standardError.contains(option))
            #expect(introspect.jsonLines.isEmpty)
            let conformance = try await Self.conformance(server, [option, name], token: "t")
            #expect(conformance.status == 2)
            #expect(conformance.standardError.contains(option))
            #expect(conformance.jsonLines.isEmpty)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("An unusable --decryption-keys file: exit 2, decryption_keys_unavailable on stderr, no line and no call",
        arguments: EncryptedResponseCommandTests.unusableKeyFiles.map(\.name))
    func unusableKeyFileExitsTwo(name: String) async throws {
        let contents = EncryptedResponseCommandTests.unusableKeyFiles.first { $0.name == name }!.contents
        let directory = try TemporaryDirectory()
        let good = try Self.keyFile(directory)
        let bad = try contents.map { try directory.write("bad-keys", $0) } ?? directory.url.appendingPathComponent("absent").path
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            for run in [Self.introspect, Self.conformance] {
                let outcome = try await run(server, ["--decryption-keys", good, "--decryption-keys", bad], token)
                #expect(outcome.status == 2)
                #expect(outcome.standardError.contains("decryption_keys_unavailable"))
                #expect(outcome.standardError.contains(bad))
                for line in outcome.jsonLines { #expect(line["error"] as? String == "decryption_keys_unavailable") }
            }
            #expect(server.requestCount(path: server.introspectionPath) == 0)
        }
    }

    @Test("--require-encryption with --format json is a usage error: a JSON answer is never encrypted")
    func requireEncryptionNeedsJWT() async throws {
        try await Self.withServer { server in
            let outcome = try await Self.introspect(server, ["--format", "json", "--require-encryption"], token: "t")
            #expect(outcome.status == 2)
            #expect(outcome.standardError.contains("--require-encryption"))
        }
    }

    @Test("conformance --decryption-keys: a clean encrypting server passes every check; a plain JWS fails jwe.encrypted (exit 1)")
    func conformanceWithKeys() async throws {
        let directory = try TemporaryDirectory()
        let keys = try Self.keyFile(directory)
        try await Self.withServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let clean = try await Self.conformance(server, ["--decryption-keys", keys], token: token)
            #expect(clean.status == 0, "\(clean.standardOutput)")
            let checks = try #require(clean.jsonLines.first?["checks"] as? [[String: Any]])
            // Every check passes but the replay of a private_key_jwt assertion (the run authenticates with Basic).
            #expect(checks.filter { $0["outcome"] as? String != "pass" }.compactMap { $0["id"] as? String } == ["auth.assertion_replay"])
            #expect(checks.first { $0["id"] as? String == "jwe.decrypts" }?["outcome"] as? String == "pass")
        }
        var faults = LocalAuthorizationServer.Faults()
        faults.plainJWSToEncryptingClients = true
        try await Self.withServer(faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let plain = try await Self.conformance(server, ["--decryption-keys", keys], token: token)
            #expect(plain.status == 1)
            let checks = try #require(plain.jsonLines.first?["checks"] as? [[String: Any]])
            #expect(checks.filter { $0["outcome"] as? String == "fail" }.compactMap { $0["id"] as? String } == ["jwe.encrypted"])
        }
    }

    @Test("conformance --decrypt-with-client-secret checks an answer keyed by the client secret; --require-encryption alone flags a plain JWS")
    func conformanceClientSecretAndRequirement() async throws {
        try await Self.withServer(.init(algorithm: .direct, contentEncryption: .a128CBCHS256, key: .clientSecret)) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let outcome = try await Self.conformance(server, ["--decrypt-with-client-secret"], token: token)
            #expect(outcome.status == 0, "\(outcome.standardOutput)")
            IntrospectCommandTests.expectNoSecret(outcome)
        }
        try await Self.withServer(nil) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let outcome = try await Self.conformance(server, ["--require-encryption"], token: token)
            #expect(outcome.status == 1)
            let checks = try #require(outcome.jsonLines.first?["checks"] as? [[String: Any]])
            #expect(checks.filter { $0["outcome"] as? String == "fail" }.compactMap { $0["id"] as? String } == ["jwe.encrypted"])
        }
    }
}
