public import Foundation

/// One key as an archive remembers it: the JWK, its RFC 7638 thumbprint, where it was seen, and when
/// it was first and last seen.
public struct ArchivedKey: Sendable, Equatable {
    /// The JWK as published.
    public let jwk: JSONObject
    /// The RFC 7638 thumbprint (base64url SHA-256), the key's identity in the archive.
    public let thumbprint: String
    /// The JWKS URL (or file) where the key was first seen.
    public let source: String
    /// When the key was first seen, i.e. from when it can have signed responses.
    public let firstSeen: Date
    /// When the key was last seen.
    public let lastSeen: Date

    /// Makes a record.
    public init(jwk: JSONObject, thumbprint: String, source: String, firstSeen: Date, lastSeen: Date) {
        self.jwk = jwk
        self.thumbprint = thumbprint
        self.source = source
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// The `kid` of the JWK, when it has one.
    public var keyID: String? { jwk["kid"]?.stringValue }
}

/// Keeps every key ever seen, so that audits can verify responses signed by keys that have since left
/// the authorization server's JWK Set.
public protocol KeyArchive: Sendable {
    /// Records that `keys` were published at `source` at time `seen`: keys not yet archived are added
    /// with that first-seen time; the last-seen time of the others moves forward.
    func record(_ keys: [VerificationKey], source: String, seen: Date) async throws
    /// Every archived key, one record per thumbprint.
    func keys() async throws -> [ArchivedKey]
}
