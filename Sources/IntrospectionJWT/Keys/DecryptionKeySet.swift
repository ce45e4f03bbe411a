/// The resource server's decryption keys: a JWK Set of private keys (RSA, EC, OKP X25519) and symmetric
/// keys (`oct`), or one PEM private key, parsed into OpenSSL keys once, at load.
///
/// Keys that cannot decrypt (public keys without their private part, `use: sig`, `key_ops` without
/// `decrypt` or `unwrapKey`, `alg` never accepted, bad values) are left out and listed in
/// ``skippedKeys``; they never make the set fail.
public struct DecryptionKeySet: Sendable {
    /// Key set documents and PEM files larger than this are refused (1 MiB).
    public static let maximumByteCount = 1 << 20

    /// The usable keys, in document order.
    public let keys: [DecryptionKey]
    /// The keys that were left out, with the reason for each.
    public let skippedKeys: [SkippedKey]

    /// Makes a set from keys already loaded (none by default: encrypted responses then fail with
    /// ``IntrospectionJWTError/Code/decryptionFailed``).
    public init(keys: [DecryptionKey] = [], skippedKeys: [SkippedKey] = []) {
        self.keys = keys
        self.skippedKeys = skippedKeys
    }

    /// Parses a JWK Set document. Throws ``IntrospectionJWTError/Code/decryptionKeysUnavailable`` when it
    /// is over 1 MiB, is not strict JSON, or is not an object with a `keys` array.
    public init(jsonBytes: some Collection<UInt8>) throws(IntrospectionJWTError) {
        let (keys, skipped) = try JWKParser.keySet(
            jsonBytes, maximumByteCount: Self.maximumByteCount, name: "the decryption key set",
            failure: IntrospectionJWTError.decryptionKeysUnavailable, DecryptionJWKParser.parseKey)
        self.init(keys: keys, skippedKeys: skipped)
    }

    /// Parses a JWK Set document held in a string.
    public init(json: String) throws(IntrospectionJWTError) {
        try self.init(jsonBytes: Array(json.utf8))
    }

    /// Loads one unencrypted PEM private key (PKCS #8, or traditional RSA or EC): RSA, EC P-256/P-384/
    /// P-521 or X25519. The key has no `kid`, `alg`, `use` or `key_ops`. Throws
    /// ``IntrospectionJWTError/Code/decryptionKeysUnavailable`` when the text holds no such key.
    public init(pemBytes: some Collection<UInt8>) throws(IntrospectionJWTError) {
        guard pemBytes.count <= Self.maximumByteCount else {
            throw .decryptionKeysUnavailable("the PEM file is \(pemBytes.count) bytes, over the limit of \(Self.maximumByteCount)")
        }
        do {
            let key = try DecryptionJWKParser.key(fromPEM: Array(pemBytes))
            self.init(keys: [key])
        } catch {
            throw .decryptionKeysUnavailable("no usable PEM private key: \(error.reason)")
        }
    }

    /// Loads a decryption key file: a PEM private key when it holds a `-----BEGIN` line, else a JWK Set.
    public init(fileContents: some Collection<UInt8>) throws(IntrospectionJWTError) {
        let bytes = Array(fileContents)
        if Self.looksLikePEM(bytes) {
            try self.init(pemBytes: bytes)
        } else {
            try self.init(jsonBytes: bytes)
        }
    }

    private static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { start in bytes[start..<(start + marker.count)].elementsEqual(marker) }
    }

    /// This set's keys followed by `other`'s (several `--decryption-keys` files).
    public func merging(_ other: DecryptionKeySet) -> DecryptionKeySet {
        DecryptionKeySet(keys: keys + other.keys, skippedKeys: skippedKeys + other.skippedKeys)
    }

    /// Whether the set holds no usable key.
    public var isEmpty: Bool { keys.isEmpty }
}
