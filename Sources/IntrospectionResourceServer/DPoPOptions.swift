public import Foundation
public import IntrospectionJWT

/// How a resource server checks DPoP proofs (RFC 9449 §4.3, §7): which algorithms it accepts, how old
/// or how far ahead a proof's `iat` may be, how many proofs it remembers against replay, and whether it
/// hands out nonces.
///
/// ```swift
/// let authorizer = BearerTokenAuthorizer(
///     introspection: introspection, realm: "orders-api",
///     dpop: DPoPOptions(allowedAlgorithms: [.es256, .edDSA]))
/// ```
///
/// Giving options makes the authorizer accept `Authorization: DPoP <token>` beside `Bearer`; a refusal
/// that concerns DPoP then names both schemes (the `DPoP` challenge with the error first), and the answers
/// to other `Bearer` requests stay as they were.
public struct DPoPOptions: Sendable {
    /// The `alg` values a proof may use, in the order the `algs` challenge parameter lists them.
    public var allowedAlgorithms: [SignatureAlgorithm]
    /// How long after its `iat` a proof is accepted (and its `jti` remembered).
    public var maximumAge: Duration
    /// How far ahead of the clock a proof's `iat` may be.
    public var clockSkew: Duration
    /// The most proofs remembered against replay; when that many are remembered and none has aged out,
    /// a new proof is answered 503 (never accepted unchecked). About 100 bytes each.
    public var replayCacheCapacity: Int
    /// Server-provided nonces (RFC 9449 §9): when set, a proof must carry a nonce the source accepts, or
    /// the answer is 401 `use_dpop_nonce` with a fresh `DPoP-Nonce`.
    public var nonces: (any DPoPNonceSource)?
    /// The scheme and authority clients address this resource server with (`https://api.example.com`),
    /// when the server cannot see them itself (behind a proxy that terminates TLS); nil: the request's own.
    /// A proof's `htu` is compared with this origin and the request's path.
    public var origin: String?
    /// The clock `iat` is compared with (tests step a `ManualClock`).
    public var clock: any IntrospectionClock

    /// Every asymmetric algorithm the core implements, elliptic curves first.
    public static let defaultAlgorithms: [SignatureAlgorithm] = [.es256, .es384, .es512, .edDSA, .ps256, .ps384, .ps512, .rs256, .rs384, .rs512]

    /// Options with the given values.
    /// - Parameters:
    ///   - allowedAlgorithms: the accepted `alg` values (default: ``defaultAlgorithms``).
    ///   - maximumAge: how long after `iat` a proof is accepted (default 60 s).
    ///   - clockSkew: how far in the future `iat` may be (default 5 s).
    ///   - replayCacheCapacity: the most proofs remembered (default 100,000).
    ///   - nonces: server-provided nonces, or nil for none.
    ///   - origin: `scheme://authority` of the resource server as clients see it, or nil for the request's.
    ///   - clock: the time `iat` is compared with.
    public init(
        allowedAlgorithms: [SignatureAlgorithm] = defaultAlgorithms,
        maximumAge: Duration = .seconds(60),
        clockSkew: Duration = .seconds(5),
        replayCacheCapacity: Int = 100_000,
        nonces: (any DPoPNonceSource)? = nil,
        origin: String? = nil,
        clock: any IntrospectionClock = .system
    ) {
        var unique: [SignatureAlgorithm] = []
        for algorithm in allowedAlgorithms where !unique.contains(algorithm) { unique.append(algorithm) }
        self.allowedAlgorithms = unique
        self.maximumAge = maximumAge
        self.clockSkew = clockSkew
        self.replayCacheCapacity = max(1, replayCacheCapacity)
        self.nonces = nonces
        self.origin = origin
        self.clock = clock
    }
}

/// Where server-provided DPoP nonces come from (RFC 9449 §9): the nonce to hand out now, and whether a
/// proof's nonce is still good.
public protocol DPoPNonceSource: Sendable {
    /// The nonce to send in `DPoP-Nonce`.
    func currentNonce() -> String
    /// Whether a proof carrying `nonce` is accepted.
    func accepts(_ nonce: String) -> Bool
}

/// Random nonces that rotate: a new one every `lifetime`, the previous one still accepted for one more
/// `lifetime` (a client that just got it is not turned away). Per instance, in memory.
public final class RotatingDPoPNonces: DPoPNonceSource {
    /// How long each nonce is handed out.
    public let lifetime: Duration
    private let clock: any IntrospectionClock
    private let state = LockedValueBox<(period: Int64, current: String, previous: String?)>((-1, "", nil))

    /// Nonces rotating every `lifetime` (default 5 minutes), on `clock`'s monotonic reading.
    public init(lifetime: Duration = .seconds(300), clock: any IntrospectionClock = .system) {
        self.lifetime = max(lifetime, .seconds(1))
        self.clock = clock
    }

    /// The nonce of the current period.
    public func currentNonce() -> String { rotated().current }

    /// Whether `nonce` is the current or the previous period's nonce.
    public func accepts(_ nonce: String) -> Bool {
        let (current, previous) = rotated()
        return nonce.utf8.elementsEqual(current.utf8) || previous.map { nonce.utf8.elementsEqual($0.utf8) } ?? false
    }

    private func rotated() -> (current: String, previous: String?) {
        let period = Int64(clock.uptime / lifetime)
        return state.withLockedValue { state in
            if state.period != period {
                let previous = state.period == period - 1 ? state.current : nil
                state = (period, Self.randomNonce(), previous)
            }
            return (state.current, state.previous)
        }
    }

    private static func randomNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
