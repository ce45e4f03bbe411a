/// The requirement keyword of a check, as the cited RFC spells it (RFC 2119).
public enum ConformanceLevel: String, Sendable, Hashable, CaseIterable {
    /// An absolute requirement.
    case must = "MUST"
    /// An absolute prohibition.
    case mustNot = "MUST NOT"
    /// A recommendation.
    case should = "SHOULD"
    /// A recommendation against.
    case shouldNot = "SHOULD NOT"

    /// Whether a failure makes the authorization server non-conforming (MUST and MUST NOT), as opposed
    /// to a recommendation not followed.
    public var isMandatory: Bool { self == .must || self == .mustNot }
}

/// What a check found.
public enum ConformanceOutcome: String, Sendable, Hashable, CaseIterable {
    /// The authorization server does what the requirement says.
    case pass
    /// It does not.
    case fail
    /// The check could not run, because a check it depends on failed (or its input is missing).
    case skip
}

/// One check of the conformance report: what was checked, against which RFC section and keyword,
/// and what came out, with a one-line reason.
public struct ConformanceCheck: Sendable, Hashable {
    /// The stable identifier, e.g. `jwt.typ`.
    public let id: String
    /// What the check requires, in a few words.
    public let title: String
    /// The RFC section that states the requirement, e.g. `RFC 9701 §5`.
    public let section: String
    /// The requirement keyword.
    public let level: ConformanceLevel
    /// The outcome.
    public let outcome: ConformanceOutcome
    /// One line saying why (the value found, or what was skipped for).
    public let reason: String

    /// Makes a check result.
    public init(id: String, title: String, section: String, level: ConformanceLevel, outcome: ConformanceOutcome, reason: String) {
        self.id = id
        self.title = title
        self.section = section
        self.level = level
        self.outcome = outcome
        self.reason = reason
    }

    /// The definition with an outcome.
    init(_ definition: ConformanceCheckDefinition, _ outcome: ConformanceOutcome, _ reason: String) {
        self.init(
            id: definition.id, title: definition.title, section: definition.section, level: definition.level,
            outcome: outcome, reason: reason
        )
    }
}

/// A check before it runs: its identity, requirement and level.
public struct ConformanceCheckDefinition: Sendable, Hashable {
    /// The stable identifier, e.g. `jwt.typ`.
    public let id: String
    /// What the check requires, in a few words.
    public let title: String
    /// The RFC section that states the requirement.
    public let section: String
    /// The requirement keyword.
    public let level: ConformanceLevel

    init(_ id: String, _ title: String, _ section: String, _ level: ConformanceLevel) {
        self.id = id
        self.title = title
        self.section = section
        self.level = level
    }
}

/// A one-line reason a check failed (internal: a report carries it as its `reason`).
struct ReasonError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
