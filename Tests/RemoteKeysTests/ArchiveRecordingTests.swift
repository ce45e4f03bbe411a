import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import NIOConcurrencyHelpers
import Testing

extension RemoteKeys {
    @Suite("Remote JWKS: recording fetched keys in an archive")
    struct ArchiveRecordingTests {
        @Test("Every fetched key is archived; a key rotated out of the set stays in the archive")
        func fetchedKeysAreArchived() async throws {
            let published = NIOLockedValueBox(RemoteFixture.jwks(RemoteFixture.keyA))
            try await TestHTTPServer.start { _ in .json(published.withLockedValue { $0 }) }.shuttingDown { server in
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("fetched-\(UUID().uuidString).jsonl").path
                defer { try? FileManager.default.removeItem(atPath: path) }
                let archive = FileKeyArchive(path: path)
                let source = RemoteJWKSKeySource(
                    url: server.baseURL + "/jwks", configuration: RemoteFixture.configuration(cooldown: .zero),
                    transport: AsyncHTTPClientTransport(), logger: RemoteFixture.logger, archive: archive
                )
                let verifier = RemoteFixture.verifier(source)
                _ = try await verifier.verify(RemoteFixture.token(RemoteFixture.keyA))
                #expect(try await archive.keys().map(\.keyID) == ["key-a"])
                #expect(try await archive.keys().first?.source == server.baseURL + "/jwks")

                // Rotation: key-b replaces key-a; the unknown kid makes the source refetch.
                published.withLockedValue { $0 = RemoteFixture.jwks(RemoteFixture.keyB) }
                _ = try await verifier.verify(RemoteFixture.token(RemoteFixture.keyB))
                let archived = try await archive.keys()
                #expect(archived.map(\.keyID) == ["key-a", "key-b"])
                #expect(server.requestCount == 2)

                // An audit of a response signed by the retired key, with the archive's keys.
                let keys = PublishedKeys(archived: archived)
                let audit = IntrospectionResponseVerifier(policy: RemoteFixture.policy, keys: JWKSet(keys: []))
                let old = RemoteFixture.token(RemoteFixture.keyA)
                #expect(throws: Never.self) { try audit.verify(old, using: keys.keySet(at: Date()), at: Date()) }
            }
        }
    }
}
