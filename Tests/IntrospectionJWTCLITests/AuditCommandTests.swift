import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `introspection-jwt audit` and `keys`: stored responses judged as of their own receipt time.
@Suite("introspection-jwt audit and keys")
struct AuditCommandTests {
    static let oldKey = TestSigningKey(.rsa(bits: 2048), keyID: "old")
    static let newKey = TestSigningKey(.ec(.p256), keyID: "new")
    static let rotation = 1_700_100_000

    func record(id: String, key: TestSigningKey, algorithm: SignatureAlgorithm, issuedAt: Int, receivedAt: Int, extra: String = "") -> String {
        let token = TokenMinter.response(key: key, algorithm: algorithm, issuedAt: issuedAt)
        return "{\"id\":\"\(id)\",\"received_at\":\(receivedAt),\"response\":\"\(token)\"\(extra)}"
    }

    /// An archive in which `old` was published from 1_700_000_000 and `new` from the rotation time.
    func makeArchive(in directory: TemporaryDirectory) async throws -> String {
        let oldJWKS = try directory.write("old.json", TokenMinter.jwks([Self.oldKey]))
        let bothJWKS = try directory.write("both.json", TokenMinter.jwks([Self.oldKey, Self.newKey]))
        let archive = directory.url.appendingPathComponent("archive.jsonl").path
        let first = try await CLIRunner.run(["keys", "archive", "--jwks", oldJWKS, "--archive", archive, "--at", "1700000000"])
        #expect(first.status == 0)
        #expect(first.standardOutput.hasPrefix("1 key added"))
        let second = try await CLIRunner.run(["keys", "archive", "--jwks", bothJWKS, "--archive", archive, "--at", String(Self.rotation)])
        #expect(second.status == 0)
        #expect(second.standardOutput.hasPrefix("1 key added, 1 already archived"))
        return archive
    }

    @Test("Rotated-out keys verify from the archive; a key used before it was published is refused")
    func archiveDrivesKeySelection() async throws {
        let directory = try TemporaryDirectory()
        let archive = try await makeArchive(in: directory)
        let listing = try await CLIRunner.run(["keys", "list", "--archive", archive, "--output", "json"])
        #expect(listing.jsonLines.map { $0["kid"] as? String } == ["old", "new"])
        let lines = [
            record(id: "a", key: Self.oldKey, algorithm: .rs256, issuedAt: 1_700_050_000, receivedAt: 1_700_050_001),
            record(id: "b", key: Self.newKey, algorithm: .es256, issuedAt: 1_700_050_000, receivedAt: 1_700_050_001),
            record(id: "c", key: Self.newKey, algorithm: .es256, issuedAt: Self.rotation + 10, receivedAt: Self.rotation + 10, extra: ",\"note\":\"kept\""),
            "this is not json",
            record(id: "d", key: Self.oldKey, algorithm: .rs256, issuedAt: 1_700_050_000, receivedAt: 1_700_090_000),
        ]
        let records = try directory.write("records.jsonl", lines.joined(separator: "\n") + "\n")
        let outcome = try await CLIRunner.run(["audit", "--issuer", TokenMinter.issuer, "--audience", TokenMinter.audience, "--keys", archive, "--output", "json", records])
        #expect(outcome.status == 1)
        let output = outcome.jsonLines
        try #require(output.count == 6, "\(outcome.standardOutput)\n\(outcome.standardError)")
        #expect(output[0]["valid"] as? Bool == true && output[0]["kid"] as? String == "old")
        #expect(output[1]["error"] as? String == "unknown_key")
        #expect(output[2]["valid"] as? Bool == true && output[2]["note"] as? String == "kept" && output[2]["active"] as? Bool == true)
        #expect(output[2]["iat"] as? Int == Self.rotation + 10)
        #expect(output[3]["error"] as? String == "malformed_record" && output[3]["line"] as? Int == 4)
        #expect(output[4]["error"] as? String == "expired")
        let summary = try #require(output[5]["summary"] as? [String: Any])
        #expect(summary["records"] as? Int == 5 && summary["valid"] as? Int == 2 && summary["invalid"] as? Int == 3)
        #expect(summary["errors"] as? [String: Int] == ["unknown_key": 1, "malformed_record": 1, "expired": 1])
        #expect(summary["kids"] as? [String: Int] == ["old": 1, "new": 1])
        #expect((summary["received_at"] as? [String: Int]) == ["first": 1_700_050_001, "last": Self.rotation + 10])
    }

    @Test("Output keeps input order with several jobs, and every record is judged at its own time")
    func orderWithJobs() async throws {
        let directory = try TemporaryDirectory()
        let jwks = try directory.write("jwks.json", TokenMinter.jwks([Self.oldKey, Self.newKey]))
        var lines: [String] = []
        for index in 0..<300 {
            let time = 1_700_000_000 + index * 1000
            let key = index.isMultiple(of: 2) ? Self.oldKey : Self.newKey
            // Every seventh response is older than the maximum age at its receipt.
            lines.append(record(id: "r\(index)", key: key, algorithm: key === Self.oldKey ? .rs256 : .es256,
                                issuedAt: index.isMultiple(of: 7) ? time - 1000 : time, receivedAt: time))
        }
        let records = try directory.write("records.jsonl", lines.joined(separator: "\n"))
        let outcome = try await CLIRunner.run(["audit", "--issuer", TokenMinter.issuer, "--audience", TokenMinter.audience, "--keys", jwks, "--jobs", "4", "--output", "json", records])
        #expect(outcome.status == 1)
        let output = outcome.jsonLines
        try #require(output.count == 301)
        #expect(output.prefix(300).map { $0["id"] as? String } == (0..<300).map { "r\($0)" })
        for (index, line) in output.prefix(300).enumerated() {
            #expect((line["valid"] as? Bool) == !index.isMultiple(of: 7), "r\(index)")
        }
        let summary = try #require(output[300]["summary"] as? [String: Any])
        #expect(summary["invalid"] as? Int == 43)
        #expect(summary["kids"] as? [String: Int] == ["old": 128, "new": 129])
    }

    @Test("All valid exits 0 and prints a text summary; standard input works; bad configuration exits 2")
    func exitStatusesAndTextSummary() async throws {
        let directory = try TemporaryDirectory()
        let jwks = try directory.write("jwks.json", TokenMinter.jwks([Self.newKey]))
        let line = record(id: "x", key: Self.newKey, algorithm: .es256, issuedAt: 1_700_000_000, receivedAt: 1_700_000_030)
        let outcome = try await CLIRunner.run(["audit", "--issuer", TokenMinter.issuer, "--audience", TokenMinter.audience, "--keys", jwks, "-"], standardInput: line + "\n")
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("summary"))
        #expect(outcome.standardOutput.contains("kid new"))
        #expect(outcome.standardError.isEmpty)
        let missingKeys = try await CLIRunner.run(["audit", "--issuer", "x", "--audience", "y", "--keys", directory.url.appendingPathComponent("none").path, "-"], standardInput: line)
        #expect(missingKeys.status == 2)
        let notKeys = try await CLIRunner.run(["audit", "--issuer", "x", "--audience", "y", "--keys", try directory.write("junk", "junk"), "-"], standardInput: line)
        #expect(notKeys.status == 2)
        let noAudience = try await CLIRunner.run(["audit", "--issuer", "x", "--keys", jwks, "-"], standardInput: line)
        #expect(noAudience.status == 2)
    }
}
