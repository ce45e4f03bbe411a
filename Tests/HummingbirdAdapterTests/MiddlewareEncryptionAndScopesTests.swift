import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import IntrospectionHummingbird
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import Testing
import TokenIntrospectionClient

extension HummingbirdSuites {
    @Suite("Hummingbird middleware: encrypted answers and per-request scopes")
    struct MiddlewareEncryptionAndScopesTests {
        static let key = TestEncryptionKey(.rsa(bits: 2048), keyID: "hb-rs-enc")

        /// A live server whose `/orders` needs `orders:read` plus the scopes of `X-Required-Scope`, and
        /// answers with the identity's subject and the parts of its answer and of its signed JWT.
        static func withServer(
            encryption: LocalAuthorizationServer.ClientEncryption?,
            decryption: ResponseDecryptionOptions?,
            _ body: @escaping @Sendable (LocalAuthorizationServer, any TestClientProtocol) async throws -> Void
        ) async throws {
            var client = rsClient
            client.encryption = encryption
            try await LocalAuthorizationServer.start(client: client).shuttingDown { server in
                var options = IntrospectionClientOptions(issuer: server.issuer, clientID: rsClient.id, clientSecret: rsClient.secret)
                options.decryption = decryption
                let authorizer = BearerTokenAuthorizer(
                    introspection: CachedIntrospection(client: IntrospectionClient(options: options)), realm: "orders-api")
                let router = Router(context: Context.self)
                router.group("orders")
                    .add(middleware: IntrospectionMiddleware(authorizer, requirement: .scope("orders:read")) { request in
                        request.headers[values: HTTPField.Name("X-Required-Scope")!].flatMap { $0.split(separator: " ").map(String.init) }
                    })
                    .get { _, context -> String in
                        let identity = try context.requireIdentity()
                        let parts = { (text: String?) in text?.split(separator: ".", omittingEmptySubsequences: false).count ?? 0 }
                        return "\(identity.subject ?? "-") \(parts(identity.signedResponse)) \(parts(identity.signedJWT))"
                    }
                let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
                try await app.test(.live) { client in try await body(server, client) }
            }
        }

        @Test("An encrypted answer passes through the middleware: the identity keeps the JWE as received and the signed JWT inside")
        func encryptedAnswer() async throws {
            let registration = LocalAuthorizationServer.ClientEncryption(algorithm: .rsaOAEP256, contentEncryption: .a128CBCHS256, key: .publicKey(Self.key))
            let decryption = ResponseDecryptionOptions(keys: try DecryptionKeySet(json: Self.key.privateJWKSetDocument()))
            try await Self.withServer(encryption: registration, decryption: decryption) { server, client in
                let token = server.issueToken(claims: server.accessTokenClaims(subject: "enc-user", scope: "orders:read"))
                let answer = try await get(client, "/orders", authorization: "Bearer \(token)")
                #expect(answer.status == .ok)
                #expect(String(buffer: answer.body) == "enc-user 5 3")
            }
            // Without the keys the same answer cannot be verified: 502.
            try await Self.withServer(encryption: registration, decryption: nil) { server, client in
                let token = server.issueToken(claims: server.accessTokenClaims(scope: "orders:read"))
                let answer = try await get(client, "/orders", authorization: "Bearer \(token)")
                #expect(answer.status == .badGateway)
            }
        }

        @Test("A signed-only answer: signedJWT is the answer itself")
        func signedOnlyAnswer() async throws {
            try await Self.withServer(encryption: nil, decryption: nil) { server, client in
                let token = server.issueToken(claims: server.accessTokenClaims(subject: "plain-user", scope: "orders:read"))
                let answer = try await get(client, "/orders", authorization: "Bearer \(token)")
                #expect(String(buffer: answer.body) == "plain-user 3 3")
            }
        }

        @Test("additionalScopes adds a request's scopes to the requirement, never removes one")
        func additionalScopes() async throws {
            try await Self.withServer(encryption: nil, decryption: nil) { server, client in
                let reader = server.issueToken(claims: server.accessTokenClaims(scope: "orders:read"))
                let writer = server.issueToken(claims: server.accessTokenClaims(scope: "orders:read orders:write"))
                func send(_ token: String, _ required: String?) async throws -> TestResponse {
                    var headers: HTTPFields = [.authorization: "Bearer \(token)"]
                    if let required { headers[HTTPField.Name("X-Required-Scope")!] = required }
                    return try await client.execute(uri: "/orders", method: .get, headers: headers)
                }
                #expect(try await send(reader, nil).status == .ok)
                let denied = try await send(reader, "orders:write")
                #expect(denied.status == .forbidden)
                #expect(denied.headers[.wwwAuthenticate] == #"Bearer realm="orders-api", error="insufficient_scope", scope="orders:read orders:write""#)
                #expect(try await send(writer, "orders:write").status == .ok)
                let onlyOther = try await send(server.issueToken(claims: server.accessTokenClaims(scope: "orders:write")), "orders:write")
                #expect(onlyOther.status == .forbidden)
            }
        }
    }
}
