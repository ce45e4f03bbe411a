/// A JWK Set (RFC 7517 §5) whose usable signature keys were parsed into OpenSSL keys once, at load.
///
/// Keys that cannot verify signatures (other key types, encryption keys, `key_ops` without `verify`,
/// symmetric keys, bad values) are left out and listed in ``skippedKeys``; they never make the set fail.
public struct JWKSet: Sendable {
    /// Key set documents larger than this are refused (1 MiB).
    public static let maximumByteCount = 1 << 20

    /// The usable keys, in document order.
    public let keys: [VerificationKey]
    /// The keys that were left out, with the reason for each.
    public let skippedKeys: [SkippedKey]

    /// Makes a set from keys already loaded.
    public init(keys: [VerificationKey], skippedKeys: [SkippedKey] = []) {
        self.keys = keys
        self.skippedKeys = skippedKeys
    }

    /// Parses a JWK Set document. Throws ``IntrospectionJWTError/Code/malformed`` when the document is
    /// over 1 MiB, is not strict JSON, or is not an object with a `keys` array.
    public init(jsonBytes: some Collection<UInt8>) throws(IntrospectionJWTError) {
        let (keys, skipped) = try JWKParser.keySet(
            jsonBytes, maximumByteCount: Self.maximumByteCount, name: "the JWK Set", failure: IntrospectionJWTError.malformed,
            JWKParser.parseKey)
        self.init(keys: keys, skippedKeys: skipped)
    }

    /// Parses a JWK Set document held in a string.
    public init(json: String) throws(IntrospectionJWTError) {
        try self.init(jsonBytes: Array(json.utf8))
    }

    /// The keys whose `kid` is exactly `keyID`.
    public func keys(withID keyID: String) -> [VerificationKey] {
        keys.filter { $0.keyID?.hasSameCodePoints(as: keyID) ?? false }
    }
}
