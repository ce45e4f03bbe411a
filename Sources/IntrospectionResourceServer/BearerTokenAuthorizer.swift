public import HTTPTypes
public import Logging
import IntrospectionJWT
public import Metrics

/// The decision logic of a resource server, written once for every framework adapter and the
/// forward-auth service: read the bearer token (RFC 6750 §2.1), introspect it through the cache, check
/// the route's requirement, and on refusal build the answer RFC 6750 §3 prescribes.
///
/// | request | answer |
/// |---|---|
/// | no `Authorization` | 401, `WWW-Authenticate: Bearer realm="…"` (no error code, RFC 6750 §3.1) |
/// | `Authorization` not one `Bearer <b64token>` | 400, `…, error="invalid_request"` |
/// | token inactive | 401, `…, error="invalid_token"` |
/// | active, a required scope missing (or the predicate false) | 403, `…, error="insufficient_scope", scope="<required scopes>"` |
/// | the authorization server unreachable, timing out, 5xx, 429, or the concurrency bound hit | 503, `Retry-After` (the server's remaining one when it sent one) |
/// | the authorization server's answer fails verification, is downgraded, or is not RFC 7662 | 502, logged at error level with the verifier's code |
/// | active and the requirement met | ``AccessDecision/allowed(_:)`` |
///
/// Sender-constrained tokens (``authorize(_:requirement:)-(ProtectedResourceRequest,_)``): a token whose
/// answer has `cnf.jkt` is accepted only as `Authorization: DPoP <token>` with one valid proof whose key
/// has that thumbprint (RFC 9449 §4.3, §7.1; DPoP must be on: ``DPoPOptions``); one with `cnf.x5t#S256`
/// only over a TLS connection whose client certificate has that SHA-256 thumbprint (RFC 8705 §3).
///
/// | request | answer |
/// |---|---|
/// | `DPoP` scheme, the proof missing, two of them, or any check of RFC 9449 §4.3 failing, or a replay | 401, `DPoP algs="…", error="invalid_dpop_proof"`, and `Bearer realm="…"` |
/// | nonces on, the proof without the current one | 401, `DPoP …, error="use_dpop_nonce"`, `Bearer …` and `DPoP-Nonce` |
/// | a `cnf.jkt` token sent as `Bearer`, or with a proof of another key; a `DPoP` scheme for a token without `cnf.jkt` | 401, `DPoP …, error="invalid_token"` and `Bearer …` (`Bearer …, error="invalid_token"` alone when DPoP is off) |
/// | a `cnf.x5t#S256` token without that client certificate | 401, `…, error="invalid_token"` in the scheme used |
///
/// With DPoP on, a refusal that concerns DPoP (the request used the `DPoP` scheme, or the token is
/// DPoP-bound) has the `DPoP` challenge with the error first and a plain `Bearer` challenge alongside; any
/// other refusal of a `Bearer` request (no token, a malformed field, an inactive token, a missing scope, a
/// certificate-bound token without its certificate) keeps the RFC 6750 answer, the `Bearer` challenge
/// alone, exactly as without DPoP.
///
/// Reading the header: any `Authorization` that is not exactly one `Bearer <b64token>` is a malformed
/// request (400), including another scheme such as `Basic`; RFC 6750 §3.1 would also allow a bare 401
/// there, but a resource server that accepts only bearer tokens treats a different scheme as a request it
/// cannot use.
public struct BearerTokenAuthorizer: Sendable {
    /// The cached introspection the tokens go through.
    public let introspection: CachedIntrospection
    /// The realm of every challenge.
    public let realm: String
    /// The `Retry-After` of a 503.
    public let retryAfter: Duration
    /// How DPoP proofs are checked; nil when the `DPoP` scheme is not accepted.
    public var dpop: DPoPOptions? { dpopChecker?.options }
    /// The proof checks and the replay cache (one per authorizer, shared by its copies).
    private let dpopChecker: DPoPProofChecker?
    private let logger: Logger
    private let instruments: AccessDecisionInstruments
    /// A last check of an active answer before it is allowed; a failure makes the answer invalid (502).
    private let answerCheck: (@Sendable (IntrospectionIdentity) -> ResourceServerError?)?

    /// 5 seconds: long enough for a restarting authorization server, short enough that a client retries
    /// soon after an outage.
    public static let defaultRetryAfter: Duration = .seconds(5)

    /// Makes an authorizer.
    /// - Parameters:
    ///   - introspection: the cached introspection that answers for each token.
    ///   - realm: the protection space named in `WWW-Authenticate` (for example the API's name or the
    ///     issuer).
    ///   - retryAfter: the `Retry-After` of 503 answers, rounded up to whole seconds (at least 1).
    ///   - dpop: how DPoP proofs are checked; nil (the default) accepts `Bearer` alone.
    ///   - logger: where refusals caused by the authorization server are logged (never the token).
    ///   - metricsFactory: where the counter of ``AccessDecisionMetrics`` goes; nil for the bootstrapped
    ///     `MetricsSystem`.
    ///   - answerCheck: a last check of an active, verified answer that the caller needs in order to use it
    ///     (for example that each member can be passed on in a header field); an error it returns makes
    ///     the decision an invalid answer (502, counted and logged as such). Nil: no such check.
    public init(
        introspection: CachedIntrospection,
        realm: String,
        retryAfter: Duration = defaultRetryAfter,
        dpop: DPoPOptions? = nil,
        logger: Logger = Logger(label: "introspection-jwt.resource-server"),
        metricsFactory: (any MetricsFactory)? = nil,
        answerCheck: (@Sendable (IntrospectionIdentity) -> ResourceServerError?)? = nil
    ) {
        self.answerCheck = answerCheck
        self.introspection = introspection
        self.realm = realm
        self.retryAfter = retryAfter
        self.dpopChecker = dpop.map(DPoPProofChecker.init)
        self.logger = logger
        self.instruments = AccessDecisionInstruments(factory: metricsFactory ?? MetricsSystem.factory)
    }

    /// Decides on a request with these header fields; its method, URI and client certificate are unknown
    /// (so a sender-constrained token is refused).
    public func authorize(_ headerFields: HTTPFields, requirement: AccessRequirement = .activeToken) async -> AccessDecision {
        await authorize(ProtectedResourceRequest(headerFields: headerFields), requirement: requirement)
    }

    /// Decides on a request: its `Authorization` (`Bearer`, or `DPoP` when ``dpop`` is set), its DPoP
    /// proof against its method and URI, and its client certificate against a certificate-bound token;
    /// counts the decision (``AccessDecisionMetrics``).
    public func authorize(_ request: ProtectedResourceRequest, requirement: AccessRequirement = .activeToken) async -> AccessDecision {
        let (authorization, scheme) = BearerAuthorization.reading(request.headerFields[values: .authorization], acceptingDPoP: dpopChecker != nil)
        return counted(await decide(authorization, scheme: scheme, request: request, requirement: requirement))
    }

    /// Decides on a request whose `Authorization` fields have these values (for frameworks that do not
    /// use swift-http-types).
    public func authorize(authorizationValues: [String], requirement: AccessRequirement = .activeToken) async -> AccessDecision {
        await authorize(BearerAuthorization(authorizationValues: authorizationValues), requirement: requirement)
    }

    /// Decides on a request with this `Authorization` (a bearer token; nothing else of the request is
    /// known, so a sender-constrained token is refused), and counts the decision (``AccessDecisionMetrics``).
    public func authorize(_ authorization: BearerAuthorization, requirement: AccessRequirement = .activeToken) async -> AccessDecision {
        counted(await decide(authorization, scheme: .bearer, request: ProtectedResourceRequest(headerFields: HTTPFields()), requirement: requirement))
    }

    /// Records `decision` in ``AccessDecisionMetrics`` and returns it.
    private func counted(_ decision: AccessDecision) -> AccessDecision {
        instruments.record(decision)
        return decision
    }

    private func decide(
        _ authorization: BearerAuthorization,
        scheme: TokenScheme,
        request: ProtectedResourceRequest,
        requirement: AccessRequirement
    ) async -> AccessDecision {
        let token: String
        switch authorization {
        case .missing:
            return .denied(denial(.missingToken))
        case .malformed(let problem):
            logger.debug("malformed Authorization field", metadata: ["problem": "\(problem.message)"])
            return .denied(denial(.malformedRequest, scheme: scheme, failure: problem))
        case .token(let value):
            token = value
        }
        var proof: DPoPProof? = nil
        if scheme == .dpop, let dpopChecker {
            switch dpopChecker.check(request, accessToken: token) {
            case .success(let checked):
                proof = checked
            case .failure(.invalid(let problem)):
                logger.debug("DPoP proof refused", metadata: ["problem": "\(problem.message)"])
                return .denied(denial(.invalidDPoPProof, scheme: .dpop, failure: problem))
            case .failure(.nonceRequired(let problem)):
                return .denied(denial(.dpopNonceRequired, scheme: .dpop, failure: problem))
            }
        }
        var outcome = await introspection.introspect(token: token)
        if case .active(let identity) = outcome, let failure = answerCheck?(identity) {
            outcome = .invalidAnswer(failure)
        }
        switch outcome {
        case .active(let identity):
            if let refusal = bindingRefusal(identity, scheme: scheme, proof: proof, request: request) {
                logger.debug("sender-constrained token refused", metadata: ["problem": "\(refusal.failure?.message ?? "")"])
                return .denied(refusal)
            }
            if let proof, let dpopChecker {
                switch dpopChecker.remember(proof) {
                case .remembered:
                    break
                case .replayed:
                    return .denied(denial(.invalidDPoPProof, scheme: .dpop, failure: ResourceServerError(
                        .invalidDPoPProof, "the proof's \"jti\" was seen before within the window: a replayed proof")))
                case .full:
                    logger.warning("the DPoP replay cache is full: answering 503", metadata: ["capacity": "\(dpopChecker.replayCache.capacity)"])
                    return .denied(denial(.unavailable, failure: ResourceServerError(
                        .replayCacheFull, "the DPoP replay cache holds \(dpopChecker.replayCache.capacity) proofs still inside their window")))
                }
            }
            guard requirement.isSatisfied(by: identity) else {
                return .denied(denial(.insufficientScope, scheme: scheme, scopes: requirement.scopes))
            }
            return .allowed(identity)
        case .inactive:
            return .denied(denial(.inactiveToken, scheme: scheme))
        case .unavailable(let failure):
            logger.warning("no introspection verdict: answering 503", metadata: ["code": "\(failure.code)", "error": "\(failure.message)"])
            return .denied(denial(.unavailable, failure: failure))
        case .invalidAnswer(let failure):
            var metadata: Logger.Metadata = ["code": "\(failure.code)", "error": "\(failure.message)"]
            if let verifierCode = failure.verifierCode { metadata["verifier_code"] = "\(verifierCode)" }
            logger.error("the authorization server's introspection answer is not acceptable: answering 502", metadata: metadata)
            return .denied(denial(.invalidAnswer, failure: failure))
        }
    }

    /// Why an active token's binding (`cnf`) is not met by the request, or nil when it is.
    private func bindingRefusal(
        _ identity: IntrospectionIdentity,
        scheme: TokenScheme,
        proof: DPoPProof?,
        request: ProtectedResourceRequest
    ) -> AccessDenial? {
        let mismatch = { (message: String, challenged: TokenScheme) -> AccessDenial in
            denial(.bindingMismatch, scheme: challenged, failure: ResourceServerError(.tokenBindingMismatch, message))
        }
        let binding: TokenBinding
        do {
            binding = try TokenBinding(identity)
        } catch {
            return denial(.bindingMismatch, scheme: scheme, failure: error)
        }
        if let keyThumbprint = binding.keyThumbprint {
            guard let proof else {
                return mismatch("the token is DPoP-bound (cnf.jkt) and was sent with the Bearer scheme", .dpop)
            }
            guard proof.keyThumbprint.utf8.elementsEqual(keyThumbprint.utf8) else {
                return mismatch("the proof's key has the thumbprint \(quoted(proof.keyThumbprint)), not the token's cnf.jkt \(quoted(keyThumbprint))", .dpop)
            }
        } else if scheme == .dpop {
            return mismatch("the DPoP scheme carried a token that is not DPoP-bound (its answer has no cnf.jkt)", .dpop)
        }
        if let certificateThumbprint = binding.certificateThumbprint {
            guard let certificate = request.clientCertificate else {
                return mismatch("the token is bound to a client certificate (cnf.x5t#S256) and the connection presented none", scheme)
            }
            let presented = TokenBinding.certificateThumbprint(of: certificate) ?? ""
            guard presented.utf8.elementsEqual(certificateThumbprint.utf8) else {
                return mismatch("the client certificate's thumbprint \(quoted(presented)) is not the token's cnf.x5t#S256 \(quoted(certificateThumbprint))", scheme)
            }
        }
        return nil
    }

    /// The refusal for `reason`, as this authorizer renders it (`scopes` for `insufficientScope`), with
    /// the error in the `Bearer` challenge (in the `DPoP` one for the DPoP reasons).
    public func denial(_ reason: AccessDenial.Reason, scopes: [String] = [], failure: ResourceServerError? = nil) -> AccessDenial {
        let scheme: TokenScheme = [.invalidDPoPProof, .dpopNonceRequired, .bindingMismatch].contains(reason) ? .dpop : .bearer
        return denial(reason, scheme: scheme, scopes: scopes, failure: failure)
    }

    /// The refusal for `reason` with the error code in the challenge of `scheme`.
    func denial(_ reason: AccessDenial.Reason, scheme: TokenScheme, scopes: [String] = [], failure: ResourceServerError? = nil) -> AccessDenial {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        let status: HTTPResponse.Status
        let error: String
        let description: String
        var challenged = true
        switch reason {
        case .missingToken:
            // RFC 6750 §3.1: no error code in the challenge; the body names the problem for people.
            (status, error, description) = (.unauthorized, "missing_token", "an access token is required: send Authorization: Bearer <token>")
        case .malformedRequest:
            (status, error) = (.badRequest, "invalid_request")
            description = failure?.message ?? "the Authorization field is not one Bearer token (RFC 6750 §2.1)"
        case .inactiveToken:
            (status, error, description) = (.unauthorized, "invalid_token", "the access token is not active")
        case .insufficientScope:
            (status, error) = (.forbidden, "insufficient_scope")
            description = scopes.isEmpty
                ? "the access token does not meet this resource's requirements"
                : "the access token lacks a required scope: needs " + scopes.joined(separator: " ")
        case .invalidDPoPProof:
            (status, error) = (.unauthorized, "invalid_dpop_proof")
            description = failure?.message ?? "the request has no valid DPoP proof (RFC 9449 §4.3)"
        case .dpopNonceRequired:
            (status, error) = (.unauthorized, "use_dpop_nonce")
            description = failure?.message ?? "the DPoP proof must carry the nonce of the DPoP-Nonce field"
            if let nonces = dpopChecker?.options.nonces { fields[.dpopNonce] = nonces.currentNonce() }
        case .bindingMismatch:
            (status, error) = (.unauthorized, "invalid_token")
            description = failure?.message ?? "the request does not show the key or certificate the token is bound to"
        case .unavailable:
            (status, error, description) = (.serviceUnavailable, "temporarily_unavailable", "the token cannot be checked now; retry later")
            // The authorization server's own remaining Retry-After when it gave one, else the configured one.
            fields[.retryAfter] = String(failure?.retryAfter.map(Self.retryAfterSeconds) ?? retryAfterSeconds)
            challenged = false
        case .invalidAnswer:
            (status, error, description) = (.badGateway, "invalid_introspection_response", "the authorization server's answer could not be verified")
            challenged = false
        }
        if challenged {
            let code = reason == .missingToken ? nil : error
            for challenge in challenges(error: code, scopes: reason == .insufficientScope ? scopes : [], scheme: scheme) {
                fields.append(HTTPField(name: .wwwAuthenticate, value: challenge))
            }
        }
        return AccessDenial(reason: reason, status: status, headerFields: fields, error: error, errorDescription: description, failure: failure)
    }

    /// The `WWW-Authenticate` values: for a refusal that concerns DPoP (`scheme` is `.dpop`) with DPoP on,
    /// the `DPoP` challenge carrying `error` and `scopes`, then a plain `Bearer` one (RFC 9449 §7.1, §7.2);
    /// otherwise the `Bearer` challenge carrying them, alone (RFC 6750 §3, unchanged by DPoP).
    private func challenges(error: String?, scopes: [String], scheme: TokenScheme) -> [String] {
        guard let dpopChecker, scheme == .dpop else { return [BearerChallenge(realm: realm, error: error, scopes: scopes).description] }
        return [
            DPoPChallenge(algorithms: dpopChecker.algorithmNames, error: error, scopes: scopes).description,
            BearerChallenge(realm: realm).description,
        ]
    }

    /// ``retryAfter`` in whole seconds, rounded up, at least 1.
    var retryAfterSeconds: Int { Self.retryAfterSeconds(retryAfter) }

    /// A `Retry-After` value: whole seconds, rounded up, at least 1.
    static func retryAfterSeconds(_ duration: Duration) -> Int {
        max(1, Int(duration.secondsRoundedUp))
    }
}
