/// What a route asks of an active token: every scope in ``scopes`` and, optionally, a predicate on the
/// introspection (an audience, a `client_id`, a claim of the resource server's own).
///
/// ```swift
/// AccessRequirement(scopes: ["orders:read"])
/// AccessRequirement(scopes: ["orders:write"]) { $0.clientID == "checkout" }
/// ```
///
/// A token that is active but falls short gets 403 `insufficient_scope` with the required scopes in the
/// challenge (RFC 6750 §3.1).
public struct AccessRequirement: Sendable {
    /// The scopes that must all be in the token's `scope`.
    public let scopes: [String]
    /// An additional check on the introspection; nil when there is none.
    public let predicate: (@Sendable (IntrospectionIdentity) -> Bool)?

    /// A requirement: all of `scopes` and, when given, `predicate`.
    public init(scopes: [String] = [], where predicate: (@Sendable (IntrospectionIdentity) -> Bool)? = nil) {
        var unique: [String] = []
        for scope in scopes where !scope.isEmpty && !unique.contains(scope) { unique.append(scope) }
        self.scopes = unique
        self.predicate = predicate
    }

    /// A requirement of one scope.
    public static func scope(_ scope: String) -> AccessRequirement { AccessRequirement(scopes: [scope]) }

    /// Any active token.
    public static var activeToken: AccessRequirement { AccessRequirement() }

    /// This requirement with more scopes: requirements can be added (for example per request by a
    /// forward-auth proxy), never taken away.
    public func adding(scopes more: [String]) -> AccessRequirement {
        AccessRequirement(scopes: scopes + more, where: predicate)
    }

    /// The required scopes that `identity` lacks, in order.
    public func missingScopes(of identity: IntrospectionIdentity) -> [String] {
        scopes.filter { !identity.hasScope($0) }
    }

    /// Whether `identity` meets the requirement.
    public func isSatisfied(by identity: IntrospectionIdentity) -> Bool {
        scopes.allSatisfy { identity.hasScope($0) } && (predicate?(identity) ?? true)
    }
}
