import Foundation
@testable import IntrospectionJWT
import IntrospectionTesting
import Testing

@Suite("Key archive")
struct KeyArchiveTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString).jsonl").path
    }

    @Test("The thumbprint is RFC 7638's (its §3.1 example)")
    func thumbprintKnownAnswer() throws {
        let jwk = """
            {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}
            """
        let set = try JWKSet(json: "{\"keys\":[\(jwk)]}")
        #expect(set.keys.first?.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test("An archive that cannot be written throws cannot_write; the message names the file and prints alone")
    func unwritableArchive() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)/archive.jsonl").path
        let set = try JWKSet(json: TokenMinter.jwks([TestKeys.rsa]))
        await #expect {
            try await FileKeyArchive(path: path).record(set.keys, source: "s", seen: Date(timeIntervalSince1970: 1000))
        } throws: { error in
            let error = error as! ArchiveError
            return error.code == .cannotWrite && error.message.hasPrefix("cannot open \(path) for appending: ")
                && error.description == error.message
        }
    }

    @Test("Recording adds new keys and moves last-seen of known ones; first-seen never moves later")
    func recordAndMerge() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let archive = FileKeyArchive(path: path)
        let set = try JWKSet(json: TokenMinter.jwks([TestKeys.rsa, TestKeys.p256]))
        try await archive.record(set.keys, source: "https://as.example.com/jwks", seen: Date(timeIntervalSince1970: 1000))
        try await archive.record([set.keys[1]], source: "https://as.example.com/jwks", seen: Date(timeIntervalSince1970: 2000))
        try await archive.record([set.keys[1]], source: "https://as.example.com/jwks", seen: Date(timeIntervalSince1970: 500))
        let keys = try await archive.keys()
        #expect(keys.count == 2)
        #expect(keys[0].keyID == "rsa-2048" && keys[0].lastSeen == Date(timeIntervalSince1970: 1000))
        #expect(keys[1].firstSeen == Date(timeIntervalSince1970: 500))
        #expect(keys[1].lastSeen == Date(timeIntervalSince1970: 2000))
    }

    @Test("A torn last line is ignored on read and never corrupts earlier or later records")
    func tornLastLine() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let archive = FileKeyArchive(path: path)
        let set = try JWKSet(json: TokenMinter.jwks([TestKeys.rsa, TestKeys.p256, TestKeys.ed25519]))
        try await archive.record([set.keys[0]], source: "s", seen: Date(timeIntervalSince1970: 1))
        // A crash in the middle of an append: half a line, no newline.
        let full = try String(contentsOfFile: path, encoding: .utf8)
        let torn = FileKeyArchive.line(for: ArchivedKey(jwk: set.keys[1].jwk, thumbprint: set.keys[1].thumbprint, source: "s", firstSeen: Date(), lastSeen: Date()))
        try (full + String(torn.prefix(torn.count / 2))).write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try await archive.keys().map(\.keyID) == ["rsa-2048"])
        try await archive.record([set.keys[2]], source: "s", seen: Date(timeIntervalSince1970: 2))
        #expect(try await archive.keys().map(\.keyID) == ["rsa-2048", "ed25519"])
    }

    @Test("Concurrent appends from one process never interleave")
    func concurrentAppends() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let keys = (0..<24).map { TestSigningKey(.ec(.p256), keyID: "k\($0)") }
        let set = try JWKSet(json: TokenMinter.jwks(keys))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in set.keys.enumerated() {
                group.addTask {
                    // A separate archive value per writer: the lock is per path, not per instance.
                    try await FileKeyArchive(path: path).record([key], source: "writer-\(index)", seen: Date(timeIntervalSince1970: Double(index)))
                }
            }
            try await group.waitForAll()
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 24)
        for line in lines { #expect((try? JSONValue(parsing: Array(line.utf8)))?.objectValue?["jwk"] != nil) }
        #expect(try await FileKeyArchive(path: path).keys().count == 24)
    }

    @Test("Published keys: an archived key counts only from its first-seen time, with the skew")
    func publishedKeys() throws {
        let set = try JWKSet(json: TokenMinter.jwks([TestKeys.rsa, TestKeys.p256]))
        let archived = [
            ArchivedKey(jwk: set.keys[0].jwk, thumbprint: set.keys[0].thumbprint, source: "s", firstSeen: Date(timeIntervalSince1970: 1000), lastSeen: Date(timeIntervalSince1970: 5000)),
            ArchivedKey(jwk: set.keys[1].jwk, thumbprint: set.keys[1].thumbprint, source: "s", firstSeen: Date(timeIntervalSince1970: 3000), lastSeen: Date(timeIntervalSince1970: 5000)),
        ]
        let published = PublishedKeys(archived: archived)
        #expect(published.keySet(at: Date(timeIntervalSince1970: 500), clockSkew: .seconds(60)).keys.isEmpty)
        #expect(published.keySet(at: Date(timeIntervalSince1970: 940), clockSkew: .seconds(60)).keys.map(\.keyID) == ["rsa-2048"])
        #expect(published.keySet(at: Date(timeIntervalSince1970: 2939), clockSkew: .seconds(60)).keys.count == 1)
        #expect(published.keySet(at: Date(timeIntervalSince1970: 2940), clockSkew: .seconds(60)).keys.count == 2)
    }
}
