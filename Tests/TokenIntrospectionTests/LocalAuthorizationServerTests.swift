import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing

@Suite("Local authorization server")
struct LocalAuthorizationServerTests {
    /// One raw call to the server.
    func post(
        _ server: LocalAuthorizationServer,
        body: String,
        headers: [(name: String, value: String)] = [("Authorization", FormCodec.basicAuthorization(clientID: resourceServer.id, clientSecret: resourceServer.secret))],
        accept: String = "application/json"
    ) async throws -> RawAnswer {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .accept: accept]
        for header in headers { fields.append(HTTPField(name: HTTPField.Name(header.name)!, value: header.value)) }
        let (response, answer) = try await AsyncHTTPClientTransport().send(
            HTTPRequest(method: .post, url: URL(string: server.introspectionEndpoint)!, headerFields: fields),
            body: Array(body.utf8), timeout: .seconds(5), maximumBodyByteCount: 65536
        )
        return RawAnswer(status: response.status.code, headerFields: response.headerFields, body: answer)
    }

    /// An answer as the tests read it.
    struct RawAnswer {
        let status: Int
        let headerFields: HTTPFields
        let body: [UInt8]

        var mediaType: String? { headerFields[.contentType] }
        func header(_ name: String) -> String? { headerFields[HTTPField.Name(name)!] }
    }

    @Test("Inactive answers are exactly {\"active\":false}, in JSON and inside the JWT")
    func inactiveAnswerIsExact() async throws {
        try await withLocalServer { server in
            let json = try await post(server, body: "token=unknown")
            #expect(json.status == 200)
            #expect(json.mediaType == "application/json")
            #expect(String(decoding: json.body, as: UTF8.self) == #"{"active":false}"#)

            let jwt = try await post(server, body: "token=unknown", accept: "application/token-introspection+jwt")
            #expect(jwt.mediaType == "application/token-introspection+jwt")
            let keys = try JWKSet(json: server.jwksDocument)
            let verified = try IntrospectionResponseVerifier(
                policy: VerificationPolicy(issuer: server.issuer, audience: resourceServer.id), keys: keys
            ).verify(String(decoding: jwt.body, as: UTF8.self), using: keys)
            #expect(verified.claims["token_introspection"] == .object(JSONObject(members: [.init(name: "active", value: .bool(false))])))
        }
    }

    @Test("The metadata is RFC 8414 at the path-inserted well-known URL")
    func metadata() async throws {
        try await withLocalServer(issuerPath: "/tenant-a") { server in
            let metadata = try await AuthorizationServerMetadata.discover(issuer: server.issuer)
            #expect(metadata.metadataURL == server.metadataURL)
            #expect(metadata.introspectionEndpoint == server.introspectionEndpoint)
            #expect(metadata.jwksURI == server.jwksURI)
            #expect(metadata.introspectionSigningAlgValuesSupported == ["ES256"])
            #expect(metadata.json["introspection_endpoint_auth_methods_supported"] == .array([.string("client_secret_basic"), .string("client_secret_post")]))
        }
    }

    @Test("Rotation publishes the new key; retiring removes the old one")
    func rotation() async throws {
        try await withLocalServer { server in
            let first = server.currentKeyID
            let second = server.rotateSigningKey()
            #expect(try JWKSet(json: server.jwksDocument).keys.compactMap(\.keyID) == [first, second])
            let third = server.rotateSigningKey(algorithm: .ps256, retirePrevious: true)
            let keys = try JWKSet(json: server.jwksDocument).keys
            #expect(keys.compactMap(\.keyID) == [third])
            #expect(keys.first?.algorithm == "PS256")
        }
    }

    @Test("Client authentication: one method only, exact credentials, post and basic both accepted")
    func clientAuthentication() async throws {
        try await withLocalServer { server in
            let encodedID = FormCodec.escape(resourceServer.id)
            let encodedSecret = FormCodec.escape(resourceServer.secret)
            #expect(try await post(server, body: "token=t&client_id=\(encodedID)&client_secret=\(encodedSecret)", headers: []).status == 200)
            #expect(try await post(server, body: "token=t&client_id=\(encodedID)&client_secret=wrong", headers: []).status == 401)
            #expect(try await post(server, body: "token=t&client_id=\(encodedID)&client_secret=\(encodedSecret)").status == 400)
            #expect(try await post(server, body: "token=t", headers: []).status == 400)
            #expect(try await post(server, body: "").status == 400)
            #expect(try await post(server, body: "token=a&token=b").status == 400)
            let wrong = try await post(server, body: "token=t", headers: [("Authorization", "Basic " + Data("x:y".utf8).base64EncodedString())])
            #expect(wrong.status == 401)
            #expect(wrong.header("WWW-Authenticate") != nil)
        }
    }

    /// The payload of a compact JWT, parsed.
    func payload(_ jwt: [UInt8]) throws -> JSONObject {
        var part = String(String(decoding: jwt, as: UTF8.self).split(separator: ".")[1])
        part = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        part += String(repeating: "=", count: (4 - part.count % 4) % 4)
        let bytes = try #require(Data(base64Encoded: part))
        return try #require(try JSONValue(parsing: Array(bytes)).objectValue)
    }

    @Test("Faults change exactly what they name")
    func faultsShapeTheAnswers() async throws {
        var faults = LocalAuthorizationServer.Faults()
        faults.topLevelSubject = true
        faults.topLevelExpiration = 600
        faults.extraMembersWhenInactive = JSONObject(members: [.init(name: "exp", value: .number(JSONNumber(1)))])
        faults.issuer = .some(nil)
        try await withLocalServer(faults: faults) { server in
            let token = server.issueToken(claims: server.accessTokenClaims())
            let active = try payload(try await post(server, body: "token=\(token)", accept: "application/token-introspection+jwt").body)
            #expect(active["iss"] == nil)
            #expect(active["sub"] == .string("Z5O3upPC88QrAjx00dis"))
            #expect(active["exp"]?.doubleValue == (active["iat"]?.doubleValue).map { $0 + 600 })
            let inactive = try await post(server, body: "token=unknown")
            #expect(String(decoding: inactive.body, as: UTF8.self) == #"{"active":false,"exp":1}"#)

            server.updateFaults { $0 = .none; $0.unauthenticatedStatus401 = true }
            #expect(try await post(server, body: "token=t", headers: []).status == 401)
            server.updateFaults { $0 = .none; $0.allowUnauthenticated = true }
            #expect(try await post(server, body: "token=\(token)", headers: []).status == 200)
        }
    }
}
