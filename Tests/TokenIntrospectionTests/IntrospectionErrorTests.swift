import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing
import TokenIntrospectionClient

@Suite("Introspection failures")
struct IntrospectionErrorTests {
    /// The wrong secret of the secret methods; the wrong key and the wrong certificate are in ClientAuthenticationTests.
    @Test("Wrong credentials give HTTP 401 invalid_client, with no JWT validation", arguments: ClientAuthenticationMethod.allCases.filter(\.usesClientSecret))
    func wrongCredentials(method: ClientAuthenticationMethod) async throws {
        try await withLocalServer { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let validator = CountingValidator()
            let response = await makeClient(server, method: method, clientSecret: "wrong", validator: validator).introspect(token: token)
            #expect(response.isError)
            #expect(response.error?.code == .httpStatus)
            #expect(response.httpStatus == 401)
            #expect(response.error?.errorCode == "invalid_client")
            #expect(!response.isActive && response.introspection == nil)
            #expect(await validator.calls == 0)
        }
    }

    @Test("Credentials sent without RFC 6749 form-encoding are refused by the server")
    func unencodedBasicCredentialsAreRefused() async throws {
        try await withLocalServer { server in
            let raw = "Basic " + Data("\(resourceServer.id):\(resourceServer.secret)".utf8).base64EncodedString()
            let (response, _) = try await AsyncHTTPClientTransport().send(
                HTTPRequest(method: .post, url: URL(string: server.introspectionEndpoint)!, headerFields: [
                    .contentType: "application/x-www-form-urlencoded", .authorization: raw,
                ]),
                body: Array("token=x".utf8), timeout: .seconds(5), maximumBodyByteCount: 4096
            )
            #expect(response.status.code == 401)
        }
    }

    @Test("An unauthenticated call gets RFC 9701's 400 (or a server's 401), never validated")
    func unauthenticated() async throws {
        try await withLocalServer { server in
            let validator = CountingValidator()
            let client = makeClient(server, method: .none, clientSecret: nil, validator: validator)
            let response = await client.introspect(token: "anything")
            #expect(response.error?.code == .httpStatus)
            #expect(response.httpStatus == 400)
            #expect(response.error?.errorCode == "invalid_request")
            server.updateFaults { $0.unauthenticatedStatus401 = true }
            let second = await client.introspect(token: "anything")
            #expect(second.httpStatus == 401)
            #expect(second.error?.code == .httpStatus)
            #expect(await validator.calls == 0)
        }
    }

    @Test("A tampered JWT response fails with bad_signature and exposes no data")
    func tamperedResponse() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.tamperPayload = true
        try await withLocalServer(faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims(scope: "read"))
            let response = await makeClient(server).introspect(token: token)
            #expect(response.error?.code == .validation)
            #expect(response.error?.validationError?.code == .badSignature)
            #expect(!response.isActive && response.scopes.isEmpty && response.json == nil && response.jwt == nil)
            #expect(!response.rawBody.isEmpty)
        }
    }

    @Test("A JWT signed by a key the JWKS does not publish fails with unknown_key after one refetch")
    func unknownKey() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.signWithUnpublishedKey = true
        try await withLocalServer(faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let response = await makeClient(server).introspect(token: token)
            #expect(response.error?.code == .validation)
            #expect(response.error?.validationError?.code == .unknownKey)
            #expect(server.requestCount(path: server.jwksPath) == 2)
        }
    }

    @Test("A JSON answer to a JWT request is a downgrade error, whatever it says", arguments: ["application/json", "application/json; charset=utf-8", "text/plain", "application/jwt"])
    func downgrade(contentType: String) async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.jsonForJWTRequests = true
        faults.contentType = contentType
        try await withLocalServer(faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let response = await makeClient(server).introspect(token: token)
            #expect(response.isError)
            #expect(response.error?.code == .validation)
            #expect(response.error?.isDowngrade == true)
            #expect(response.error?.validationError?.code == .downgrade)
            #expect(!response.isActive && response.json == nil)
        }
    }

    @Test("The JWT media type is matched case-insensitively with parameters ignored")
    func jwtMediaTypeVariants() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.contentType = "Application/Token-Introspection+JWT; charset=utf-8"
        try await withLocalServer(faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let response = await makeClient(server).introspect(token: token)
            #expect(!response.isError, "\(response.errorMessage ?? "")")
            #expect(response.isActive)
        }
    }

    @Test("A JWT answer to a JSON request is a protocol error")
    func jwtForJSONRequest() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.contentType = "application/token-introspection+jwt"
        try await withLocalServer(faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let response = await makeClient(server, format: .json).introspect(token: token)
            #expect(response.error?.code == .protocol)
            #expect(!response.isActive)
        }
    }

    @Test("$error and error bodies surface with their text", arguments: [500, 200, 400])
    func errorBodies(status: Int) async throws {
        let text = "There was an error introspecting your token."
        var faults = LocalAuthorizationServer.Faults()
        faults.errorResponse = (status, #"{"$error": "There was an error introspecting your token."}"#)
        try await withLocalServer(faults: faults) { server in
            for format in IntrospectionResponseFormat.allCases {
                let response = await makeClient(server, format: format).introspect(token: "t")
                #expect(response.isError)
                #expect(response.error?.code == (status == 200 ? .protocol : .httpStatus))
                #expect(response.error?.errorDescription == text)
                #expect(response.errorMessage?.contains(text) == true)
                #expect(!response.isActive)
            }
            server.updateFaults { $0.errorResponse = (status, #"{"error":"server_error","error_description":"database down"}"#) }
            let response = await makeClient(server, format: .json).introspect(token: "t")
            #expect(response.error?.errorCode == "server_error")
            #expect(response.error?.errorDescription == "database down")
        }
    }

    @Test("A slow server makes the call fail with a timeout, on time")
    func timeout() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.introspectionDelay = .seconds(6)
        try await withLocalServer(faults: faults) { server in
            // 400 ms against a 6 s delay: "on time" is well before the answer, with room for a loaded machine.
            // The endpoint and keys are given, so the slow call is the first and only request: no discovery
            // (which the same 400 ms would bound) runs before it.
            let client = IntrospectionClient(options: IntrospectionClientOptions(
                issuer: server.issuer, endpoint: server.introspectionEndpoint, clientID: resourceServer.id,
                clientSecret: resourceServer.secret, jwksURI: server.jwksURI, timeout: .milliseconds(400)))
            let clock = ContinuousClock()
            let start = clock.now
            let response = await client.introspect(token: "t")
            let elapsed = clock.now - start
            #expect(response.error?.code == .transport)
            #expect(response.errorMessage?.contains("timed out") == true)
            #expect(elapsed < .seconds(5))
            #expect(server.requestCount(path: "/.well-known/oauth-authorization-server") == 0)
        }
    }

    @Test("Response claims the verifier rejects fail validation with its code", arguments: [
        ("iss", IntrospectionJWTError.Code.wrongIssuer), ("aud", .wrongAudience), ("typ", .wrongType), ("iat", .missingClaim),
        ("old", .expired), ("active", .invalidIntrospection),
    ])
    func claimFaults(fault: String, code: IntrospectionJWTError.Code) async throws {
        var faults = LocalAuthorizationServer.Faults()
        switch fault {
        case "iss": faults.issuer = .some("https://evil.example")
        case "aud": faults.audience = .some(.string("someone-else"))
        case "typ": faults.type = .some("JWT")
        case "iat": faults.omitIssuedAt = true
        case "old": faults.issuedAtOffset = -3600
        default: faults.activeValue = .string("true")
        }
        try await withLocalServer(faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let response = await makeClient(server).introspect(token: token)
            #expect(response.error?.code == .validation)
            #expect(response.error?.validationError?.code == code, "\(response.errorMessage ?? "")")
        }
    }

    @Test("Metadata whose issuer differs is not used (RFC 8414 §3.3)")
    func metadataIssuerMismatch() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.metadataIssuer = "https://impostor.example"
        try await withLocalServer(faults: faults) { server in
            let response = await makeClient(server).introspect(token: "t")
            #expect(response.error?.code == .configuration)
            #expect(server.requestCount(path: server.introspectionPath) == 0)
        }
    }

    @Test("JWT responses without an issuer to verify against are a configuration error, not a format-only check")
    func noFormatOnlyDefault() async {
        let client = IntrospectionClient(options: IntrospectionClientOptions(
            endpoint: "http://127.0.0.1:9/introspect", clientID: "rs", clientSecret: "s", responseFormat: .jwt
        ))
        let response = await client.introspect(token: "t")
        #expect(response.error?.code == .configuration)
    }

    @Test("A refused connection is a transport error; a non-https endpoint is refused before sending")
    func transportAndURLPolicy() async {
        let refused = IntrospectionClient(options: IntrospectionClientOptions(
            endpoint: "http://127.0.0.1:9/introspect", clientID: "rs", clientSecret: "s", responseFormat: .json
        ))
        #expect(await refused.introspect(token: "t").error?.code == .transport)
        let plain = IntrospectionClient(options: IntrospectionClientOptions(
            endpoint: "http://as.example.com/introspect", clientID: "rs", clientSecret: "s", responseFormat: .json
        ))
        #expect(await plain.introspect(token: "t").error?.code == .configuration)
    }

    @Test("Redirects are not followed: the credentials never go elsewhere")
    func redirectsAreNotFollowed() async throws {
        try await TestHTTPServer.start { _ in .json(#"{"active":true}"#) }.shuttingDown { target in
            try await TestHTTPServer.start { _ in .redirect(to: target.baseURL + "/introspect", status: 307) }.shuttingDown { redirecting in
                let client = IntrospectionClient(options: IntrospectionClientOptions(
                    endpoint: redirecting.baseURL + "/introspect", clientID: "rs", clientSecret: "s", responseFormat: .json
                ))
                let response = await client.introspect(token: "t")
                #expect(response.error?.code == .httpStatus)
                #expect(response.httpStatus == 307)
                #expect(target.requestCount == 0)
            }
        }
    }
}
