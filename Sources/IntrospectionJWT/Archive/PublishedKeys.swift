public import Foundation

/// Keys together with the moment from which each was published, for audits: a response received at
/// time T may only have been signed by a key that was published at T.
///
/// Keys from a plain JWK Set carry no time and count as always published; archived keys count from
/// their first-seen time (with the clock skew).
public struct PublishedKeys: Sendable {
    private struct Entry: Sendable {
        let key: VerificationKey
        let publishedFrom: Double?
    }

    private let alwaysPublished: [VerificationKey]
    /// Archived keys sorted by first-seen time, and the key set made of the first n of them (plus the
    /// always-published keys) for every n: a lookup is a binary search, never a rebuild.
    private let timed: [Entry]
    private let prefixSets: [JWKSet]
    /// Archived JWKs that could not be loaded, with the reason.
    public let skippedKeys: [SkippedKey]

    /// Keys from plain JWK Sets (always published) and from archives (published from their first-seen time).
    public init(keySets: [JWKSet] = [], archived: [ArchivedKey] = []) {
        var timed: [Entry] = []
        var skipped: [SkippedKey] = keySets.flatMap(\.skippedKeys)
        for (index, record) in archived.enumerated() {
            switch JWKParser.parse(.object(record.jwk), index: index) {
            case .loaded(let key): timed.append(Entry(key: key, publishedFrom: record.firstSeen.timeIntervalSince1970))
            case .skipped(let reason): skipped.append(reason)
            }
        }
        timed.sort { ($0.publishedFrom ?? 0) < ($1.publishedFrom ?? 0) }
        let always = keySets.flatMap(\.keys)
        var prefixSets: [JWKSet] = [JWKSet(keys: always)]
        var running = always
        for entry in timed {
            running.append(entry.key)
            prefixSets.append(JWKSet(keys: running))
        }
        self.alwaysPublished = always
        self.timed = timed
        self.prefixSets = prefixSets
        self.skippedKeys = skipped
    }

    /// Every key, whatever its time.
    public var allKeys: [VerificationKey] { prefixSets.last?.keys ?? [] }

    /// The keys published at `time`: always-published ones, and archived ones first seen at or before
    /// `time + clockSkew`.
    public func keySet(at time: Date, clockSkew: Duration = VerificationPolicy.defaultClockSkew) -> JWKSet {
        let limit = time.timeIntervalSince1970 + clockSkew.secondsValue
        var low = 0, high = timed.count
        while low < high {
            let middle = (low + high) / 2
            if (timed[middle].publishedFrom ?? 0) <= limit { low = middle + 1 } else { high = middle }
        }
        return prefixSets[low]
    }
}
