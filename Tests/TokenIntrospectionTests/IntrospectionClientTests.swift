import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing
import TokenIntrospectionClient

@Suite("Introspection against the local authorization server")
struct IntrospectionClientTests {
    static let combinations: [(IntrospectionResponseFormat, ClientAuthenticationMethod)] = [
        (.jwt, .clientSecretBasic), (.jwt, .clientSecretPost), (.json, .clientSecretBasic), (.json, .clientSecretPost),
    ]

    @Test("An active token is reported with every RFC 7662 member, in both formats and both auth methods", arguments: combinations)
    func activeToken(format: IntrospectionResponseFormat, method: ClientAuthenticationMethod) async throws {
        try await withLocalServer { server in
            let claims = server.accessTokenClaims(scope: "read write dolphin")
            let token = server.issueToken(claims: claims)
            let response = await makeClient(server, format: format, method: method).introspect(token: token)

            #expect(!response.isError, "\(response.errorMessage ?? "")")
            #expect(response.httpStatus == 200)
            #expect(response.format == format)
            #expect(response.isActive)
            #expect(response.scopes == ["read", "write", "dolphin"])
            #expect(response.hasScope("dolphin"))
            #expect(response.clientID == "app-7")
            #expect(response.username == "jdoe")
            #expect(response.tokenType == "Bearer")
            #expect(response.subject == "Z5O3upPC88QrAjx00dis")
            #expect(response.audiences == ["https://rs.example.com"])
            #expect(response.issuer == server.issuer)
            #expect(response.jwtID == claims["jti"]?.stringValue)
            #expect(response.expiration == claims["exp"]?.doubleValue.map { Date(timeIntervalSince1970: $0) })
            #expect(response.issuedAt == claims["iat"]?.doubleValue.map { Date(timeIntervalSince1970: $0) })
            #expect(response.notBefore == claims["nbf"]?.doubleValue.map { Date(timeIntervalSince1970: $0) })
            #expect(response.claims.contains(IntrospectionClaim(name: "scope", value: "read write dolphin")))
            #expect(response.json?["active"] == .bool(true))

            let request = try #require(server.requests.last { $0.pathWithoutQuery == server.introspectionPath })
            #expect(request.method == "POST")
            #expect(request.header("Accept") == format.mediaType)
            switch method {
            case .clientSecretBasic: #expect(request.header("Authorization") == FormCodec.basicAuthorization(clientID: resourceServer.id, clientSecret: resourceServer.secret))
            default: #expect(request.header("Authorization") == nil)
            }
            if format == .jwt {
                #expect(response.jwtHeader?["typ"] == .string("token-introspection+jwt"))
                #expect(response.jwtHeader?["kid"] == .string(server.currentKeyID))
                #expect(response.jwtClaims?["iss"] == .string(server.issuer))
                #expect(response.jwtClaims?["aud"] == .string(resourceServer.id))
                #expect(response.jwt?.verified != nil)
            } else {
                #expect(response.jwt == nil)
            }
        }
    }

    @Test("JWT responses signed with RS256, PS256 and ES256 verify", arguments: [SignatureAlgorithm.rs256, .ps256, .es256])
    func signingAlgorithms(algorithm: SignatureAlgorithm) async throws {
        try await withLocalServer(algorithm: algorithm) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let response = await makeClient(server).introspect(token: token)
            #expect(!response.isError, "\(response.errorMessage ?? "")")
            #expect(response.isActive)
            #expect(response.jwt?.verified?.header.algorithm == algorithm)
        }
    }

    @Test("Unknown, revoked, expired and other clients' tokens are inactive, not errors, in both formats", arguments: IntrospectionResponseFormat.allCases)
    func inactiveTokens(format: IntrospectionResponseFormat) async throws {
        try await withLocalServer { server in
            let revoked = server.issueToken(claims: server.accessTokenClaims())
            server.revoke(revoked)
            let expired = server.issueToken(claims: server.accessTokenClaims(lifetime: -10))
            let someoneElses = server.issueToken(claims: server.accessTokenClaims(), allowedClients: ["another-rs"])
            let client = makeClient(server, format: format)
            for token in ["never-issued", revoked, expired, someoneElses] {
                let response = await client.introspect(token: token)
                #expect(!response.isError, "\(response.errorMessage ?? "")")
                #expect(!response.isActive)
                #expect(response.json == JSONObject(members: [.init(name: "active", value: .bool(false))]))
                #expect(response.scopes.isEmpty && response.subject == nil && response.audiences.isEmpty)
            }
            if format == .json {
                let last = await client.introspect(token: revoked)
                #expect(last.raw == #"{"active":false}"#)
            }
        }
    }

    @Test("token_type_hint and extra parameters reach the server form-encoded")
    func hintAndExtraParameters() async throws {
        try await withLocalServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let response = await makeClient(server).introspect(
                token: token, tokenTypeHint: .accessToken, additionalParameters: [("resource", "https://rs.example.com/a b")]
            )
            #expect(!response.isError)
            let request = try #require(server.requests.last { $0.pathWithoutQuery == server.introspectionPath })
            let form = try #require(FormCodec.decode(String(decoding: request.body, as: UTF8.self)))
            #expect(form.map(\.name) == ["token", "token_type_hint", "resource"])
            #expect(form.map(\.value) == [token, "access_token", "https://rs.example.com/a b"])
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        }
    }

    @Test("A key rotation between calls is picked up by refetching the JWKS once")
    func keyRotation() async throws {
        try await withLocalServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let client = makeClient(server)
            let first = await client.introspect(token: token)
            #expect(!first.isError && first.isActive)
            let oldKeyID = server.currentKeyID
            let newKeyID = server.rotateSigningKey(retirePrevious: true)
            let second = await client.introspect(token: token)
            #expect(!second.isError, "\(second.errorMessage ?? "")")
            #expect(second.jwtHeader?["kid"] == .string(newKeyID))
            #expect(newKeyID != oldKeyID)
            #expect(server.requestCount(path: server.jwksPath) == 2)
            let third = await client.introspect(token: token)
            #expect(!third.isError)
            #expect(server.requestCount(path: server.jwksPath) == 2)
        }
    }

    @Test("Concurrent first calls share one discovery and one key fetch")
    func concurrentCallsShareDiscovery() async throws {
        try await withLocalServer(issuerPath: "/tenant-a") { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let client = makeClient(server)
            let results = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<16 { group.addTask { let r = await client.introspect(token: token); return !r.isError && r.isActive } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0 })
            #expect(server.requestCount(path: "/.well-known/oauth-authorization-server/tenant-a") == 1)
            #expect(server.requestCount(path: server.jwksPath) == 1)
            #expect(server.requestCount(path: server.introspectionPath) == 16)
        }
    }

    @Test("A custom validator replaces the default verifier")
    func customValidator() async throws {
        try await withLocalServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let validator = CountingValidator()
            let response = await makeClient(server, validator: validator).introspect(token: token)
            #expect(response.isError)
            #expect(response.error?.code == .validation)
            #expect(response.error?.validationError?.code == .badSignature)
            #expect(await validator.calls == 1)
            #expect(server.requestCount(path: server.jwksPath) == 0)
        }
    }

    @Test("An explicit endpoint, JWKS URL and verifier work without discovery")
    func explicitConfiguration() async throws {
        try await withLocalServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let verifier = IntrospectionResponseVerifier(
                policy: VerificationPolicy(issuer: server.issuer, audience: resourceServer.id, allowedAlgorithms: [.es256]),
                keySource: RemoteJWKSKeySource(url: server.jwksURI)
            )
            let client = IntrospectionClient(options: IntrospectionClientOptions(
                endpoint: server.introspectionEndpoint, clientID: resourceServer.id, clientSecret: resourceServer.secret,
                responseValidator: verifier
            ))
            let response = await client.introspect(token: token)
            #expect(!response.isError, "\(response.errorMessage ?? "")")
            #expect(response.isActive)
            #expect(server.requestCount(path: "/.well-known/oauth-authorization-server") == 0)
        }
    }
}
