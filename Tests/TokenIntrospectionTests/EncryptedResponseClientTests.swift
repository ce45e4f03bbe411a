import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing
import TokenIntrospectionClient

/// Encrypted answers (RFC 9701 §5-6) through the client, over real sockets: the local authorization server
/// signs, then encrypts to the key the resource server registered, with its own JWE code (independent of
/// the library's decryption).
@Suite("Introspection client: encrypted responses")
struct EncryptedResponseClientTests {
    /// One key of each kind, generated once for the suite (RSA generation is slow).
    static let rsaKey = TestEncryptionKey(.rsa(bits: 2048), keyID: "rs-rsa-enc")
    static let ecKeys: [EllipticCurve: TestEncryptionKey] = [
        .p256: TestEncryptionKey(.ec(.p256), keyID: "rs-p256-enc"),
        .p384: TestEncryptionKey(.ec(.p384), keyID: "rs-p384-enc"),
        .p521: TestEncryptionKey(.ec(.p521), keyID: "rs-p521-enc"),
    ]
    static let x25519Key = TestEncryptionKey(.x25519, keyID: "rs-x25519-enc")

    /// Runs `body` against a server whose one client (``resourceServer``) registered `encryption`.
    static func withEncryptingServer<T>(
        _ encryption: LocalAuthorizationServer.ClientEncryption,
        faults: LocalAuthorizationServer.Faults = .none,
        _ body: (LocalAuthorizationServer) async throws -> T
    ) async throws -> T {
        var client = resourceServer
        client.encryption = encryption
        return try await LocalAuthorizationServer.start(client: client, faults: faults).shuttingDown(after: body)
    }

    /// A client of `server` with `decryption`.
    static func client(_ server: LocalAuthorizationServer, decryption: ResponseDecryptionOptions?) -> IntrospectionClient {
        IntrospectionClient(options: IntrospectionClientOptions(
            issuer: server.issuer, clientID: resourceServer.id, clientSecret: resourceServer.secret, timeout: .seconds(5),
            decryption: decryption))
    }

    /// The private JWK Set of `key`.
    static func keys(_ key: TestEncryptionKey) throws -> DecryptionKeySet {
        try DecryptionKeySet(json: key.privateJWKSetDocument())
    }

    /// The public-key algorithms with a key that fits each, and the content encryption to pair it with
    /// (every enc appears, every curve and X25519 too).
    static let publicKeyCases: [(KeyManagementAlgorithm, ContentEncryptionAlgorithm, String)] = [
        (.rsaOAEP, .a128CBCHS256, "RSA"), (.rsaOAEP256, .a256GCM, "RSA"), (.rsaOAEP384, .a192CBCHS384, "RSA"),
        (.rsaOAEP512, .a256CBCHS512, "RSA"), (.ecdhES, .a128GCM, "P-256"), (.ecdhES, .a256CBCHS512, "X25519"),
        (.ecdhESA128KW, .a192GCM, "P-384"), (.ecdhESA192KW, .a128CBCHS256, "P-521"), (.ecdhESA256KW, .a256GCM, "P-256"),
        (.ecdhESA256KW, .a128GCM, "X25519"),
    ]

    static func key(named name: String) -> TestEncryptionKey {
        switch name {
        case "RSA": rsaKey
        case "X25519": x25519Key
        default: ecKeys[EllipticCurve(rawValue: name)!]!
        }
    }

    @Test("An answer encrypted to the resource server's public key decrypts and verifies; encryption names alg, enc and kid",
        arguments: publicKeyCases.map { "\($0.0.rawValue) \($0.1.rawValue) \($0.2)" })
    func publicKeyEncryption(name: String) async throws {
        let (algorithm, encryption, keyName) = try #require(Self.publicKeyCases.first { "\($0.0.rawValue) \($0.1.rawValue) \($0.2)" == name })
        let key = Self.key(named: keyName)
        try await Self.withEncryptingServer(.init(algorithm: algorithm, contentEncryption: encryption, key: .publicKey(key))) { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            let response = await Self.client(server, decryption: ResponseDecryptionOptions(keys: try Self.keys(key))).introspect(token: token)
            #expect(!response.isError, "\(response.errorMessage ?? "")")
            #expect(response.isActive)
            #expect(response.hasScope("read"))
            let facts = try #require(response.jwt?.verified?.encryption)
            #expect(facts.algorithm == algorithm)
            #expect(facts.contentEncryption == encryption)
            #expect(facts.keyID == key.keyID)
            #expect(facts.decryptionKeyID == key.keyID)
            // The header and claims are the signed JWT's, as for a signed-only answer.
            #expect(response.jwtHeader?["typ"] == .string("token-introspection+jwt"))
            #expect(response.jwtHeader?["alg"] == .string("ES256"))
            #expect(response.raw.split(separator: ".", omittingEmptySubsequences: false).count == 5)
        }
    }

    /// Every algorithm keyed by the client secret, with every content encryption for `dir` (whose key
    /// size is the CEK's: SHA-384 and SHA-512 for the two larger CBC-HMAC keys).
    static let clientSecretCases: [(KeyManagementAlgorithm, ContentEncryptionAlgorithm)] =
        [KeyManagementAlgorithm.a128KW, .a192KW, .a256KW, .a128GCMKW, .a192GCMKW, .a256GCMKW].map { ($0, .a256GCM) }
        + ContentEncryptionAlgorithm.allCases.map { (.direct, $0) }

    @Test("Keys derived from the client secret (OpenID Connect §10.2) decrypt A*KW, A*GCMKW and dir answers",
        arguments: clientSecretCases.map { "\($0.0.rawValue) \($0.1.rawValue)" })
    func clientSecretEncryption(name: String) async throws {
        let (algorithm, encryption) = try #require(Self.clientSecretCases.first { "\($0.0.rawValue) \($0.1.rawValue)" == name })
        try await Self.withEncryptingServer(.init(algorithm: algorithm, contentEncryption: encryption, key: .clientSecret)) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let derived = await Self.client(server, decryption: ResponseDecryptionOptions(derivesKeysFromClientSecret: true))
                .introspect(token: token)
            #expect(!derived.isError, "\(derived.errorMessage ?? "")")
            #expect(derived.jwt?.verified?.encryption?.algorithm == algorithm)
            #expect(derived.jwt?.verified?.encryption?.keyID == nil)

            // Without the derived keys nothing fits: decryption_failed, never a success.
            let without = await Self.client(server, decryption: ResponseDecryptionOptions(keys: try Self.keys(Self.rsaKey)))
                .introspect(token: token)
            #expect(without.error?.code == .validation)
            #expect(without.error?.validationError?.code == .decryptionFailed)
            #expect(without.introspection == nil)
        }
    }

    @Test("With decryption keys, a signed-only answer is a downgrade (encryption_required); with requiresEncryption off it verifies")
    func signedOnlyAnswerIsADowngrade() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.plainJWSToEncryptingClients = true
        try await Self.withEncryptingServer(.init(algorithm: .rsaOAEP256, contentEncryption: .a256GCM, key: .publicKey(Self.rsaKey)), faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let required = await Self.client(server, decryption: ResponseDecryptionOptions(keys: try Self.keys(Self.rsaKey))).introspect(token: token)
            let error = try #require(required.error)
            #expect(error.code == .validation)
            #expect(error.validationError?.code == .encryptionRequired)
            #expect(error.isDowngrade)
            #expect(error.message.contains("downgrade"))
            #expect(required.json == nil && required.introspection == nil)
            #expect(required.raw.split(separator: ".", omittingEmptySubsequences: false).count == 3)

            let optional = await Self.client(
                server, decryption: ResponseDecryptionOptions(keys: try Self.keys(Self.rsaKey), requiresEncryption: false)
            ).introspect(token: token)
            #expect(!optional.isError, "\(optional.errorMessage ?? "")")
            #expect(optional.jwt?.verified?.encryption == nil)

            // No decryption options at all: a signed-only answer is what is expected.
            let none = await Self.client(server, decryption: nil).introspect(token: token)
            #expect(!none.isError)
        }
    }

    @Test("Without decryption options an encrypted answer fails with decryption_failed and is not a downgrade")
    func encryptedAnswerWithoutKeys() async throws {
        try await Self.withEncryptingServer(.init(algorithm: .ecdhES, contentEncryption: .a128GCM, key: .publicKey(Self.x25519Key))) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let response = await Self.client(server, decryption: nil).introspect(token: token)
            #expect(response.error?.validationError?.code == .decryptionFailed)
            #expect(response.error?.isDowngrade == false)
        }
    }

    @Test("An alg or enc outside the allowed lists fails with unsupported_encryption before any decryption")
    func allowedLists() async throws {
        try await Self.withEncryptingServer(.init(algorithm: .rsaOAEP, contentEncryption: .a128CBCHS256, key: .publicKey(Self.rsaKey))) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let keys = try Self.keys(Self.rsaKey)
            let algorithm = await Self.client(server, decryption: ResponseDecryptionOptions(
                keys: keys, allowedKeyManagementAlgorithms: [.rsaOAEP256])).introspect(token: token)
            #expect(algorithm.error?.validationError?.code == .unsupportedEncryption)
            #expect(algorithm.error?.validationError?.message.contains("RSA-OAEP") == true)
            let encryption = await Self.client(server, decryption: ResponseDecryptionOptions(
                keys: keys, allowedContentEncryptionAlgorithms: [.a256GCM])).introspect(token: token)
            #expect(encryption.error?.validationError?.code == .unsupportedEncryption)
            #expect(encryption.error?.validationError?.message.contains("A128CBC-HS256") == true)
            let both = await Self.client(server, decryption: ResponseDecryptionOptions(
                keys: keys, allowedKeyManagementAlgorithms: [.rsaOAEP], allowedContentEncryptionAlgorithms: [.a128CBCHS256])).introspect(token: token)
            #expect(!both.isError, "\(both.errorMessage ?? "")")
        }
    }

    @Test("A tampered ciphertext or a wrong cty fails; the answer's data is never reported")
    func tamperedAndMistyped() async throws {
        let registration = LocalAuthorizationServer.ClientEncryption(algorithm: .ecdhESA128KW, contentEncryption: .a256GCM, key: .publicKey(Self.ecKeys[.p256]!))
        var tampered = LocalAuthorizationServer.Faults()
        tampered.tamperCiphertext = true
        try await Self.withEncryptingServer(registration, faults: tampered) { server in
            let response = await Self.client(server, decryption: ResponseDecryptionOptions(keys: try Self.keys(Self.ecKeys[.p256]!)))
                .introspect(token: server.issueToken(claims: server.accessTokenClaims()))
            #expect(response.error?.validationError?.code == .decryptionFailed)
            #expect(response.json == nil)
        }
        var mistyped = LocalAuthorizationServer.Faults()
        mistyped.encryptedContentType = "JSON"
        try await Self.withEncryptingServer(registration, faults: mistyped) { server in
            let response = await Self.client(server, decryption: ResponseDecryptionOptions(keys: try Self.keys(Self.ecKeys[.p256]!)))
                .introspect(token: server.issueToken(claims: server.accessTokenClaims()))
            #expect(response.error?.validationError?.code == .wrongType)
            #expect(response.error?.validationError?.message.contains("cty") == true)
        }
    }

    @Test("Deriving keys from the client secret without a secret is a configuration error, before any call")
    func derivationNeedsASecret() async throws {
        try await Self.withEncryptingServer(.init(algorithm: .a256KW, contentEncryption: .a256GCM, key: .clientSecret)) { server in
            let client = IntrospectionClient(options: IntrospectionClientOptions(
                issuer: server.issuer, clientID: resourceServer.id, clientSecret: nil, authenticationMethod: .none,
                decryption: ResponseDecryptionOptions(derivesKeysFromClientSecret: true)))
            let response = await client.introspect(token: "anything")
            #expect(response.error?.code == .configuration)
            #expect(response.error?.message.contains("client secret") == true)
            #expect(server.requestCount(path: server.introspectionPath) == 0)
        }
    }
}
