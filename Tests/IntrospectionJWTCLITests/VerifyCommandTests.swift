import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// The command-line contract of `introspection-jwt verify` beyond the vectors.
@Suite("introspection-jwt verify contract")
struct VerifyCommandTests {
    static let rsa = TestSigningKey(.rsa(bits: 2048), keyID: "k1")
    static let ec = TestSigningKey(.ec(.p256), keyID: "k2")
    static let now = 1_763_740_800

    func setUp() throws -> (TemporaryDirectory, jwks: String, valid: String, invalid: String) {
        let directory = try TemporaryDirectory()
        let jwks = try directory.write("jwks.json", TokenMinter.jwks([Self.rsa, Self.ec]))
        let valid = try directory.write("valid.jwt", "  \n" + TokenMinter.response(key: Self.rsa, algorithm: .rs256, issuedAt: Self.now) + "\n\n")
        let invalid = try directory.write("invalid.jwt", TokenMinter.response(key: Self.ec, algorithm: .es256, issuedAt: Self.now - 10_000))
        return (directory, jwks, valid, invalid)
    }

    func baseArguments(_ jwks: String) -> [String] {
        ["verify", "--jwks", jwks, "--issuer", TokenMinter.issuer, "--audience", TokenMinter.audience, "--at", String(Self.now)]
    }

    @Test("All valid exits 0; one invalid exits 1; lines keep input order")
    func exitStatusAndOrder() async throws {
        let (directory, jwks, valid, invalid) = try setUp()
        _ = directory
        let allValid = try await CLIRunner.run(baseArguments(jwks) + ["--output", "json", valid, valid])
        #expect(allValid.status == 0)
        #expect(allValid.jsonLines.count == 2)
        let mixed = try await CLIRunner.run(baseArguments(jwks) + ["--output", "json", valid, invalid, valid])
        #expect(mixed.status == 1)
        let lines = mixed.jsonLines
        #expect(lines.map { $0["input"] as? String } == [valid, invalid, valid])
        #expect(lines.map { $0["valid"] as? Bool } == [true, false, true])
        #expect(lines[1]["error"] as? String == "expired")
        #expect(lines[0]["kid"] as? String == "k1")
        #expect(lines[0]["alg"] as? String == "RS256")
        #expect((lines[0]["token_introspection"] as? [String: Any])?["active"] as? Bool == true)
        #expect(Array((lines[0] as NSDictionary).allKeys as! [String]).sorted() == ["alg", "input", "kid", "token_introspection", "valid"])
        #expect(Array((lines[1] as NSDictionary).allKeys as! [String]).sorted() == ["error", "input", "message", "valid"])
    }

    @Test("The JSON line keeps the contract's member order")
    func memberOrder() async throws {
        let (directory, jwks, valid, invalid) = try setUp()
        _ = directory
        let outcome = try await CLIRunner.run(baseArguments(jwks) + ["--output", "json", valid, invalid])
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines[0].hasPrefix("{\"input\":\"\(valid)\",\"valid\":true,\"alg\":\"RS256\",\"kid\":\"k1\",\"token_introspection\":{"))
        #expect(lines[1].hasPrefix("{\"input\":\"\(invalid)\",\"valid\":false,\"error\":\"expired\",\"message\":\""))
    }

    @Test("Standard input gives one JWT per line, named stdin:LINE")
    func standardInput() async throws {
        let (directory, jwks, _, _) = try setUp()
        _ = directory
        let good = TokenMinter.response(key: Self.ec, algorithm: .es256, issuedAt: Self.now)
        let input = "\(good)\n\nnot-a-token\n  \(good)  \n"
        let outcome = try await CLIRunner.run(baseArguments(jwks) + ["--output", "json", "-"], standardInput: input)
        #expect(outcome.status == 1)
        let lines = outcome.jsonLines
        #expect(lines.map { $0["input"] as? String } == ["stdin:1", "stdin:3", "stdin:4"])
        #expect(lines.map { $0["valid"] as? Bool } == [true, false, true])
        #expect(lines[1]["error"] as? String == "malformed")
    }

    @Test("Usage and configuration errors exit 2 with a message on stderr", arguments: [
        ["--algorithms", "HS256"], ["--algorithms", "RS256,none"], ["--algorithms", "FOO"], ["--algorithms", ""],
        ["--at", "yesterday"], ["--max-age", "abc"], ["--clock-skew", "-1"], ["--output", "xml"], ["--bogus"],
    ])
    func usageErrors(extra: [String]) async throws {
        let (directory, jwks, valid, _) = try setUp()
        _ = directory
        let outcome = try await CLIRunner.run(baseArguments(jwks) + extra + [valid])
        #expect(outcome.status == 2)
        #expect(!outcome.standardError.isEmpty)
        #expect(outcome.jsonLines.isEmpty)
    }

    @Test("Missing options, inputs or keys exit 2")
    func missingThings() async throws {
        let (directory, jwks, valid, _) = try setUp()
        let noAudience = try await CLIRunner.run(["verify", "--jwks", jwks, "--issuer", "x", valid])
        #expect(noAudience.status == 2)
        let noInput = try await CLIRunner.run(baseArguments(jwks))
        #expect(noInput.status == 2)
        let missingInput = try await CLIRunner.run(baseArguments(jwks) + [directory.url.appendingPathComponent("nope.jwt").path])
        #expect(missingInput.status == 2)
        let missingKeys = try await CLIRunner.run(baseArguments(directory.url.appendingPathComponent("none.json").path) + ["--output", "json", valid])
        #expect(missingKeys.status == 2)
        for line in missingKeys.jsonLines { #expect(line["error"] as? String == "jwks_unavailable") }
        let notKeys = try await CLIRunner.run(baseArguments(valid) + [valid])
        #expect(notKeys.status == 2)
        let plainHTTP = try await CLIRunner.run(baseArguments("http://example.com/jwks.json") + [valid])
        #expect(plainHTTP.status == 2)
    }

    @Test("--algorithms restricts the allowed set")
    func algorithmsOption() async throws {
        let (directory, jwks, valid, _) = try setUp()
        _ = directory
        let outcome = try await CLIRunner.run(baseArguments(jwks) + ["--algorithms", "ES256,PS256", "--output", "json", valid])
        #expect(outcome.status == 1)
        #expect(outcome.jsonLines.first?["error"] as? String == "unsupported_algorithm")
        let allowed = try await CLIRunner.run(baseArguments(jwks) + ["--algorithms", "RS256", valid])
        #expect(allowed.status == 0)
    }

    @Test("--max-age and --clock-skew move the time window")
    func timeOptions() async throws {
        let (directory, jwks, _, invalid) = try setUp()
        _ = directory
        let widened = try await CLIRunner.run(baseArguments(jwks) + ["--max-age", "9940", "--clock-skew", "60", invalid])
        #expect(widened.status == 0)
        let tooNarrow = try await CLIRunner.run(baseArguments(jwks) + ["--max-age", "9939", "--clock-skew", "60", invalid])
        #expect(tooNarrow.status == 1)
    }

    @Test("Text output names the input and the verdict")
    func textOutput() async throws {
        let (directory, jwks, valid, invalid) = try setUp()
        _ = directory
        let outcome = try await CLIRunner.run(baseArguments(jwks) + [valid, invalid])
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("\(valid): valid"))
        #expect(lines[1].hasPrefix("\(invalid): invalid: expired"))
    }
}
