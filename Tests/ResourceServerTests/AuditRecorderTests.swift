import Foundation
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import Logging
import Testing

extension ResourceServerSuites {
    @Suite("Audit trail")
    struct AuditRecorderTests {
        @Test("Every verified answer from the authorization server is recorded once; cache hits are not")
        func recordsAnswersNotHits() async throws {
            let scratch = try ScratchDirectory()
            let recorder = JSONLinesAuditRecorder(path: scratch.path("audit.jsonl"))
            try await withAuthorizationServer { server in
                let fixture = ResourceServerFixture(server: server, auditRecorder: recorder)
                let active = fixture.token()
                let revoked = fixture.token()
                server.revoke(revoked)
                for _ in 0..<3 {
                    _ = await fixture.introspection.introspect(token: active)
                    _ = await fixture.introspection.introspect(token: revoked)
                }
                server.updateFaults { $0.tamperPayload = true }
                _ = await fixture.introspection.introspect(token: fixture.token())  // fails verification: not recorded

                let lines = try String(contentsOfFile: recorder.path, encoding: .utf8).split(separator: "\n")
                #expect(lines.count == 2)
                var ids = Set<String>()
                for line in lines {
                    let record = try #require(try JSONValue(parsing: Array(line.utf8)).objectValue)
                    #expect(record.members.map(\.name) == ["id", "received_at", "response"])
                    ids.insert(try #require(record["id"]?.stringValue))
                    let receivedAt = try #require(record["received_at"]?.doubleValue)
                    #expect(abs(receivedAt - fixture.clock.now.timeIntervalSince1970) < 2)
                    #expect(record["response"]?.stringValue?.split(separator: ".").count == 3)
                }
                #expect(ids.count == 2)
                let text = lines.joined(separator: "\n")
                #expect(!text.contains(active) && !text.contains(revoked))
            }
        }

        @Test("A torn last line (a crash mid-append) is followed, not joined, by the next record")
        func tornLine() async throws {
            let scratch = try ScratchDirectory()
            let path = scratch.path("audit.jsonl")
            try Data(#"{"id":"torn","received_at":17"#.utf8).write(to: URL(fileURLWithPath: path))
            let recorder = JSONLinesAuditRecorder(path: path)
            await recorder.record(signedResponse: "a.b.c", receivedAt: Date(timeIntervalSince1970: 1_763_740_800.9))
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3)
            #expect(lines[0] == #"{"id":"torn","received_at":17"#)
            let record = try #require(try JSONValue(parsing: Array(lines[1].utf8)).objectValue)
            #expect(record["received_at"]?.doubleValue == 1_763_740_800)
            #expect(record["response"]?.stringValue == "a.b.c")
            #expect(lines[2].isEmpty)
        }

        @Test("A recorder that cannot write logs an error and never fails the request")
        func unwritable() async throws {
            try await withAuthorizationServer { server in
                let logs = LogRecorder()
                let recorder = JSONLinesAuditRecorder(path: "/nonexistent-dir/audit.jsonl", logger: logs.logger())
                let fixture = ResourceServerFixture(server: server, auditRecorder: recorder)
                guard case .active = await fixture.introspection.introspect(token: fixture.token()) else {
                    Issue.record("a failing audit recorder changed the outcome")
                    return
                }
                #expect(logs.all.contains { $0.level == .error && $0.message.contains("audit") })
            }
        }

        @Test("The token never appears in the logs, at any level")
        func tokenNeverLogged() async throws {
            try await withAuthorizationServer { server in
                let logs = LogRecorder()
                let fixture = ResourceServerFixture(server: server, logger: logs.logger())
                let token = fixture.token()
                _ = await fixture.authorizer.authorize(authorizationValues: ["Bearer \(token)"])
                _ = await fixture.authorizer.authorize(authorizationValues: ["Bearer \(token) extra"])
                server.revoke(token)
                fixture.clock.advance(by: .seconds(400))
                _ = await fixture.authorizer.authorize(authorizationValues: ["Bearer \(token)"])
                server.updateFaults { $0.errorResponse = (500, "{}") }
                _ = await fixture.authorizer.authorize(authorizationValues: ["Bearer \(token)x"])
                #expect(!logs.all.isEmpty)
                #expect(!logs.text.contains(token))
            }
        }
    }
}
