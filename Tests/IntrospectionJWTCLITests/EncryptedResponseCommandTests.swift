import Foundation
import IntrospectionJWT
import Testing

/// The command-line contract for encrypted responses (issue 13) on `verify` and `audit`, with the
/// generated encrypted vectors (TestVectors/introspection-jwe) as fixtures.
@Suite("introspection-jwt verify and audit: encrypted responses")
struct EncryptedResponseCommandTests {
    /// A generated encrypted case by id.
    static func vector(_ id: String) throws -> VectorCase {
        try #require(VectorCase.encrypted.first { $0.id == id }, "no vector \(id)")
    }

    /// The files of a case, written into `directory`: the JWK Set, the first decryption key file, the token.
    struct Files {
        let jwks: String
        let decryptionKeys: String
        let token: String
    }

    static func write(_ vector: VectorCase, into directory: TemporaryDirectory) throws -> Files {
        guard case .contents(let keys)? = vector.decryptionKeyFiles.first else { throw CancellationError() }
        return Files(
            jwks: try directory.write("jwks.json", vector.jwksText), decryptionKeys: try directory.write("keys.json", keys),
            token: try directory.write("\(vector.id).jwt", vector.token + "\n"))
    }

    static func verifyArguments(_ vector: VectorCase, _ files: Files) -> [String] {
        ["verify", "--jwks", files.jwks, "--issuer", vector.issuer, "--audience", vector.audiences[0],
         "--at", secondsArgument(vector.at), "--output", "json"]
    }

    static let unsupportedNames: [(option: String, name: String)] = [
        ("--key-management-algorithms", "RSA1_5"), ("--key-management-algorithms", "PBES2-HS256+A128KW"),
        ("--key-management-algorithms", "A128GCM"), ("--key-management-algorithms", "rsa-oaep"),
        ("--key-management-algorithms", "RSA-OAEP,"), ("--content-encryption-algorithms", "RSA-OAEP"),
        ("--content-encryption-algorithms", "A128CTR"), ("--content-encryption-algorithms", "A256GCM,,A128GCM"),
    ]

    @Test("An unsupported name in either list is a usage error (exit 2) for verify and audit", arguments: unsupportedNames)
    func unsupportedNameExitsTwo(option: String, name: String) async throws {
        let directory = try TemporaryDirectory()
        let vector = try Self.vector("valid-rsa-oaep-256-a256gcm")
        let files = try Self.write(vector, into: directory)
        let verify = try await CLIRunner.run(Self.verifyArguments(vector, files) + [option, name, files.token])
        #expect(verify.status == 2)
        #expect(verify.standardError.contains(option))
        #expect(verify.jsonLines.isEmpty)
        let records = try directory.write("records.jsonl", "")
        let audit = try await CLIRunner.run(["audit", "--keys", files.jwks, "--issuer", vector.issuer, "--audience", vector.audiences[0], option, name, records])
        #expect(audit.status == 2)
        #expect(audit.standardError.contains(option))
    }

    static let unusableKeyFiles: [(name: String, contents: String?)] = [
        ("missing", nil), ("not a key file", "hello"), ("a JSON array", "[]"), ("no keys member", "{\"kty\":\"oct\"}"),
        ("no usable key", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}"), ("an empty set", "{\"keys\":[]}"),
        ("a PEM public key", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEA3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=\n-----END PUBLIC KEY-----\n"),
    ]

    @Test("An unusable --decryption-keys file: exit 2, a message on stderr, every line decryption_keys_unavailable",
        arguments: unusableKeyFiles.map(\.name))
    func unusableKeyFileExitsTwo(name: String) async throws {
        let contents = Self.unusableKeyFiles.first { $0.name == name }!.contents
        let directory = try TemporaryDirectory()
        let vector = try Self.vector("valid-rsa-oaep-256-a256gcm")
        let files = try Self.write(vector, into: directory)
        let bad = try contents.map { try directory.write("bad-keys", $0) } ?? directory.url.appendingPathComponent("absent").path
        let plain = try directory.write("plain.jwt", try Self.vector("plain-jws-without-requirement").token + "\n")
        // A good file first and the bad one second: one bad file is enough.
        let verify = try await CLIRunner.run(
            Self.verifyArguments(vector, files) + ["--decryption-keys", files.decryptionKeys, "--decryption-keys", bad, files.token, plain])
        #expect(verify.status == 2)
        #expect(verify.standardError.contains(bad))
        #expect(verify.jsonLines.count == 2)
        for line in verify.jsonLines { #expect(line["error"] as? String == "decryption_keys_unavailable") }

        let records = try directory.write("records.jsonl", "{\"id\":1,\"received_at\":\(Int(vector.at)),\"response\":\"\(vector.token)\"}\n")
        let audit = try await CLIRunner.run(
            ["audit", "--keys", files.jwks, "--issuer", vector.issuer, "--audience", vector.audiences[0], "--decryption-keys", bad, records])
        #expect(audit.status == 2)
        #expect(!audit.standardError.isEmpty)
        for line in audit.jsonLines where line["error"] != nil { #expect(line["error"] as? String == "decryption_keys_unavailable") }
    }

    @Test("--require-encryption: a signed-only input fails with encryption_required, an encrypted one passes")
    func requireEncryption() async throws {
        let directory = try TemporaryDirectory()
        let vector = try Self.vector("valid-rsa-oaep-256-a256gcm")
        let files = try Self.write(vector, into: directory)
        let plain = try directory.write("plain.jwt", try Self.vector("plain-jws-without-requirement").token + "\n")
        let broken = try directory.write("broken.jwt", "a.b.c\n")
        let outcome = try await CLIRunner.run(
            Self.verifyArguments(vector, files) + ["--decryption-keys", files.decryptionKeys, "--require-encryption", files.token, plain, broken])
        #expect(outcome.status == 1)
        #expect(outcome.jsonLines.map { $0["valid"] as? Bool } == [true, false, false])
        #expect(outcome.jsonLines.map { $0["error"] as? String } == [nil, "encryption_required", "encryption_required"])
        let without = try await CLIRunner.run(Self.verifyArguments(vector, files) + ["--decryption-keys", files.decryptionKeys, plain])
        #expect(without.status == 0)
        #expect(without.jsonLines.first?["encryption"] == nil)
    }

    @Test("A valid encrypted line carries encryption {alg, enc, kid}; alg and kid stay the inner JWS's")
    func encryptionMemberInJSONLines() async throws {
        let directory = try TemporaryDirectory()
        let withKid = try Self.vector("valid-ecdh-es-a256kw-a128cbc-hs256")
        let files = try Self.write(withKid, into: directory)
        let outcome = try await CLIRunner.run(Self.verifyArguments(withKid, files) + ["--decryption-keys", files.decryptionKeys, files.token])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let line = try #require(outcome.jsonLines.first)
        #expect(line["alg"] as? String == "RS256")
        #expect(line["kid"] as? String == "rsa-2048")
        let encryption = try #require(line["encryption"] as? [String: Any])
        #expect(encryption["alg"] as? String == "ECDH-ES+A256KW")
        #expect(encryption["enc"] as? String == "A128CBC-HS256")
        #expect(encryption["kid"] as? String == "ec-p256-enc")
        #expect(encryption.count == 3)

        let noKid = try Self.vector("valid-rsa-pem-file")
        let pemDirectory = try TemporaryDirectory()
        let pemFiles = try Self.write(noKid, into: pemDirectory)
        let pemOutcome = try await CLIRunner.run(Self.verifyArguments(noKid, pemFiles) + ["--decryption-keys", pemFiles.decryptionKeys, pemFiles.token])
        #expect(pemOutcome.status == 0, "\(pemOutcome.standardError)")
        let pemEncryption = try #require(pemOutcome.jsonLines.first?["encryption"] as? [String: Any])
        #expect(pemEncryption["kid"] is NSNull)

        let text = try await CLIRunner.run(
            Array(Self.verifyArguments(withKid, files).dropLast(2)) + ["--decryption-keys", files.decryptionKeys, files.token])
        #expect(text.standardOutput.contains("valid (alg RS256, kid rsa-2048, encrypted ECDH-ES+A256KW/A128CBC-HS256 for kid ec-p256-enc"))
    }

    @Test("audit re-verifies stored encrypted responses with --decryption-keys, and its lines carry encryption")
    func auditDecryptsStoredResponses() async throws {
        let directory = try TemporaryDirectory()
        let vector = try Self.vector("valid-a256gcmkw-a256gcm")
        let files = try Self.write(vector, into: directory)
        let tampered = try Self.vector("decryption-failed-tag-modified")
        let plain = try Self.vector("plain-jws-without-requirement")
        let records = try directory.write("records.jsonl", [vector, tampered, plain].enumerated().map { index, item in
            "{\"id\":\(index),\"received_at\":\(Int(item.at)),\"response\":\"\(item.token)\"}"
        }.joined(separator: "\n") + "\n")
        let rsaKeys = try directory.write("rsa.json", { if case .contents(let text) = tampered.decryptionKeyFiles[0] { text } else { "" } }())
        let outcome = try await CLIRunner.run(
            ["audit", "--keys", files.jwks, "--issuer", vector.issuer, "--audience", vector.audiences[0],
             "--decryption-keys", files.decryptionKeys, "--decryption-keys", rsaKeys, "--output", "json", records])
        #expect(outcome.status == 1)
        let lines = outcome.jsonLines.filter { $0["id"] != nil }
        #expect(lines.map { $0["error"] as? String } == [nil, "decryption_failed", nil])
        let encryption = try #require(lines.first?["encryption"] as? [String: Any])
        #expect(encryption["alg"] as? String == "A256GCMKW" && encryption["enc"] as? String == "A256GCM")
        #expect(lines.last?["encryption"] == nil)

        let required = try await CLIRunner.run(
            ["audit", "--keys", files.jwks, "--issuer", vector.issuer, "--audience", vector.audiences[0],
             "--decryption-keys", files.decryptionKeys, "--require-encryption", records])
        #expect(required.jsonLines.filter { $0["id"] != nil }.map { $0["error"] as? String } == [nil, "decryption_failed", "encryption_required"])
    }
}
