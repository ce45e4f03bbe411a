import Metrics

/// The swift-metrics instrument a ``BearerTokenAuthorizer`` records: every decision, by outcome. Bootstrap
/// `MetricsSystem` (or pass a factory) to collect it.
public enum AccessDecisionMetrics {
    /// Decisions, by ``outcomeDimension``: `allowed`, or the ``AccessDenial/Reason`` of a refusal
    /// (`missing_token`, `malformed_request`, `inactive_token`, `insufficient_scope`, `unavailable`,
    /// `invalid_answer`, and for sender-constrained tokens `invalid_dpop_proof`, `use_dpop_nonce`,
    /// `binding_mismatch`).
    public static let decisions = "introspection_jwt_decisions_total"
    /// The dimension of ``decisions``.
    public static let outcomeDimension = "outcome"
    /// The ``outcomeDimension`` value of an allowed request.
    public static let allowedOutcome = "allowed"
}

/// The counters of one authorizer, one per outcome, created once.
struct AccessDecisionInstruments: Sendable {
    let allowed: Counter
    let denied: [AccessDenial.Reason: Counter]

    init(factory: any MetricsFactory) {
        func counter(_ outcome: String) -> Counter {
            Counter(label: AccessDecisionMetrics.decisions, dimensions: [(AccessDecisionMetrics.outcomeDimension, outcome)], factory: factory)
        }
        allowed = counter(AccessDecisionMetrics.allowedOutcome)
        denied = Dictionary(uniqueKeysWithValues: AccessDenial.Reason.allCases.map { ($0, counter($0.rawValue)) })
    }

    func record(_ decision: AccessDecision) {
        switch decision {
        case .allowed: allowed.increment()
        case .denied(let denial): denied[denial.reason]?.increment()
        }
    }
}
