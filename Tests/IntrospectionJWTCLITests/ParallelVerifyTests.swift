import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `verify --jobs N`: parallel verification keeps the output, its order and the exit status.
@Suite("introspection-jwt verify --jobs")
struct ParallelVerifyTests {
    static let rsa = TestSigningKey(.rsa(bits: 2048), keyID: "k1")
    static let ec = TestSigningKey(.ec(.p256), keyID: "k2")
    static let now = 1_763_740_800

    /// 600 lines of valid, expired, forged and malformed responses (and blank lines), in a fixed mix.
    static let input: String = {
        let valid = [
            TokenMinter.response(key: rsa, algorithm: .rs256, issuedAt: now),
            TokenMinter.response(key: ec, algorithm: .es256, issuedAt: now),
            TokenMinter.response(key: rsa, algorithm: .ps256, issuedAt: now),
        ]
        let expired = TokenMinter.response(key: ec, algorithm: .es256, issuedAt: now - 10_000)
        let forged = valid[0].dropLast(4) + "AAAA"
        var lines: [String] = []
        for index in 0..<600 {
            switch index % 7 {
            case 0, 2, 4: lines.append(valid[index % 3])
            case 1: lines.append(expired)
            case 3: lines.append(String(forged))
            case 5: lines.append("not-a-token-\(index)")
            default: lines.append(index % 2 == 0 ? "" : valid[1])
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    func run(_ jobs: String, output: String) async throws -> CLIRunner.Outcome {
        let directory = try TemporaryDirectory()
        let jwks = try directory.write("jwks.json", TokenMinter.jwks([Self.rsa, Self.ec]))
        return try await CLIRunner.run(
            ["verify", "--jwks", jwks, "--issuer", TokenMinter.issuer, "--audience", TokenMinter.audience,
             "--at", String(Self.now), "--output", output, "--jobs", jobs, "-"],
            standardInput: Self.input
        )
    }

    @Test("--jobs 2 prints exactly what --jobs 1 prints, line for line, in input order", arguments: ["json", "text"])
    func orderKept(output: String) async throws {
        let sequential = try await run("1", output: output)
        let parallel = try await run("2", output: output)
        #expect(sequential.status == 1)
        #expect(parallel.status == sequential.status)
        #expect(parallel.standardOutput == sequential.standardOutput)
        let lines = parallel.standardOutput.split(separator: "\n")
        let blankLines: Int = 600 / 14 + (600 % 14 > 6 ? 1 : 0)  // blank lines are skipped
        let expectedCount: Int = 600 - blankLines
        #expect(lines.count == expectedCount)
        // The names are stdin:LINE in increasing order.
        let numbers = lines.compactMap { line -> Int? in
            guard let range = line.range(of: #"stdin:\d+"#, options: .regularExpression) else { return nil }
            return Int(line[range].dropFirst(6))
        }
        #expect(numbers.count == lines.count)
        #expect(numbers == numbers.sorted())
    }

    @Test("Lines are trimmed of ASCII and Unicode white space, with and without --jobs", arguments: ["1", "2"])
    func trimming(jobs: String) async throws {
        let directory = try TemporaryDirectory()
        let jwks = try directory.write("jwks.json", TokenMinter.jwks([Self.rsa, Self.ec]))
        let token = TokenMinter.response(key: Self.ec, algorithm: .es256, issuedAt: Self.now)
        let lines = [
            " \t\(token)\r",                      // ASCII white space, a CRLF line end
            "\u{00A0}\u{2003}\(token)\u{2028}",    // no-break space, em space, line separator
            "\u{00A0}",                            // white space only: skipped
            "\u{00E9}\(token)",                     // a non-space non-ASCII character is kept: malformed
        ]
        let outcome = try await CLIRunner.run(
            ["verify", "--jwks", jwks, "--issuer", TokenMinter.issuer, "--audience", TokenMinter.audience,
             "--at", String(Self.now), "--output", "json", "--jobs", jobs, "-"],
            standardInput: lines.joined(separator: "\n") + "\n"
        )
        let results = outcome.jsonLines
        #expect(results.map { $0["input"] as? String } == ["stdin:1", "stdin:2", "stdin:4"])
        #expect(results.map { $0["valid"] as? Bool } == [true, true, false])
        #expect(results.last?["error"] as? String == "malformed")
    }

    @Test("--jobs 0 is a usage error (exit 2)")
    func zeroJobs() async throws {
        let outcome = try await run("0", output: "json")
        #expect(outcome.status == 2)
        #expect(!outcome.standardError.isEmpty)
    }
}
