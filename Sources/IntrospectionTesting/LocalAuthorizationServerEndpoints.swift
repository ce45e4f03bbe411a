import Foundation
import IntrospectionJWT
import NIOConcurrencyHelpers

extension LocalAuthorizationServer {
    /// Routes one request.
    func handle(_ request: TestHTTPServer.Request) -> TestHTTPServer.Response {
        let path = request.pathWithoutQuery
        let openIDOnly = state.withLockedValue { $0.faults.metadataOnlyAtOpenIDLocation }
        let metadataPath = openIDOnly ? issuerPath + "/.well-known/openid-configuration" : "/.well-known/oauth-authorization-server" + issuerPath
        if path == metadataPath {
            guard request.method == "GET" else { return Self.methodNotAllowed("GET") }
            return Self.json(200, metadata())
        }
        if path == jwksPath {
            guard request.method == "GET" else { return Self.methodNotAllowed("GET") }
            return TestHTTPServer.Response(status: 200, headers: [("Content-Type", "application/jwk-set+json")], body: Array(jwksDocument.utf8))
        }
        if path == introspectionPath || (tls?.publishesMutualTLSAlias == true && path == mutualTLSIntrospectionPath) {
            return introspect(request)
        }
        return Self.json(404, Self.object(["error": .string("not_found")]))
    }

    // MARK: - Metadata (RFC 8414 §2, RFC 9701 §7)

    func metadata() -> JSONObject {
        let (faults, keys, clients) = state.withLockedValue { ($0.faults, $0.keys, $0.clients) }
        var algorithms: [String] = []
        for key in keys where !algorithms.contains(key.algorithm.rawValue) { algorithms.append(key.algorithm.rawValue) }
        let document = Self.object([
            "issuer": .string(faults.metadataIssuer ?? issuer),
            "introspection_endpoint": .string(introspectionEndpoint),
            "jwks_uri": .string(jwksURI),
            "response_types_supported": .array([.string("code")]),
        ])
        var members = document.members
        // RFC 8414 §2: the methods the registered clients use, in a fixed order.
        let methods = ["client_secret_basic", "client_secret_post", "private_key_jwt", "tls_client_auth"].filter { method in
            clients.contains { $0.authenticationMethods.contains(method) }
        }
        let advertisedMethods: [String]?
        switch faults.advertisedAuthenticationMethods {
        case .none: advertisedMethods = methods
        case .some(let names): advertisedMethods = names
        }
        if let advertisedMethods {
            members.append(.init(name: "introspection_endpoint_auth_methods_supported", value: .array(advertisedMethods.map(JSONValue.string))))
        }
        if methods.contains("private_key_jwt") {
            let signing = SignatureAlgorithm.allCases.map { JSONValue.string($0.rawValue) }
            members.append(.init(name: "introspection_endpoint_auth_signing_alg_values_supported", value: .array(signing)))
        }
        if tls?.publishesMutualTLSAlias == true {
            members.append(.init(name: "mtls_endpoint_aliases", value: .object(Self.object([
                "introspection_endpoint": .string(mutualTLSIntrospectionEndpoint),
            ]))))
        }
        let advertised: [String]?
        switch faults.advertisedSigningAlgorithms {
        case .none: advertised = algorithms
        case .some(let names): advertised = names
        }
        if let advertised {
            members.append(.init(name: "introspection_signing_alg_values_supported", value: .array(advertised.map(JSONValue.string))))
        }
        return JSONObject(members: members + encryptionMetadata(faults))
    }

    // MARK: - Introspection (RFC 7662 §2, RFC 9701 §4-5)

    func introspect(_ request: TestHTTPServer.Request) -> TestHTTPServer.Response {
        let faults = state.withLockedValue { $0.faults }
        var response = introspectionResponse(request, faults: faults)
        if let delay = faults.introspectionDelay { response.delay = delay }
        return response
    }

    private func introspectionResponse(_ request: TestHTTPServer.Request, faults: Faults) -> TestHTTPServer.Response {
        guard request.method == "POST" else { return Self.methodNotAllowed("POST") }
        if let error = faults.errorResponse {
            return TestHTTPServer.Response(status: error.status, headers: [("Content-Type", "application/json")], body: Array(error.body.utf8))
        }
        if let throttle = faults.retryAfter {
            var response = Self.oauthError(throttle.status, "temporarily_unavailable", "try again later")
            response.headers.append(("Retry-After", throttle.value))
            if let date = throttle.date { response.headers.append(("Date", date)) }
            return response
        }
        guard let contentType = request.header("Content-Type"),
            Self.mediaType(contentType) == "application/x-www-form-urlencoded"
        else {
            return Self.oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
        }
        guard let parameters = FormCodec.decode(String(decoding: request.body, as: UTF8.self)) else {
            return Self.oauthError(400, "invalid_request", "the form body is malformed")
        }
        // RFC 6749 §3.1: parameters must not be repeated.
        var seen = Set<String>()
        for parameter in parameters where !seen.insert(parameter.name).inserted {
            return Self.oauthError(400, "invalid_request", "the parameter \(parameter.name) is repeated")
        }
        func parameter(_ name: String) -> String? { parameters.first { $0.name == name }?.value }

        let caller: Client?
        switch authenticate(request, parameter: parameter, faults: faults) {
        case .success(let client): caller = client
        case .failure(let error): return error.response
        }

        guard let token = parameter("token"), !token.isEmpty else {
            return Self.oauthError(400, "invalid_request", "the token parameter is missing")
        }
        let hint = parameter("token_type_hint")
        if faults.refuseUnknownTokenTypeHints, let hint, !Self.knownTokenTypes.contains(hint) {
            // What RFC 7009 §2.2.1 has for revocation; RFC 7662 §2.1 wants the search extended instead.
            return Self.oauthError(400, "unsupported_token_type", "the token_type_hint \(hint) is not supported")
        }
        let introspection = introspectionObject(for: token, caller: caller, faults: faults, hint: hint)
        let wantsJWT = (request.header("Accept") ?? "").split(separator: ",").contains {
            Self.mediaType(String($0)) == "application/token-introspection+jwt"
        }
        if wantsJWT, !faults.jsonForJWTRequests {
            let jwt = encryptedIfRegistered(
                signedResponse(introspection, audience: caller?.audience ?? "unauthenticated", faults: faults), for: caller, faults: faults)
            return TestHTTPServer.Response(
                status: 200,
                headers: [("Content-Type", faults.contentType ?? "application/token-introspection+jwt"), ("Cache-Control", "no-store")],
                body: Array(jwt.utf8)
            )
        }
        var response = Self.json(200, introspection)
        response.headers = [("Content-Type", faults.contentType ?? "application/json"), ("Cache-Control", "no-store")]
        return response
    }

    /// The caller, from exactly one of HTTP Basic (the header must be exactly what RFC 6749 §2.3.1
    /// prescribes), `client_secret_post`, a client assertion (`private_key_jwt`) and, for a client that
    /// registered it and names itself with `client_id`, its TLS certificate (`tls_client_auth`); or the
    /// error response.
    private func authenticate(
        _ request: TestHTTPServer.Request,
        parameter: (String) -> String?,
        faults: Faults
    ) -> Result<Client?, ResponseError> {
        let clients = state.withLockedValue { $0.clients }
        let authorization = request.header("Authorization")
        let (clientID, clientSecret) = (parameter("client_id"), parameter("client_secret"))
        let assertion = (parameter("client_assertion"), parameter("client_assertion_type"))
        let usesAssertion = assertion.0 != nil || assertion.1 != nil
        if [authorization != nil, clientSecret != nil, usesAssertion].filter({ $0 }).count > 1 {
            return .failure(ResponseError(Self.oauthError(400, "invalid_request", "more than one client authentication method")))
        }
        if usesAssertion {
            return authenticateAssertion(assertion.0, type: assertion.1, clientID: clientID, clients: clients, faults: faults).map { $0 }
        }
        if authorization == nil, let clientID, let client = clients.first(where: { $0.id == clientID }),
            client.authenticationMethods.contains("tls_client_auth")
        {
            return authenticateCertificate(request, client: client).map { $0 }
        }
        if let authorization {
            guard let client = Self.basicClient(authorization, clients: clients),
                client.authenticationMethods.contains("client_secret_basic"),
                authorization == FormCodec.basicAuthorization(clientID: client.id, clientSecret: client.secret)
            else {
                return .failure(ResponseError(Self.invalidClient()))
            }
            return .success(client)
        }
        if let clientSecret {
            guard let clientID, let client = clients.first(where: { $0.id == clientID }),
                client.authenticationMethods.contains("client_secret_post"),
                client.secret.utf8.elementsEqual(clientSecret.utf8)
            else {
                return .failure(ResponseError(Self.invalidClient()))
            }
            return .success(client)
        }
        if faults.allowUnauthenticated { return .success(nil) }
        if faults.unauthenticatedStatus401 { return .failure(ResponseError(Self.invalidClient())) }
        // RFC 9701 §5: a server that cannot authenticate the caller answers 400.
        return .failure(ResponseError(Self.oauthError(400, "invalid_request", "the introspection request is not authenticated")))
    }

    /// The client named by a Basic header's user-id (form-decoded), if any.
    private static func basicClient(_ authorization: String, clients: [Client]) -> Client? {
        guard authorization.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6))),
            let credentials = String(data: decoded, encoding: .utf8),
            let colon = credentials.firstIndex(of: ":"),
            let id = FormCodec.unescape(String(credentials[..<colon]))
        else { return nil }
        return clients.first { $0.id.utf8.elementsEqual(id.utf8) }
    }

    /// The RFC 7662 object for `token` as `caller` sees it: exactly `{"active":false}` unless the token is
    /// known, not revoked, within its time window and meant for the caller.
    private func introspectionObject(for token: String, caller: Client?, faults: Faults, hint: String?) -> JSONObject {
        var record = state.withLockedValue { $0.tokens[token] }
        if faults.tokenTypeHintRestrictsLookup, let hint, Self.knownTokenTypes.contains(hint), record?.type != hint {
            record = nil  // looked up among tokens of the hinted type only
        }
        let now = Date().timeIntervalSince1970
        var active = false
        if let record, !record.revoked {
            active = true
            if let allowed = record.allowedClients, !allowed.contains(caller?.id ?? "") { active = false }
            if let expiration = record.claims["exp"]?.doubleValue, expiration <= now { active = false }
            if let notBefore = record.claims["nbf"]?.doubleValue, notBefore > now { active = false }
        }
        var members: [JSONObject.Member] = [.init(name: "active", value: faults.activeValue ?? .bool(active))]
        if active, let record {
            members += record.claims.members.filter { $0.name != "active" }
        } else if let extra = faults.extraMembersWhenInactive {
            members += extra.members
        }
        return JSONObject(members: members)
    }

    /// The RFC 9701 §5 JWT for `introspection`, with the faults applied.
    private func signedResponse(_ introspection: JSONObject, audience: String, faults: Faults) -> String {
        var signer = state.withLockedValue { $0.keys.last! }
        if faults.signWithUnpublishedKey {
            signer = SigningKey(key: unpublishedKey(for: signer.algorithm), algorithm: signer.algorithm)
        }
        var header: [JSONObject.Member] = []
        switch faults.type {
        case .none: header.append(.init(name: "typ", value: .string("token-introspection+jwt")))
        case .some(.some(let type)): header.append(.init(name: "typ", value: .string(type)))
        case .some(.none): break
        }
        header.append(.init(name: "alg", value: .string(faults.algorithmHeader ?? signer.algorithm.rawValue)))
        if let keyID = signer.key.keyID { header.append(.init(name: "kid", value: .string(keyID))) }

        let issuedAt = Int(Date().timeIntervalSince1970) + faults.issuedAtOffset
        func payload(_ introspection: JSONObject) -> JSONObject {
            var claims: [JSONObject.Member] = []
            switch faults.issuer {
            case .none: claims.append(.init(name: "iss", value: .string(issuer)))
            case .some(.some(let value)): claims.append(.init(name: "iss", value: .string(value)))
            case .some(.none): break
            }
            switch faults.audience {
            case .none: claims.append(.init(name: "aud", value: .string(audience)))
            case .some(.some(let value)): claims.append(.init(name: "aud", value: value))
            case .some(.none): break
            }
            if !faults.omitIssuedAt { claims.append(.init(name: "iat", value: .number(JSONNumber(issuedAt)))) }
            if faults.topLevelSubject, let subject = introspection["sub"] { claims.append(.init(name: "sub", value: subject)) }
            if let lifetime = faults.topLevelExpiration { claims.append(.init(name: "exp", value: .number(JSONNumber(issuedAt + lifetime)))) }
            if !faults.omitTokenIntrospection { claims.append(.init(name: "token_introspection", value: .object(introspection))) }
            return JSONObject(members: claims)
        }

        let headerText = TestBase64URL.encode(JSONWriter.string(for: .object(JSONObject(members: header))))
        let payloadText = TestBase64URL.encode(JSONWriter.string(for: .object(payload(introspection))))
        let signingInput = headerText + "." + payloadText
        let signature = TestBase64URL.encode(signer.key.sign(Array(signingInput.utf8), algorithm: signer.algorithm))
        guard faults.tamperPayload else { return signingInput + "." + signature }
        // What an attacker on the path would want: an active token with more scope, under the old signature.
        var forged = introspection.members.filter { $0.name != "active" && $0.name != "scope" }
        forged.insert(.init(name: "active", value: .bool(true)), at: 0)
        forged.append(.init(name: "scope", value: .string(((introspection["scope"]?.stringValue).map { $0 + " " } ?? "") + "admin")))
        let forgedPayload = TestBase64URL.encode(JSONWriter.string(for: .object(payload(JSONObject(members: forged)))))
        return headerText + "." + forgedPayload + "." + signature
    }

    /// A key the JWKS never publishes (kid `unpublished-<alg>`), made on first use.
    private func unpublishedKey(for algorithm: SignatureAlgorithm) -> TestSigningKey {
        if let key = state.withLockedValue({ $0.unpublishedKeys[algorithm] }) { return key }
        let key = Self.makeKey(for: algorithm, keyID: "unpublished-\(algorithm.rawValue)")
        return state.withLockedValue { state in
            if let existing = state.unpublishedKeys[algorithm] { return existing }
            state.unpublishedKeys[algorithm] = key
            return key
        }
    }

    // MARK: - Responses

    /// An error response carried through `Result`.
    struct ResponseError: Error {
        let response: TestHTTPServer.Response
        init(_ response: TestHTTPServer.Response) { self.response = response }
    }

    static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONObject {
        JSONObject(members: members.map { JSONObject.Member(name: $0.key, value: $0.value) })
    }

    static func json(_ status: Int, _ object: JSONObject) -> TestHTTPServer.Response {
        TestHTTPServer.Response(status: status, headers: [("Content-Type", "application/json")], body: Array(JSONWriter.string(for: .object(object)).utf8))
    }

    /// An RFC 6749 §5.2 error.
    static func oauthError(_ status: Int, _ code: String, _ description: String) -> TestHTTPServer.Response {
        json(status, object(["error": .string(code), "error_description": .string(description)]))
    }

    /// 401 `invalid_client`, with the challenge RFC 6749 §5.2 asks for when the client used the
    /// `Authorization` header.
    static func invalidClient(_ description: String = "client authentication failed", challenge: Bool = true) -> TestHTTPServer.Response {
        var response = oauthError(401, "invalid_client", description)
        if challenge { response.headers.append(("WWW-Authenticate", "Basic realm=\"introspection\"")) }
        return response
    }

    /// The `token_type_hint` values of the RFC 7009 registry.
    static let knownTokenTypes: Set<String> = ["access_token", "refresh_token"]

    static func methodNotAllowed(_ allowed: String) -> TestHTTPServer.Response {
        var response = oauthError(405, "invalid_request", "use \(allowed)")
        response.headers.append(("Allow", allowed))
        return response
    }

    /// The lower-cased `type/subtype` of a media type, parameters dropped. The server side's own reading,
    /// kept apart from the client's (`MediaType` in IntrospectionRemoteKeys) as `FormCodec` is: a mistake
    /// shared by both sides could not make the tests fail.
    static func mediaType(_ value: String) -> String {
        (value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: .whitespaces).lowercased()
    }
}
