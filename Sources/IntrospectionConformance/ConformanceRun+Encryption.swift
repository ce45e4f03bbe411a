import IntrospectionJWT
import IntrospectionRemoteKeys

extension ConformanceRun {
    /// The `jwe.*` checks, in report order.
    static let jweChecks: [ConformanceCheckDefinition] = [
        ConformanceChecks.jweEncrypted, ConformanceChecks.jweContentType, ConformanceChecks.jweAlgorithm,
        ConformanceChecks.jweContentEncryption, ConformanceChecks.jweDecrypts,
    ]

    /// The encryption algorithms the metadata advertises (RFC 9701 §7), each nil when not published.
    struct AdvertisedEncryption {
        var algorithms: [String]?
        var contentEncryptions: [String]?
    }

    /// `metadata.no_rsa1_5`, and the advertised encryption lists for `jwe.alg` and `jwe.enc`.
    func checkEncryptionAlgorithms(_ metadata: JSONObject) -> AdvertisedEncryption {
        let check = ConformanceChecks.metadataNoRSA15
        var advertised = AdvertisedEncryption()
        do {
            advertised.contentEncryptions = try AuthorizationServerMetadata.strings("introspection_encryption_enc_values_supported", of: metadata)
        } catch {
            // Not an array of strings: nothing to compare `enc` with (jwe.enc is skipped).
        }
        let member = "introspection_encryption_alg_values_supported"
        do {
            guard let names = try AuthorizationServerMetadata.strings(member, of: metadata) else {
                pass(check, "no \"\(member)\" published")
                return advertised
            }
            advertised.algorithms = names
            if names.contains("RSA1_5") {
                fail(check, "\"\(member)\" lists \"RSA1_5\" (PKCS #1 v1.5 key transport): \(names.joined(separator: ", "))")
            } else {
                pass(check, names.isEmpty ? "\"\(member)\" is empty" : names.joined(separator: ", "))
            }
        } catch {
            skip(check, "\"\(member)\" cannot be read: \(error.message)")
        }
        return advertised
    }

    /// What the encryption checks leave for the `jwt.*` checks.
    enum SignedContent {
        /// The answer is a plain JWS (`jwe.encrypted` failed): the `jwt.*` checks run on it.
        case plain(String)
        /// The decrypted content of the JWE: `jwt.compact` on checks that it is the signed JWT.
        case decrypted([UInt8])
        /// Nothing to check further; the reason says which check stopped the run.
        case none(reason: String)
    }

    /// The `jwe.*` checks on the answer to the JWT request of a resource server that registered
    /// encryption (``ConformanceChecker/Configuration/decryptionKeys`` set), with the verifier's own rules
    /// (`EncryptedResponseRules`).
    func checkEncryption(_ token: String, keys: DecryptionKeySet, advertised: AdvertisedEncryption) -> SignedContent {
        guard EncryptedResponseRules.isEncrypted(token) else {
            fail(ConformanceChecks.jweEncrypted,
                "a plain JWS, not a JWE: the client registered encryption (the checker was given decryption keys)")
            skipRest(Self.jweChecks, "the answer is not encrypted (jwe.encrypted)")
            return .plain(token)
        }
        let response: EncryptedResponseRules
        do {
            response = try EncryptedResponseRules(token)
        } catch {
            fail(ConformanceChecks.jweEncrypted, "five parts, but not a compact JWE: \(error.message)")
            skipRest(Self.jweChecks, "the answer is not a compact JWE (jwe.encrypted)")
            return .none(reason: "the answer is not a compact JWE (jwe.encrypted)")
        }
        pass(ConformanceChecks.jweEncrypted, "a compact JWE")

        record(ConformanceChecks.jweContentType, Self.outcome { () throws(IntrospectionJWTError) in "\"cty\" is \(quoted(try response.checkContentType()))" })
        checkAdvertised(response.header, member: "alg", in: "JWE header", advertised: advertised.algorithms,
            check: ConformanceChecks.jweAlgorithm, list: "introspection_encryption_alg_values_supported")
        checkAdvertised(response.header, member: "enc", in: "JWE header", advertised: advertised.contentEncryptions,
            check: ConformanceChecks.jweContentEncryption, list: "introspection_encryption_enc_values_supported")
        do {
            let (content, encryption) = try response.decrypt(
                keys: keys, allowedAlgorithms: configuration.allowedKeyManagementAlgorithms,
                allowedContentEncryptions: configuration.allowedContentEncryptionAlgorithms)
            let key = encryption.decryptionKeyID.map { "kid \(quoted($0))" } ?? "a key without kid"
            pass(ConformanceChecks.jweDecrypts, "\(encryption.algorithm)/\(encryption.contentEncryption), decrypted with \(key)")
            return .decrypted(content)
        } catch {
            fail(ConformanceChecks.jweDecrypts, "\(error.code): \(error.message)")
            return .none(reason: "the answer does not decrypt (jwe.decrypts)")
        }
    }

    /// `jwt.alg`, `jwe.alg` or `jwe.enc`: the header member is a string among the advertised names
    /// (compared exactly; skipped when the metadata publishes no list, named `list`).
    func checkAdvertised(
        _ header: JSONObject, member: String, in part: String, advertised: [String]?, check: ConformanceCheckDefinition, list: String
    ) {
        guard let value = header[member] else { return fail(check, "the \(part) has no \"\(member)\"") }
        guard let name = value.stringValue else { return fail(check, "\"\(member)\" is a \(value.typeName), not a string") }
        guard let advertised else {
            return skip(check, "\"\(member)\" is \(quoted(name)); no advertised list to compare with (\(list))")
        }
        if advertised.contains(where: { $0.utf8.elementsEqual(name.utf8) }) {
            pass(check, "\(quoted(name)) is advertised")
        } else {
            fail(check, "\(quoted(name)) is not among the advertised \(advertised.joined(separator: ", "))")
        }
    }

    /// The signed JWT of an answer, as the verifier would reach it: decrypted first when it is a JWE and
    /// decryption keys are configured. For answers whose encryption is not itself checked (the inactive one).
    func signedRules(of token: String) throws(IntrospectionJWTError) -> ResponseRules {
        guard let keys = configuration.decryptionKeys, EncryptedResponseRules.isEncrypted(token) else {
            return try ResponseRules(token)
        }
        let content = try EncryptedResponseRules(token).decrypt(
            keys: keys, allowedAlgorithms: configuration.allowedKeyManagementAlgorithms,
            allowedContentEncryptions: configuration.allowedContentEncryptionAlgorithms
        ).content
        return try ResponseRules(decryptedContent: content)
    }
}
