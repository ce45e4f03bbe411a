public import HTTPTypes
public import Logging
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
    private let logger: Logger
    private let instruments: AccessDecisionInstruments

    /// 5 seconds: long enough for a restarting authorization server, short enough that a client retries
    /// soon after an outage.
    public static let defaultRetryAfter: Duration = .seconds(5)

    /// Makes an authorizer.
    /// - Parameters:
    ///   - introspection: the cached introspection that answers for each token.
    ///   - realm: the protection space named in `WWW-Authenticate` (for example the API's name or the
    ///     issuer).
    ///   - retryAfter: the `Retry-After` of 503 answers, rounded up to whole seconds (at least 1).
    ///   - logger: where refusals caused by the authorization server are logged (never the token).
    ///   - metricsFactory: where the counter of ``AccessDecisionMetrics`` goes; nil for the bootstrapped
    ///     `MetricsSystem`.
    public init(
        introspection: CachedIntrospection,
        realm: String,
        retryAfter: Duration = defaultRetryAfter,
        logger: Logger = Logger(label: "introspection-jwt.resource-server"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.introspection = introspection
        self.realm = realm
        self.retryAfter = retryAfter
        self.logger = logger
        self.instruments = AccessDecisionInstruments(factory: metricsFactory ?? MetricsSystem.factory)
    }

    /// Decides on a request with these header fields.
    public func authorize(_ headerFields: HTTPFields, requirement: AccessRequirement = .activeToken) async -> AccessDecision {
        await authorize(BearerAuthorization(headerFields), requirement: requirement)
    }

    /// Decides on a request whose `Authorization` fields have these values (for frameworks that do not
    /// use swift-http-types).
    public func authorize(authorizationValues: [String], requirement: AccessRequirement = .activeToken) async -> AccessDecision {
        await authorize(BearerAuthorization(authorizationValues: authorizationValues), requirement: requirement)
    }

    /// Decides on a request with this `Authorization`, and counts the decision (``AccessDecisionMetrics``).
    public func authorize(_ authorization: BearerAuthorization, requirement: AccessRequirement = .activeToken) async -> AccessDecision {
        let decision = await decide(authorization, requirement: requirement)
        instruments.record(decision)
        return decision
    }

    private func decide(_ authorization: BearerAuthorization, requirement: AccessRequirement) async -> AccessDecision {
        let token: String
        switch authorization {
        case .missing:
            return .denied(denial(.missingToken))
        case .malformed(let problem):
            logger.debug("malformed Authorization field", metadata: ["problem": "\(problem.message)"])
            return .denied(denial(.malformedRequest, failure: problem))
        case .token(let value):
            token = value
        }
        switch await introspection.introspect(token: token) {
        case .active(let identity):
            guard requirement.isSatisfied(by: identity) else {
                return .denied(denial(.insufficientScope, scopes: requirement.scopes))
            }
            return .allowed(identity)
        case .inactive:
            return .denied(denial(.inactiveToken))
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

    /// The refusal for `reason`, as this authorizer renders it (`scopes` for `insufficientScope`).
    public func denial(_ reason: AccessDenial.Reason, scopes: [String] = [], failure: ResourceServerError? = nil) -> AccessDenial {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        let status: HTTPResponse.Status
        let error: String
        let description: String
        switch reason {
        case .missingToken:
            // RFC 6750 §3.1: no error code in the challenge; the body names the problem for people.
            (status, error, description) = (.unauthorized, "missing_token", "an access token is required: send Authorization: Bearer <token>")
            fields[.wwwAuthenticate] = BearerChallenge(realm: realm).description
        case .malformedRequest:
            (status, error) = (.badRequest, "invalid_request")
            description = failure?.message ?? "the Authorization field is not one Bearer token (RFC 6750 §2.1)"
            fields[.wwwAuthenticate] = BearerChallenge(realm: realm, error: error).description
        case .inactiveToken:
            (status, error, description) = (.unauthorized, "invalid_token", "the access token is not active")
            fields[.wwwAuthenticate] = BearerChallenge(realm: realm, error: error).description
        case .insufficientScope:
            (status, error) = (.forbidden, "insufficient_scope")
            description = scopes.isEmpty
                ? "the access token does not meet this resource's requirements"
                : "the access token lacks a required scope: needs " + scopes.joined(separator: " ")
            fields[.wwwAuthenticate] = BearerChallenge(realm: realm, error: error, scopes: scopes).description
        case .unavailable:
            (status, error, description) = (.serviceUnavailable, "temporarily_unavailable", "the token cannot be checked now; retry later")
            // The authorization server's own remaining Retry-After when it gave one, else the configured one.
            fields[.retryAfter] = String(failure?.retryAfter.map(Self.wholeSeconds) ?? retryAfterSeconds)
        case .invalidAnswer:
            (status, error, description) = (.badGateway, "invalid_introspection_response", "the authorization server's answer could not be verified")
        }
        return AccessDenial(reason: reason, status: status, headerFields: fields, error: error, errorDescription: description, failure: failure)
    }

    /// ``retryAfter`` in whole seconds, rounded up, at least 1.
    var retryAfterSeconds: Int { Self.wholeSeconds(retryAfter) }

    /// A duration in whole seconds, rounded up, at least 1 (a `Retry-After` value).
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
