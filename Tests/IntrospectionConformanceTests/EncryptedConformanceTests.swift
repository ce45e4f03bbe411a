import Foundation
import IntrospectionConformance
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// The checks of encrypted answers (RFC 9701 §5-6) against the local authorization server, for a resource
/// server that registered encryption: a clean encrypting server passes every check, and each injected
/// fault is flagged by the check meant for it and by no other.
@Suite("Conformance checker: encrypted answers")
struct EncryptedConformanceTests {
    static let rsaKey = TestEncryptionKey(.rsa(bits: 2048), keyID: "rs-enc-1")
    static let x25519Key = TestEncryptionKey(.x25519, keyID: "rs-enc-x")

    /// The resource server of ``ConformanceCheckerTests``, registered for `encryption`.
    static func client(_ encryption: LocalAuthorizationServer.ClientEncryption) -> LocalAuthorizationServer.Client {
        var client = ConformanceCheckerTests.client
        client.encryption = encryption
        return client
    }

    static let rsaRegistration = LocalAuthorizationServer.ClientEncryption(
        algorithm: .rsaOAEP256, contentEncryption: .a256GCM, key: .publicKey(rsaKey))

    /// A run against a server whose client registered `encryption`, the checker holding `keys` (the RSA
    /// key's private half by default).
    static func check(
        _ encryption: LocalAuthorizationServer.ClientEncryption = rsaRegistration,
        keys: DecryptionKeySet? = nil,
        faults: (inout LocalAuthorizationServer.Faults) -> Void = { _ in },
        configure: (inout ConformanceChecker.Configuration) -> Void = { _ in }
    ) async throws -> ConformanceReport {
        let keys = try keys ?? DecryptionKeySet(json: rsaKey.privateJWKSetDocument())
        return try await ConformanceCheckerTests.check(faults: ConformanceCheckerTests.faults(faults), client: client(encryption)) { configuration, _ in
            configuration.decryptionKeys = keys
            configure(&configuration)
        }
    }

    static func registrations() throws -> [(String, LocalAuthorizationServer.ClientEncryption, DecryptionKeySet)] {
        [
            ("RSA-OAEP-256/A256GCM", rsaRegistration, try DecryptionKeySet(json: rsaKey.privateJWKSetDocument())),
            ("ECDH-ES/A128CBC-HS256 X25519", .init(algorithm: .ecdhES, key: .publicKey(x25519Key)),
             try DecryptionKeySet(json: x25519Key.privateJWKSetDocument())),
            ("A256KW/A256GCM from the client secret", .init(algorithm: .a256KW, contentEncryption: .a256GCM, key: .clientSecret),
             try DecryptionKeySet(clientSecret: ConformanceCheckerTests.client.secret)),
            ("dir/A128GCM from the client secret", .init(algorithm: .direct, contentEncryption: .a128GCM, key: .clientSecret),
             try DecryptionKeySet(clientSecret: ConformanceCheckerTests.client.secret)),
        ]
    }

    @Test("A conforming encrypting server passes every check, none skipped but the private_key_jwt replay check", arguments: ["RSA-OAEP-256/A256GCM", "ECDH-ES/A128CBC-HS256 X25519",
        "A256KW/A256GCM from the client secret", "dir/A128GCM from the client secret"])
    func cleanEncryptingServer(name: String) async throws {
        let (_, registration, keys) = try #require(try Self.registrations().first { $0.0 == name })
        let report = try await Self.check(registration, keys: keys)
        ConformanceCheckerTests.expectFailures(report, [])
        #expect(report.ids(with: .skip) == ["auth.assertion_replay"], "\(report.text)")
        #expect(report["jwe.decrypts"]?.reason.contains("\(registration.algorithm)/\(registration.contentEncryption)") == true)
        #expect(report["jwt.compact"]?.reason.contains("decrypted") == true)
        #expect(report["inactive.status"]?.reason.contains("JWE") == true)
    }

    @Test("A plain JWS to a client that registered encryption fails jwe.encrypted only; the jwt.* checks run on it")
    func plainJWSToAnEncryptingClient() async throws {
        let report = try await Self.check(faults: { $0.plainJWSToEncryptingClients = true })
        ConformanceCheckerTests.expectFailures(report, ["jwe.encrypted"])
        #expect(report["jwe.encrypted"]?.reason.contains("plain JWS") == true)
        #expect(report.ids(with: .skip) == ["jwe.cty", "jwe.alg", "jwe.enc", "jwe.decrypts", "auth.assertion_replay"])
        #expect(report["jwt.signature"]?.outcome == .pass)
        #expect(!report.allMustsPass)
    }

    @Test("A wrong or missing cty fails jwe.cty only", arguments: [String?.some("JSON"), String?.some("jwt+json"), String?.none])
    func wrongContentType(type: String?) async throws {
        let report = try await Self.check(faults: { $0.encryptedContentType = .some(type) })
        ConformanceCheckerTests.expectFailures(report, ["jwe.cty"])
        #expect(report["jwt.signature"]?.outcome == .pass)
    }

    @Test("cty in another letter case with the application/ prefix passes, as the verifier's rule says")
    func contentTypeVariant() async throws {
        let report = try await Self.check(faults: { $0.encryptedContentType = "application/jwt" })
        ConformanceCheckerTests.expectFailures(report, [])
    }

    @Test("An alg that the metadata does not advertise fails jwe.alg only")
    func algorithmNotAdvertised() async throws {
        let report = try await Self.check(faults: { $0.advertisedEncryptionAlgorithms = ["RSA-OAEP", "ECDH-ES"] })
        ConformanceCheckerTests.expectFailures(report, ["jwe.alg"])
        #expect(report["jwe.alg"]?.reason.contains("RSA-OAEP-256") == true)
    }

    @Test("An enc that the metadata does not advertise fails jwe.enc only")
    func contentEncryptionNotAdvertised() async throws {
        let report = try await Self.check(faults: { $0.advertisedContentEncryptionAlgorithms = ["A128CBC-HS256"] })
        ConformanceCheckerTests.expectFailures(report, ["jwe.enc"])
        #expect(report["jwe.enc"]?.reason.contains("A256GCM") == true)
    }

    @Test("Without published encryption lists jwe.alg and jwe.enc are skipped, and RSA1_5 is not advertised")
    func listsNotPublished() async throws {
        let report = try await Self.check(faults: {
            $0.advertisedEncryptionAlgorithms = .some(nil)
            $0.advertisedContentEncryptionAlgorithms = .some(nil)
        })
        ConformanceCheckerTests.expectFailures(report, [])
        #expect(report.ids(with: .skip) == ["jwe.alg", "jwe.enc", "auth.assertion_replay"])
        #expect(report["metadata.no_rsa1_5"]?.outcome == .pass)
    }

    @Test("Metadata advertising RSA1_5 fails the SHOULD NOT metadata.no_rsa1_5 only, with or without decryption keys")
    func rsa15Advertised() async throws {
        let names = ["RSA1_5", "RSA-OAEP-256", "ECDH-ES"]
        let report = try await Self.check(faults: { $0.advertisedEncryptionAlgorithms = .some(names) })
        ConformanceCheckerTests.expectFailures(report, ["metadata.no_rsa1_5"])
        #expect(report["metadata.no_rsa1_5"]?.level == .shouldNot)
        #expect(report.allMustsPass)
        let signedOnly = try await ConformanceCheckerTests.check(faults: ConformanceCheckerTests.faults { $0.advertisedEncryptionAlgorithms = .some(names) })
        ConformanceCheckerTests.expectFailures(signedOnly, ["metadata.no_rsa1_5"])
    }

    @Test("A ciphertext that does not decrypt fails jwe.decrypts only, and the checks of the content are skipped")
    func tamperedCiphertext() async throws {
        let report = try await Self.check(faults: { $0.tamperCiphertext = true })
        ConformanceCheckerTests.expectFailures(report, ["jwe.decrypts"])
        #expect(report["jwe.decrypts"]?.reason.hasPrefix("decryption_failed") == true)
        #expect(report["jwt.compact"]?.outcome == .skip)
        #expect(report["jwt.signature"]?.outcome == .skip)
        #expect(report["inactive.status"]?.outcome == .skip)
    }

    @Test("Keys that do not fit the answer fail jwe.decrypts; so does an alg outside the allowed list (unsupported_encryption)")
    func keysAndAllowedLists() async throws {
        let otherKeys = try DecryptionKeySet(json: Self.x25519Key.privateJWKSetDocument())
        let wrongKeys = try await Self.check(keys: otherKeys)
        ConformanceCheckerTests.expectFailures(wrongKeys, ["jwe.decrypts"])
        #expect(wrongKeys["jwe.decrypts"]?.reason.contains("rs-enc-1") == true)

        let notAllowed = try await Self.check(configure: { $0.allowedKeyManagementAlgorithms = [.ecdhES] })
        ConformanceCheckerTests.expectFailures(notAllowed, ["jwe.decrypts"])
        #expect(notAllowed["jwe.decrypts"]?.reason.hasPrefix("unsupported_encryption") == true)
    }

    @Test("Without decryption keys an encrypted answer fails jwt.compact, saying that it is encrypted")
    func encryptedAnswerWithoutKeys() async throws {
        let report = try await ConformanceCheckerTests.check(client: Self.client(Self.rsaRegistration))
        ConformanceCheckerTests.expectFailures(report, ["jwt.compact"])
        #expect(report["jwt.compact"]?.reason.contains("encrypted") == true)
        #expect(report["jwe.encrypted"]?.outcome == .skip)
    }
}
