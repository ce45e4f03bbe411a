@testable import ExampleResourceServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import Testing
import TokenIntrospectionClient

/// Issue 11's audit round trip: a resource server records the signed answers it acts on and the keys it
/// fetches; after the authorization server has rotated its key away, `introspection-jwt audit` verifies
/// every record with the archived keys.
@Suite("Resource-server audit trail through introspection-jwt audit")
struct AuditRoundTripTests {
    @Test("Every answer a resource server recorded verifies with `audit --keys <archive>` after a key rotation")
    func roundTrip() async throws {
        let scratch = try TemporaryDirectory()
        let archive = scratch.url.appendingPathComponent("keys.jsonl").path
        let records = scratch.url.appendingPathComponent("audit.jsonl").path
        let rs = LocalAuthorizationServer.Client(id: "rs-orders", secret: "s3cret")
        var issuer = ""
        var currentKeys = ""
        try await LocalAuthorizationServer.start(client: rs, signingAlgorithm: .rs256).shuttingDown { server in
            issuer = server.issuer
            let client = IntrospectionClient(options: IntrospectionClientOptions(
                issuer: server.issuer, clientID: rs.id, clientSecret: rs.secret, keyArchive: FileKeyArchive(path: archive)))
            let authorizer = BearerTokenAuthorizer(
                introspection: CachedIntrospection(client: client, auditRecorder: JSONLinesAuditRecorder(path: records)),
                realm: "orders-api")
            let app = Application(router: ExampleRoutes.router(authorizer), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { http in
                func status(_ token: String) async throws -> HTTPResponse.Status {
                    try await http.execute(uri: "/orders", method: .get, headers: [.authorization: "Bearer \(token)"]).status
                }
                let before = (0..<2).map { _ in server.issueAccessToken(scope: "orders:read") }
                let revoked = server.issueAccessToken(scope: "orders:read")
                server.revoke(revoked)
                var statuses: [HTTPResponse.Status] = []
                for token in before + [revoked, before[0]] { statuses.append(try await status(token)) }  // the last: a cache hit
                #expect(statuses == [.ok, .ok, .unauthorized, .ok])

                // The old key leaves the published set; the next answer names an unknown kid and the
                // client refetches, archiving the new key.
                server.rotateSigningKey(retirePrevious: true)  // same algorithm: the client allows the advertised ones
                let after = (0..<2).map { _ in server.issueAccessToken(scope: "orders:read") }
                statuses = []
                for token in after { statuses.append(try await status(token)) }
                #expect(statuses == [.ok, .ok])
            }
            currentKeys = server.jwksDocument
            #expect(server.introspectionCount == 5)
        }

        let lines = try String(contentsOfFile: records, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5)

        let audited = try await CLIRunner.run([
            "audit", "--issuer", issuer, "--audience", rs.id, "--keys", archive, "--output", "json", records,
        ])
        #expect(audited.status == 0, "\(audited.standardOutput)\n\(audited.standardError)")
        let results = audited.jsonLines.filter { $0["valid"] != nil }
        #expect(results.count == 5)
        #expect(results.allSatisfy { $0["valid"] as? Bool == true })
        #expect(Set(results.compactMap { $0["kid"] as? String }) == ["as-key-1", "as-key-2"])
        #expect(results.compactMap { $0["active"] as? Bool }.sorted { !$0 && $1 } == [false, true, true, true, true])

        // The keys published now are not enough: the answers signed before the rotation fail without the archive.
        let jwks = try scratch.write("current-jwks.json", currentKeys)
        let withoutArchive = try await CLIRunner.run(["audit", "--issuer", issuer, "--audience", rs.id, "--keys", jwks, "--output", "json", records])
        #expect(withoutArchive.status == 1)
        #expect(withoutArchive.jsonLines.filter { $0["valid"] as? Bool == false }.count == 3)
    }
}
