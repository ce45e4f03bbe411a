import IntrospectionJWT
import IntrospectionTesting
import Testing
import TokenIntrospectionClient

@Suite("Preparing a client before its first call")
struct ClientPrepareTests {
    @Test("prepare() discovers the metadata now, without calling the introspection endpoint or fetching keys")
    func preparesWithoutCalls() async throws {
        try await withLocalServer { server in
            let client = makeClient(server)
            try await client.prepare()
            #expect(server.requestCount(path: "/.well-known/oauth-authorization-server") == 1)
            #expect(server.introspectionCount == 0)
            #expect(server.requestCount(path: server.jwksPath) == 0)
            // The first call uses what was prepared: no second discovery.
            let response = await client.introspect(token: server.issueAccessToken())
            #expect(response.isActive)
            #expect(server.requestCount(path: "/.well-known/oauth-authorization-server") == 1)
        }
    }

    @Test("prepare() throws the configuration error of an issuer whose metadata cannot be used, and a later call tries again")
    func throwsForUnusableMetadata() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.metadataIssuer = "https://other.example.com"
        try await withLocalServer(faults: faults) { server in
            let client = makeClient(server)
            let error = await #expect(throws: IntrospectionClientError.self) { try await client.prepare() }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains("https://other.example.com") == true, "\(error?.message ?? "")")
            server.faults = .none
            try await client.prepare()
        }
    }
}
