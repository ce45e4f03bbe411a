import Foundation
import IntrospectionTesting
import Testing
import TokenIntrospectionClient

// The resource-server request path of the TokenIntrospectionClient documentation (the article
// ResourceServerExample.md), verbatim apart from the client: a parameter here, made with the issuer and
// credentials of the local authorization server.

/// Allows a request only when its bearer token is active and carries `scope`.
func authorize(authorization: String?, scope: String, introspection: IntrospectionClient) async -> Bool {
    guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return false }
    let token = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
    let response = await introspection.introspect(token: token, tokenTypeHint: .accessToken)
    guard !response.isError else { return false }  // HTTP error, timeout, downgrade, bad signature, ...
    return response.isActive && response.hasScope(scope)
}

@Suite("The documented resource-server example")
struct ResourceServerExampleTests {
    @Test("Allows an active token with the scope; denies everything else")
    func allowOrDeny() async throws {
        try await withLocalServer { server in
            let introspection = makeClient(server)
            let reader = server.issueToken(claims: server.accessTokenClaims(scope: "orders:read"))
            let revoked = server.issueToken(claims: server.accessTokenClaims(scope: "orders:read"))
            server.revoke(revoked)
            #expect(await authorize(authorization: "Bearer \(reader)", scope: "orders:read", introspection: introspection))
            #expect(await authorize(authorization: "bearer  \(reader)", scope: "orders:read", introspection: introspection))
            #expect(!(await authorize(authorization: "Bearer \(reader)", scope: "orders:write", introspection: introspection)))
            #expect(!(await authorize(authorization: "Bearer \(revoked)", scope: "orders:read", introspection: introspection)))
            #expect(!(await authorize(authorization: nil, scope: "orders:read", introspection: introspection)))
            #expect(!(await authorize(authorization: "Basic abc", scope: "orders:read", introspection: introspection)))
            server.updateFaults { $0.jsonForJWTRequests = true }
            #expect(!(await authorize(authorization: "Bearer \(reader)", scope: "orders:read", introspection: introspection)))
        }
    }
}
