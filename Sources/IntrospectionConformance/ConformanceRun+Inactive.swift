import HTTPTypes
import IntrospectionJWT
import IntrospectionRemoteKeys
import TokenIntrospectionClient

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
        let response: Received
        switch await sendAuthenticated(endpoint: endpoint, token: token, accept: ConformanceRequests.jwtMediaType) {
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
        let response: Received
        switch await sendAuthenticated(endpoint: endpoint, token: configuration.activeToken, accept: "application/json") {
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
            endpoint: endpoint, token: configuration.activeToken, accept: ConformanceRequests.jwtMediaType, credentials: .none)
        switch await send(unauthenticated) {
        case .failure(let error): fail(ConformanceChecks.authUnauthenticated, error.reason)
        case .success(let response):
            switch response.status {
            case 400: pass(ConformanceChecks.authUnauthenticated, Self.describeStatus(response))
            case 200..<300: fail(ConformanceChecks.authUnauthenticated, "\(Self.describeStatus(response)): the unauthenticated request was answered")
            default: fail(ConformanceChecks.authUnauthenticated, "\(Self.describeStatus(response)) instead of 400")
            }
        }

        let wrong: ConformanceRequests.Request
        switch wrongCredentialsRequest(endpoint: endpoint) {
        case .success(let request): wrong = request
        case .failure(let skipped):
            skip(ConformanceChecks.authWrongCredentials, skipped.reason)
            skip(ConformanceChecks.authChallenge, "no wrong credentials sent (auth.wrong_credentials)")
            return
        }
        let usesAuthorizationHeader = wrong.headerFields[.authorization] != nil
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
            guard usesAuthorizationHeader else {
                // RFC 6749 §5.2 asks for the challenge only after an Authorization header.
                return skip(ConformanceChecks.authChallenge, "\(configuration.authenticationMethod) does not use the Authorization header")
            }
            if let challenge = response.headerFields[.wwwAuthenticate] {
                pass(ConformanceChecks.authChallenge, "WWW-Authenticate: \(quoted(challenge, limit: 60))")
            } else {
                fail(ConformanceChecks.authChallenge, "the 401 has no WWW-Authenticate header")
            }
        }
    }

    /// The request of `auth.wrong_credentials`, by method: a wrong secret (Basic or in the form), an
    /// assertion whose signature is spoiled; or why none can be made (`tls_client_auth`: the checker has
    /// one certificate; `none`: nothing to get wrong).
    func wrongCredentialsRequest(endpoint: String) -> Result<ConformanceRequests.Request, ReasonError> {
        let clientID = configuration.clientID
        let credentials: ConformanceRequests.Credentials
        switch configuration.authenticationMethod {
        case .clientSecretBasic:
            credentials = .basic(FormURLEncoding.basicAuthorization(clientID: clientID, clientSecret: configuration.clientSecret + "-wrong"))
        case .clientSecretPost:
            credentials = .form([("client_id", clientID), ("client_secret", configuration.clientSecret + "-wrong")])
        case .privateKeyJWT:
            switch assertion() {
            case .success(let assertion):
                credentials = .form([
                    ("client_id", clientID), ("client_assertion_type", ClientAssertion.assertionType),
                    ("client_assertion", Self.spoilingSignature(of: assertion)),
                ])
            case .failure(let error):
                return .failure(error)
            }
        default:
            return .failure(ReasonError("\(configuration.authenticationMethod): the checker has no wrong credentials to present"))
        }
        return .success(ConformanceRequests.introspection(
            endpoint: endpoint, token: configuration.activeToken, accept: ConformanceRequests.jwtMediaType, credentials: credentials))
    }

    /// The JWS with the first character of its signature changed: the same claims, a signature that does
    /// not verify.
    static func spoilingSignature(of jws: String) -> String {
        guard let dot = jws.lastIndex(of: "."), jws.index(after: dot) < jws.endIndex else { return jws + "A" }
        let first = jws[jws.index(after: dot)]
        return String(jws[...dot]) + (first == "A" ? "B" : "A") + String(jws[jws.index(dot, offsetBy: 2)...])
    }

    // MARK: - private_key_jwt replay (RFC 7523 §3)

    /// `auth.assertion_replay`: with `private_key_jwt`, one assertion sent twice. The first use must be
    /// accepted (else the check is skipped); the second should be refused.
    func checkAssertionReplay(endpoint: String) async {
        let check = ConformanceChecks.authAssertionReplay
        guard configuration.authenticationMethod == .privateKeyJWT else {
            return skip(check, "only with private_key_jwt (the checker authenticates with \(configuration.authenticationMethod))")
        }
        let request: ConformanceRequests.Request
        switch authenticatedRequest(endpoint: endpoint, token: configuration.activeToken, accept: ConformanceRequests.jwtMediaType) {
        case .success(let value): request = value
        case .failure(let error): return skip(check, error.reason)
        }
        switch await send(request) {
        case .failure(let error): return skip(check, "the first use failed: \(error.reason)")
        case .success(let first) where first.status != 200:
            return skip(check, "the first use of the assertion was not accepted: \(Self.describeStatus(first))")
        case .success:
            break
        }
        switch await send(request) {
        case .failure(let error): fail(check, "the replay got no answer: \(error.reason)")
        case .success(let replay) where (200..<300).contains(replay.status):
            fail(check, "the same assertion (same jti) was accepted twice: \(Self.describeStatus(replay))")
        case .success(let replay):
            pass(check, "the replayed assertion was refused: \(Self.describeStatus(replay))")
        }
    }

    // MARK: - token_type_hint (RFC 7662 §2.1)

    /// A `token_type_hint` that does not fit the token (`refresh_token` for the active access token), and
    /// one that no registry knows.
    static let wrongHint = "refresh_token"
    /// An unregistered `token_type_hint` value.
    static let unknownHint = "urn:example:unknown-token-type"

    /// `token_type_hint.wrong` and `token_type_hint.unknown`: the active token, asked about with a hint of
    /// the wrong type and with an unknown hint, is still found (RFC 7662 §2.1: when the hint does not find
    /// it, the server MUST extend its search across all of its supported token types).
    func checkTokenTypeHints(endpoint: String) async {
        let checks = [ConformanceChecks.tokenTypeHintWrong, ConformanceChecks.tokenTypeHintUnknown]
        if let failed = firstNotPassed([ConformanceChecks.jwtStatus, ConformanceChecks.jwtCompact, ConformanceChecks.jwtTokenIntrospection]) {
            return skipRest(checks, "the active answer did not pass \(failed.id)")
        }
        for (check, hint) in zip(checks, [Self.wrongHint, Self.unknownHint]) {
            let response: Received
            switch await sendAuthenticated(
                endpoint: endpoint, token: configuration.activeToken, accept: ConformanceRequests.jwtMediaType,
                extraParameters: [("token_type_hint", hint)])
            {
            case .success(let value): response = value
            case .failure(let error):
                fail(check, error.reason)
                continue
            }
            guard response.status == 200 else {
                fail(check, "\(Self.describeStatus(response)) for token_type_hint=\(hint)")
                continue
            }
            do {
                let rules = try signedRules(of: String(decoding: response.body, as: UTF8.self))
                let active = rules.claims["token_introspection"]?.objectValue?["active"]
                if active == .bool(true) {
                    pass(check, "token_type_hint=\(hint): still active")
                } else {
                    fail(check, "token_type_hint=\(hint): \"active\" is \(active.map { quoted($0) } ?? "missing"): the search was not extended")
                }
            } catch {
                fail(check, "token_type_hint=\(hint): the answer is not a JWT: \(error.message)")
            }
        }
    }
}
