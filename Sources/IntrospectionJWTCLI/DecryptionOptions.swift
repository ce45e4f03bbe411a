import ArgumentParser
import Foundation
import IntrospectionJWT
import TokenIntrospectionClient

/// The options for encrypted responses (RFC 9701 §5-6), part of ``PolicyOptions`` and so shared by
/// `verify` and `audit`, and taken by `introspect` and `conformance` as they are: the resource server's
/// decryption keys, the allowed JWE algorithms, and whether a signed-only response is acceptable.
struct DecryptionOptions: ParsableArguments {
    @Option(name: .customLong("decryption-keys"), help: ArgumentHelp(
        "A JWK Set of the resource server's private keys (RSA, EC, OKP X25519, oct), or a PEM private key file (one key, no kid); repeat for several.",
        valueName: "file"))
    var decryptionKeys: [String] = []

    @Option(name: .customLong("key-management-algorithms"), help: ArgumentHelp(
        "Allowed JWE alg values, comma separated (default: every supported one).", valueName: "RSA-OAEP-256,ECDH-ES"))
    var keyManagementAlgorithms: String?

    @Option(name: .customLong("content-encryption-algorithms"), help: ArgumentHelp(
        "Allowed JWE enc values, comma separated (default: every supported one).", valueName: "A256GCM,A128CBC-HS256"))
    var contentEncryptionAlgorithms: String?

    @Flag(name: .customLong("require-encryption"), help: "A signed but unencrypted response fails with encryption_required.")
    var requireEncryption = false

    func validate() throws {
        _ = try allowedAlgorithms()
    }

    /// Sets the allowed JWE algorithms and the encryption requirement of `policy`; a `ValidationError`
    /// (exit status 2) for a name that is not supported.
    func apply(to policy: inout VerificationPolicy) throws {
        (policy.allowedKeyManagementAlgorithms, policy.allowedContentEncryptionAlgorithms) = try allowedAlgorithms()
        policy.requiresEncryption = requireEncryption
    }

    /// The allowed JWE `alg` and `enc` values (every supported one for a list not given); a
    /// `ValidationError` (exit status 2) for a name that is not supported.
    func allowedAlgorithms() throws -> (keyManagement: Set<KeyManagementAlgorithm>, contentEncryption: Set<ContentEncryptionAlgorithm>) {
        var keyManagement = KeyManagementAlgorithm.allSupported
        var contentEncryption = ContentEncryptionAlgorithm.allSupported
        if let keyManagementAlgorithms {
            keyManagement = try Self.parse(keyManagementAlgorithms, option: "--key-management-algorithms") { name in
                if let refusal = KeyManagementAlgorithm.refusal(of: name) { return refusal }
                if ContentEncryptionAlgorithm(rawValue: name) != nil { return "\(name) is a content encryption algorithm (an enc), not an alg" }
                return nil
            }
        }
        if let contentEncryptionAlgorithms {
            contentEncryption = try Self.parse(contentEncryptionAlgorithms, option: "--content-encryption-algorithms") { name in
                KeyManagementAlgorithm(rawValue: name) != nil ? "\(name) is a key management algorithm (an alg), not an enc" : nil
            }
        }
        return (keyManagement, contentEncryption)
    }

    /// A comma-separated list of JOSE names; `explain` says why a known but refused name is refused.
    static func parse<Algorithm: RawRepresentable & Hashable & CaseIterable>(
        _ list: String,
        option: String,
        explain: (String) -> String?
    ) throws -> Set<Algorithm> where Algorithm.RawValue == String {
        var result = Set<Algorithm>()
        for name in list.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard !name.isEmpty else { throw ValidationError("\(option) has an empty entry: '\(list)'.") }
            guard let algorithm = Algorithm(rawValue: name) else {
                let supported = Algorithm.allCases.map(\.rawValue).joined(separator: " ")
                throw ValidationError("\(option): \(explain(name) ?? "unknown algorithm '\(name)'"); supported: \(supported).")
            }
            result.insert(algorithm)
        }
        return result
    }

    /// The keys of every `--decryption-keys` file, or a ``ConfigurationError`` naming the file that is
    /// missing, is neither a JWK Set nor a PEM private key, or holds no usable key.
    func keySet() throws -> DecryptionKeySet {
        var keys = DecryptionKeySet()
        for path in decryptionKeys {
            let data = try KeyLoading.readFile(path, kind: "decryption key", limit: DecryptionKeySet.maximumByteCount)
            let loaded: DecryptionKeySet
            do {
                loaded = try DecryptionKeySet(fileContents: data)
            } catch {
                throw ConfigurationError("\(path) is not a usable decryption key file: \(error.message)")
            }
            guard !loaded.isEmpty else {
                let reasons = loaded.skippedKeys.map(\.description).joined(separator: "; ")
                throw ConfigurationError("\(path) holds no usable decryption key\(reasons.isEmpty ? "" : " (\(reasons))")")
            }
            keys = keys.merging(loaded)
        }
        return keys
    }

    /// The decryption options of an introspection client (`introspect`, `forward-auth`): the
    /// `--decryption-keys` files, the allowed lists, `--require-encryption`, and the keys derived from the
    /// client secret when `derivingKeysFromClientSecret`. A key file that cannot be used is exit status 2
    /// with `error: decryption_keys_unavailable: …` on standard error, before any request is made.
    func clientOptions(derivingKeysFromClientSecret: Bool) throws -> ResponseDecryptionOptions {
        do {
            let (keyManagement, contentEncryption) = try allowedAlgorithms()
            return ResponseDecryptionOptions(
                keys: try keySet(), derivesKeysFromClientSecret: derivingKeysFromClientSecret,
                allowedKeyManagementAlgorithms: keyManagement, allowedContentEncryptionAlgorithms: contentEncryption,
                requiresEncryption: requireEncryption)
        } catch let error as ConfigurationError {
            StandardError.write("error: \(IntrospectionJWTError.Code.decryptionKeysUnavailable): \(error.description)")
            throw ExitCode(ExitStatus.usageOrConfiguration)
        }
    }
}
