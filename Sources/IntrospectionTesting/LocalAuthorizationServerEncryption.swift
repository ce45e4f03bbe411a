public import IntrospectionJWT

extension LocalAuthorizationServer {
    /// What a client registered for encrypted responses (RFC 9701 §6: `introspection_encrypted_response_alg`
    /// and `_enc`, and its key).
    public struct ClientEncryption: Sendable {
        /// The key the server encrypts to.
        public enum Key: Sendable {
            /// The client's public key (RSA for RSA-OAEP; EC or X25519 for ECDH-ES); its `kid`, when it
            /// has one, goes into the JWE header.
            case publicKey(TestEncryptionKey)
            /// A key derived from the client secret as OpenID Connect Core 1.0 §10.2 says (A*KW, A*GCMKW,
            /// `dir`); the JWE header then has no `kid`.
            case clientSecret
        }

        /// `introspection_encrypted_response_alg`.
        public var algorithm: KeyManagementAlgorithm
        /// `introspection_encrypted_response_enc` (RFC 9701 §6: `A128CBC-HS256` by default).
        public var contentEncryption: ContentEncryptionAlgorithm
        /// The key.
        public var key: Key

        /// Makes a registration.
        public init(algorithm: KeyManagementAlgorithm, contentEncryption: ContentEncryptionAlgorithm = .a128CBCHS256, key: Key) {
            self.algorithm = algorithm
            self.contentEncryption = contentEncryption
            self.key = key
        }
    }

    /// `introspection_encryption_alg_values_supported` of a conforming server: every algorithm it
    /// encrypts with (RSA1_5 and PBES2 never).
    static let encryptionAlgorithms = KeyManagementAlgorithm.allCases.map(\.rawValue)
    /// `introspection_encryption_enc_values_supported` of a conforming server.
    static let contentEncryptionAlgorithms = ContentEncryptionAlgorithm.allCases.map(\.rawValue)

    /// The metadata members about encryption (RFC 9701 §7), with the faults applied.
    func encryptionMetadata(_ faults: Faults) -> [JSONObject.Member] {
        var members: [JSONObject.Member] = []
        for (name, fault, standard) in [
            ("introspection_encryption_alg_values_supported", faults.advertisedEncryptionAlgorithms, Self.encryptionAlgorithms),
            ("introspection_encryption_enc_values_supported", faults.advertisedContentEncryptionAlgorithms, Self.contentEncryptionAlgorithms),
        ] {
            let names: [String]? = switch fault {
            case .none: standard
            case .some(let names): names
            }
            if let names { members.append(.init(name: name, value: .array(names.map(JSONValue.string)))) }
        }
        return members
    }

    /// The signed answer `jws`, encrypted for `client` when it registered encryption (RFC 9701 §5: a
    /// nested JWT, `cty: JWT`), with the faults applied.
    func encryptedIfRegistered(_ jws: String, for client: Client?, faults: Faults) -> String {
        guard let client, let encryption = client.encryption, !faults.plainJWSToEncryptingClients else { return jws }
        var header: [JSONObject.Member] = [.init(name: "typ", value: .string("token-introspection+jwt"))]
        switch faults.encryptedContentType {
        case .none: header.append(.init(name: "cty", value: .string("JWT")))
        case .some(.some(let type)): header.append(.init(name: "cty", value: .string(type)))
        case .some(.none): break
        }
        let recipient: TestJWEEncryptor.Recipient
        switch encryption.key {
        case .publicKey(let key):
            if let keyID = key.keyID { header.append(.init(name: "kid", value: .string(keyID))) }
            recipient = .publicKey(key)
        case .clientSecret:
            let byteCount = TestJWEEncryptor.symmetricKeyByteCount(encryption.algorithm, encryption.contentEncryption) ?? 32
            recipient = .symmetric(TestJWEEncryptor.clientSecretKey(client.secret, byteCount: byteCount))
        }
        let jwe: String
        do {
            jwe = try TestJWEEncryptor.encrypt(
                Array(jws.utf8), algorithm: encryption.algorithm, contentEncryption: encryption.contentEncryption,
                recipient: recipient, headerMembers: header)
        } catch {
            fatalError("the local authorization server cannot encrypt for client \(client.id): \(error)")
        }
        guard faults.tamperCiphertext else { return jwe }
        var parts = jwe.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var ciphertext = parts[3].utf8.map { $0 }
        ciphertext[0] = ciphertext[0] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        parts[3] = String(decoding: ciphertext, as: UTF8.self)
        return parts.joined(separator: ".")
    }
}
