import Foundation
import IntrospectionJWT

/// The `jti` values of accepted DPoP proofs, each remembered until its proof's `iat` is older than the
/// window (after that the `iat` check refuses the proof anyway), at most `capacity` of them
/// (RFC 9449 §11.1).
///
/// Keyed by the SHA-256 of the key's thumbprint and the `jti` (32 bytes a key, whatever a client sends:
/// one client cannot use up another's `jti` values). Expired entries go first, in the order they were
/// remembered; when the cache is full of live entries a new proof is refused rather than remembered
/// over an older one, so that a flood can deny service but never reopen a replay.
final class DPoPReplayCache: Sendable {
    /// What remembering a proof came to.
    enum Outcome: Equatable {
        case remembered
        case replayed
        case full
    }

    let capacity: Int

    private struct State {
        var expiries: [[UInt8]: Double] = [:]
        /// Keys in the order they were remembered, with their expiry (seconds since 1970).
        var order: [(key: [UInt8], expires: Double)] = []
        var head = 0
    }

    private let state = LockedValueBox(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Remembers the proof (`thumbprint`, `jwtID`) until `expires`, unless it is already remembered.
    func remember(thumbprint: String, jwtID: String, expires: Date, now: Date) -> Outcome {
        guard let key = SHA256Digest.hash(Array(thumbprint.utf8) + [0] + Array(jwtID.utf8)) else { return .full }
        let nowSeconds = now.timeIntervalSince1970
        return state.withLockedValue { state in
            Self.dropExpired(&state, now: nowSeconds)
            if let expiry = state.expiries[key], expiry >= nowSeconds { return .replayed }
            // The queue holds every live key at least once: bounding it bounds the dictionary too.
            guard state.order.count - state.head < capacity else { return .full }
            let expiry = expires.timeIntervalSince1970
            state.expiries[key] = expiry
            state.order.append((key, expiry))
            return .remembered
        }
    }

    /// How many proofs are remembered.
    var count: Int { state.withLockedValue { $0.expiries.count } }

    /// How many entries the expiry queue holds, spent ones included (what the memory bound covers).
    var queueLength: Int { state.withLockedValue { $0.order.count } }

    /// Drops the expired entries at the front of the queue, and compacts it when half of it is spent.
    private static func dropExpired(_ state: inout State, now: Double) {
        while state.head < state.order.count, state.order[state.head].expires < now {
            let (key, expires) = state.order[state.head]
            if state.expiries[key] == expires { state.expiries[key] = nil }
            state.head += 1
        }
        if state.head > 64, state.head * 2 > state.order.count {
            state.order.removeFirst(state.head)
            state.head = 0
        }
    }
}
