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
        guard jsonBytes.count <= Self.maximumByteCount else {
            throw .malformed("the JWK Set is \(jsonBytes.count) bytes, over the limit of \(Self.maximumByteCount)")
        }
        let document: JSONValue
        do {
            document = try StrictJSONParser.parse(jsonBytes)
        } catch {
            throw .malformed("the JWK Set is not valid JSON: \(error.reason)")
        }
        guard case .object(let object) = document else {
            throw .malformed("the JWK Set is a JSON \(document.typeName), not an object")
        }
        guard let keysValue = object["keys"] else { throw .malformed("the JWK Set has no \"keys\" member") }
        guard case .array(let entries) = keysValue else {
            throw .malformed("the JWK Set's \"keys\" is a \(keysValue.typeName), not an array")
        }
        var keys: [VerificationKey] = []
        var skipped: [SkippedKey] = []
        for (index, entry) in entries.enumerated() {
            switch JWKParser.parse(entry, index: index) {
            case .loaded(let key): keys.append(key)
            case .skipped(let reason): skipped.append(reason)
            }
        }
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
