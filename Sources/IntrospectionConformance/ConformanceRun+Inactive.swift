import HTTPTypes
import IntrospectionJWT
import IntrospectionRemoteKeys

extension ConformanceRun {
    /// The `inactive.*` checks, in report order.
    static let inactiveChecks: [ConformanceCheckDefinition] = [
        ConformanceChecks.inactiveStatus, ConformanceChecks.inactiveSignature, ConformanceChecks.inactiveExactlyFalse,
    ]

    /// The JWT request for an inactive token (the configured one, else a random string). An encrypted
    /// answer is decrypted as the verifier would (its encryption is judged on the active answer, by the
    /// `jwe.*` checks).
    ///
    /// It runs only when the active answer passed the checks it would repeat (status, no downgrade,
    /// structure, key, signature): a server that fails those fails them for every answer, and the
    /// report names each defect once.
    func checkInactive(endpoint: String, keys: JWKSet?) async {
        let prerequisites = [
            ConformanceChecks.jwtStatus, ConformanceChecks.jwtNotDowngraded, ConformanceChecks.jwtCompact,
            ConformanceChecks.jwtKeyID, ConformanceChecks.jwtSignature,
        ]
        if let failed = firstNotPassed(prerequisites) {
            return skipRest(Self.inactiveChecks, "the active answer did not pass \(failed.id)")
        }
        guard let keys else { return skipRest(Self.inactiveChecks, "no JWK Set (jwks.document)") }
        let token = configuration.inactiveToken ?? ConformanceRequests.randomToken()
        let request = ConformanceRequests.introspection(
            endpoint: endpoint, token: token, accept: ConformanceRequests.jwtMediaType, authorization: basicAuthorization)
        let response: Received
        switch await send(request) {
        case .success(let value): response = value
        case .failure(let error):
            fail(ConformanceChecks.inactiveStatus, error.reason)
            return skipRest(Self.inactiveChecks, "no answer (inactive.status)")
        }
        guard response.status == 200 else {
            fail(ConformanceChecks.inactiveStatus, Self.describeStatus(response) + "; an inactive token is not an error")
            return skipRest(Self.inactiveChecks, "no 200 answer (inactive.status)")
        }
        let answer: ResponseRules
        let body = String(decoding: response.body, as: UTF8.self)
        do {
            answer = try signedRules(of: body)
        } catch {
            fail(ConformanceChecks.inactiveStatus, "status 200, but the body is not a compact JWS (or a JWE around one): \(error.message)")
            return skipRest(Self.inactiveChecks, "no JWT (inactive.status)")
        }
        let encrypted = EncryptedResponseRules.isEncrypted(body)
        pass(ConformanceChecks.inactiveStatus, encrypted ? "status 200 with a compact JWE around a JWS" : "status 200 with a compact JWS")

        checkSignature(answer, keys: keys, check: ConformanceChecks.inactiveSignature)
        guard passed(ConformanceChecks.inactiveSignature) else {
            return skip(ConformanceChecks.inactiveExactlyFalse, "the answer is not verified (inactive.signature)")
        }
        guard passed(ConformanceChecks.jwtTokenIntrospection) else {
            return skip(ConformanceChecks.inactiveExactlyFalse, "the active answer did not pass jwt.token_introspection")
        }
        record(ConformanceChecks.inactiveExactlyFalse, Self.checkExactlyInactive(answer.claims))
    }

    /// `inactive.active_false`: `token_introspection` is exactly `{"active": false}`.
    static func checkExactlyInactive(_ claims: JSONObject) -> Result<String, ReasonError> {
        guard let value = claims["token_introspection"] else { return .failure(ReasonError("no \"token_introspection\" claim")) }
        guard let object = value.objectValue else {
            return .failure(ReasonError("\"token_introspection\" is a \(value.typeName), not an object"))
        }
        guard let active = object["active"] else { return .failure(ReasonError("no \"active\" member")) }
        guard active == .bool(false) else {
            return .failure(ReasonError("\"active\" is \(quoted(active)) for an inactive token"))
        }
        let others = object.members.map(\.name).filter { $0 != "active" }
        guard others.isEmpty else {
            return .failure(ReasonError("other members besides \"active\": \(others.joined(separator: ", "))"))
        }
        return .success("exactly {\"active\": false}")
    }

    /// `json.response`: the active token without the JWT media type.
    func checkPlainJSON(endpoint: String) async {
        let check = ConformanceChecks.jsonResponse
        let request = ConformanceRequests.introspection(
            endpoint: endpoint, token: configuration.activeToken, accept: "application/json", authorization: basicAuthorization)
        let response: Received
        switch await send(request) {
        case .success(let value): response = value
        case .failure(let error): return fail(check, error.reason)
        }
        guard response.status == 200 else { return fail(check, Self.describeStatus(response)) }
        guard response.mediaType == "application/json" else {
            return fail(check, response.mediaType.map { "Content-Type is \(quoted($0)), not application/json" } ?? "no Content-Type")
        }
        let object: JSONObject
        do {
            let value = try JSONValue(parsing: response.body)
            guard let value = value.objectValue else { return fail(check, "the body is a JSON \(value.typeName), not an object") }
            object = value
        } catch {
            return fail(check, "the body is \(error.message)")
        }
        do {
            let introspection = try TokenIntrospection(validating: object)
            guard introspection.isActive else { return fail(check, "\"active\" is false for the token given as active") }
        } catch {
            return fail(check, error.message)
        }
        pass(check, "200 application/json, active: true")
    }

    /// `auth.unauthenticated`, `auth.wrong_credentials` and `auth.www_authenticate`.
    func checkAuthentication(endpoint: String) async {
        let unauthenticated = ConformanceRequests.introspection(
            endpoint: endpoint, token: configuration.activeToken, accept: ConformanceRequests.jwtMediaType, authorization: nil)
        switch await send(unauthenticated) {
        case .failure(let error): fail(ConformanceChecks.authUnauthenticated, error.reason)
        case .success(let response):
            switch response.status {
            case 400: pass(ConformanceChecks.authUnauthenticated, Self.describeStatus(response))
            case 200..<300: fail(ConformanceChecks.authUnauthenticated, "\(Self.describeStatus(response)): the unauthenticated request was answered")
            default: fail(ConformanceChecks.authUnauthenticated, "\(Self.describeStatus(response)) instead of 400")
            }
        }

        let wrongSecret = FormURLEncoding.basicAuthorization(
            clientID: configuration.clientID, clientSecret: configuration.clientSecret + "-wrong")
        let wrong = ConformanceRequests.introspection(
            endpoint: endpoint, token: configuration.activeToken, accept: ConformanceRequests.jwtMediaType, authorization: wrongSecret)
        switch await send(wrong) {
        case .failure(let error):
            fail(ConformanceChecks.authWrongCredentials, error.reason)
            skip(ConformanceChecks.authChallenge, "no answer (auth.wrong_credentials)")
        case .success(let response):
            guard response.status == 401 else {
                let accepted = (200..<300).contains(response.status) ? ": the wrong secret was accepted" : " instead of 401"
                fail(ConformanceChecks.authWrongCredentials, Self.describeStatus(response) + accepted)
                skip(ConformanceChecks.authChallenge, "no 401 (auth.wrong_credentials)")
                return
            }
            pass(ConformanceChecks.authWrongCredentials, Self.describeStatus(response))
            if let challenge = response.headerFields[.wwwAuthenticate] {
                pass(ConformanceChecks.authChallenge, "WWW-Authenticate: \(quoted(challenge, limit: 60))")
            } else {
                fail(ConformanceChecks.authChallenge, "the 401 has no WWW-Authenticate header")
            }
        }
    }
}
