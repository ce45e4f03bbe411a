import Foundation
import IntrospectionJWT
import Testing

/// Every case of TestVectors/introspection (signed) and TestVectors/introspection-jwe (encrypted) through
/// the library and through the CLI.
@Suite("Introspection test vectors")
struct VectorTests {
    @Test("There are enough vectors, and every error code has cases")
    func coverage() {
        #expect(VectorCase.all.count >= 80)
        let codes = Set(VectorCase.signedAndEncrypted.compactMap(\.expectedError))
        for code in IntrospectionJWTError.Code.allCases {
            #expect(codes.contains(code.rawValue), "no vector for \(code)")
        }
        let algorithms = Set(VectorCase.all.filter(\.expectedValid).compactMap(\.expectedAlgorithm))
        for algorithm in SignatureAlgorithm.allCases {
            #expect(algorithms.contains(algorithm.rawValue), "no valid vector for \(algorithm)")
        }
    }

    @Test("There are at least 120 encrypted vectors, with a valid one for every alg/enc pair")
    func encryptedCoverage() throws {
        #expect(VectorCase.encrypted.count >= 120)
        var pairs = Set<String>()
        for vector in VectorCase.encrypted where vector.expectedValid {
            guard let text = vector.expectedEncryption else { continue }
            let facts = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
            pairs.insert("\(facts["alg"]!)/\(facts["enc"]!)")
        }
        for algorithm in KeyManagementAlgorithm.allCases {
            for encryption in ContentEncryptionAlgorithm.allCases {
                #expect(pairs.contains("\(algorithm)/\(encryption)"), "no valid vector for \(algorithm)/\(encryption)")
            }
        }
    }

    @Test("Each vector gives the expected verdict through the library", arguments: VectorCase.signedAndEncrypted)
    func throughTheLibrary(vector: VectorCase) async throws {
        let keys: JWKSet
        do {
            keys = try JWKSet(json: vector.jwksText)
        } catch {
            #expect(vector.expectedError == "jwks_unavailable", "the JWK Set did not load: \(error)")
            return
        }
        var decryptionKeys = DecryptionKeySet()
        for file in vector.decryptionKeyFiles {
            // As the CLI: a file that is missing, not a key file, or without a usable key makes the run fail.
            guard case .contents(let text) = file, let loaded = try? DecryptionKeySet(fileContents: Array(text.utf8)), !loaded.isEmpty else {
                #expect(vector.expectedError == "decryption_keys_unavailable", "a decryption key file did not load")
                return
            }
            decryptionKeys = decryptionKeys.merging(loaded)
        }
        var algorithms = SignatureAlgorithm.allSupported
        if let names = vector.algorithms { algorithms = Set(names.compactMap(SignatureAlgorithm.init(rawValue:))) }
        let policy = VerificationPolicy(
            issuer: vector.issuer, audiences: vector.audiences, allowedAlgorithms: algorithms,
            maximumAge: .seconds(vector.maxAge ?? 300), clockSkew: .seconds(vector.clockSkew ?? 60),
            allowedKeyManagementAlgorithms: Set((vector.keyManagementAlgorithms ?? KeyManagementAlgorithm.allCases.map(\.rawValue)).compactMap(KeyManagementAlgorithm.init(rawValue:))),
            allowedContentEncryptionAlgorithms: Set((vector.contentEncryptionAlgorithms ?? ContentEncryptionAlgorithm.allCases.map(\.rawValue)).compactMap(ContentEncryptionAlgorithm.init(rawValue:))),
            requiresEncryption: vector.requireEncryption
        )
        let verifier = IntrospectionResponseVerifier(policy: policy, keys: keys, decryptionKeys: decryptionKeys)
        let result: Result<VerifiedIntrospectionResponse, IntrospectionJWTError>
        do throws(IntrospectionJWTError) {
            result = .success(try await verifier.verify(vector.token, at: Date(timeIntervalSince1970: vector.at)))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let response):
            #expect(vector.expectedValid, "verified, but expected \(vector.expectedError ?? "?")")
            if let algorithm = vector.expectedAlgorithm { #expect(response.header.algorithm.rawValue == algorithm) }
            if let keyID = vector.expectedKeyID { #expect(response.header.keyID == keyID) }
            if let expected = vector.expectedIntrospection {
                let actual = try JSONSerialization.jsonObject(with: Data(JSONWriter.string(for: .object(response.introspection.json)).utf8))
                #expect(canonicalJSON(actual) == expected)
            }
            let encryption = response.encryption.map { facts in
                canonicalJSON(["alg": facts.algorithm.rawValue, "enc": facts.contentEncryption.rawValue, "kid": facts.keyID ?? NSNull()] as [String: Any])
            }
            #expect(encryption == vector.expectedEncryption)
        case .failure(let error):
            #expect(error.code.rawValue == vector.expectedError, "\(error.message)")
        }
    }

    @Test("Each vector gives the expected line and exit status through the CLI", arguments: VectorCase.signedAndEncrypted)
    func throughTheCLI(vector: VectorCase) async throws {
        let directory = try TemporaryDirectory()
        let jwks = try directory.write("jwks.json", vector.jwksText)
        let token = try directory.write("response.jwt", vector.token + "\n")
        var arguments = ["verify", "--jwks", jwks, "--issuer", vector.issuer]
        for audience in vector.audiences { arguments += ["--audience", audience] }
        arguments += ["--at", secondsArgument(vector.at), "--output", "json"]
        if let maxAge = vector.maxAge { arguments += ["--max-age", secondsArgument(maxAge)] }
        if let skew = vector.clockSkew { arguments += ["--clock-skew", secondsArgument(skew)] }
        if let algorithms = vector.algorithms { arguments += ["--algorithms", algorithms.joined(separator: ",")] }
        for (index, file) in vector.decryptionKeyFiles.enumerated() {
            switch file {
            case .contents(let text): arguments += ["--decryption-keys", try directory.write("decryption-keys-\(index)", text)]
            case .missing: arguments += ["--decryption-keys", directory.url.appendingPathComponent("no-such-file").path]
            }
        }
        if let names = vector.keyManagementAlgorithms { arguments += ["--key-management-algorithms", names.joined(separator: ",")] }
        if let names = vector.contentEncryptionAlgorithms { arguments += ["--content-encryption-algorithms", names.joined(separator: ",")] }
        if vector.requireEncryption { arguments.append("--require-encryption") }
        arguments.append(token)

        let outcome = try await CLIRunner.run(arguments)
        #expect(outcome.status == vector.exitCode, "stderr: \(outcome.standardError)")
        let lines = outcome.jsonLines
        if vector.exitCode == 2 {
            // Lines, if any, carry jwks_unavailable (or decryption_keys_unavailable); a message goes to stderr.
            #expect(!outcome.standardError.isEmpty)
            for line in lines { #expect(line["error"] as? String == vector.expectedError) }
            return
        }
        try #require(lines.count == 1, "stdout: \(outcome.standardOutput)")
        let line = lines[0]
        #expect(line["input"] as? String == token)
        #expect(line["valid"] as? Bool == vector.expectedValid)
        if vector.expectedValid {
            #expect(line["alg"] as? String == vector.expectedAlgorithm)
            if let keyID = vector.expectedKeyID { #expect((line["kid"] as? String) == keyID && line.keys.contains("kid")) }
            if let expected = vector.expectedIntrospection { #expect(canonicalJSON(line["token_introspection"]!) == expected) }
            #expect(line["encryption"].map(canonicalJSON) == vector.expectedEncryption)
        } else {
            #expect(line["error"] as? String == vector.expectedError)
            #expect(!((line["message"] as? String) ?? "").isEmpty)
        }
    }
}
