/// A private key that signs JWTs: the client's key for `private_key_jwt` client authentication
/// (RFC 7523 §2.2, ``ClientAssertion``). RSA (2048 bits or more), EC P-256, P-384 or P-521, or Ed25519,
/// from an unencrypted PEM file or a JWK, parsed into an OpenSSL key once, when it is loaded.
///
/// The key material never appears in a description or mirror of the key (`print`, `dump`, logs): they
/// show its `kid`, type and size only.
public struct JWTSigningKey: Sendable, CustomStringConvertible, CustomReflectable {
    /// The kind of key and its curve.
    public enum KeyType: Sendable, Hashable, CustomStringConvertible {
        /// An RSA key: RS256, RS384, RS512, PS256, PS384, PS512.
        case rsa
        /// An EC key on a NIST curve: ES256 on P-256, ES384 on P-384, ES512 on P-521.
        case ec(EllipticCurve)
        /// An Ed25519 key (`kty: OKP`, `crv: Ed25519`): EdDSA.
        case ed25519

        /// `RSA`, `EC P-256`, `OKP Ed25519`.
        public var description: String {
            switch self {
            case .rsa: "RSA"
            case .ec(let curve): "EC \(curve.rawValue)"
            case .ed25519: "OKP Ed25519"
            }
        }
    }

    /// The smallest RSA modulus accepted (RFC 7518 §3.3, §3.5).
    public static let minimumRSAModulusBitCount = 2048
    /// Key files larger than this are refused (64 KiB).
    public static let maximumByteCount = 64 * 1024

    /// `kid`, when the JWK has one (a key from a PEM file has none). Sent in the JWS header.
    public let keyID: String?
    /// The kind of key.
    public let keyType: KeyType
    /// `alg` of the JWK, when it restricts the key to one algorithm.
    public let algorithm: SignatureAlgorithm?
    /// The key size in bits: the RSA modulus length or the curve's size.
    public let bitCount: Int
    /// The OpenSSL key.
    let privateKey: EVPPrivateKey

    // MARK: - Loading

    /// Loads one unencrypted PEM private key (PKCS #8, or traditional RSA or EC). Throws
    /// ``IntrospectionJWTError/Code/signingKeyUnavailable`` when the text holds no such key, or one that
    /// cannot sign (X25519, an RSA modulus under 2048 bits).
    public init(pemBytes: some Collection<UInt8>) throws(IntrospectionJWTError) {
        let bytes = Array(pemBytes)
        try Self.checkSize(bytes.count)
        let key: EVPPrivateKey
        do {
            key = try EVPPrivateKey.pem(bytes)
        } catch {
            throw .signingKeyUnavailable("no usable PEM private key: \(error.reason)")
        }
        let keyType: KeyType
        switch key.kind {
        case .rsa: keyType = .rsa
        case .ec(let curve): keyType = .ec(curve)
        case .ed25519: keyType = .ed25519
        case .x25519: throw .signingKeyUnavailable("the PEM key is an X25519 key, which cannot sign")
        }
        try self.init(keyID: nil, keyType: keyType, algorithm: nil, privateKey: key)
    }

    /// Loads a private JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2), or a JWK Set holding exactly one key.
    /// `use`, when present, must be `sig`; `key_ops`, when present, must include `sign`; `alg`, when
    /// present, must be a signature algorithm that fits the key. Throws
    /// ``IntrospectionJWTError/Code/signingKeyUnavailable`` otherwise, and for a public key.
    public init(jwkBytes: some Collection<UInt8>) throws(IntrospectionJWTError) {
        let bytes = Array(jwkBytes)
        try Self.checkSize(bytes.count)
        let document: JSONValue
        do {
            document = try StrictJSONParser.parse(bytes)
        } catch {
            throw .signingKeyUnavailable("the JWK is not valid JSON: \(error.reason)")
        }
        guard var jwk = document.objectValue else {
            throw .signingKeyUnavailable("the JWK is a JSON \(document.typeName), not an object")
        }
        if let keys = jwk["keys"] {
            guard let entries = keys.arrayValue, entries.count == 1, let only = entries[0].objectValue else {
                throw .signingKeyUnavailable("a JWK Set must hold exactly one key object to sign with")
            }
            jwk = only
        }
        let parsed: SigningJWKParser.Parsed
        do {
            parsed = try SigningJWKParser.parse(jwk)
        } catch {
            throw .signingKeyUnavailable("the JWK cannot sign: \(error.reason)")
        }
        try self.init(keyID: parsed.keyID, keyType: parsed.keyType, algorithm: parsed.algorithm, privateKey: parsed.privateKey)
    }

    /// Loads a key file: a PEM private key when it holds a `-----BEGIN` line, else a JWK (or a JWK Set
    /// of one key).
    public init(fileContents: some Collection<UInt8>) throws(IntrospectionJWTError) {
        let bytes = Array(fileContents)
        if Self.containsPEMMarker(bytes) {
            try self.init(pemBytes: bytes)
        } else {
            try self.init(jwkBytes: bytes)
        }
    }

    private init(keyID: String?, keyType: KeyType, algorithm: SignatureAlgorithm?, privateKey: EVPPrivateKey) throws(IntrospectionJWTError) {
        if keyType == .rsa, privateKey.bitCount < Self.minimumRSAModulusBitCount {
            throw .signingKeyUnavailable(
                "an RSA key of \(privateKey.bitCount) bits, under the required \(Self.minimumRSAModulusBitCount) (RFC 7518 §3.3)")
        }
        self.keyID = keyID
        self.keyType = keyType
        self.algorithm = algorithm
        self.bitCount = privateKey.bitCount
        self.privateKey = privateKey
        if let algorithm, !Self.algorithms(for: keyType).contains(algorithm) {
            throw .signingKeyUnavailable("\"alg\" \(algorithm) does not fit a \(keyType) key")
        }
    }

    private static func checkSize(_ count: Int) throws(IntrospectionJWTError) {
        guard count <= maximumByteCount else {
            throw .signingKeyUnavailable("the key file is \(count) bytes, over the limit of \(maximumByteCount)")
        }
    }

    private static func containsPEMMarker(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { start in bytes[start..<(start + marker.count)].elementsEqual(marker) }
    }

    // MARK: - Algorithms

    /// The algorithms this key signs with, most preferred first: its `alg` alone when the JWK names one;
    /// else every algorithm of its type (RS256 first for RSA).
    public var supportedAlgorithms: [SignatureAlgorithm] {
        if let algorithm { return [algorithm] }
        return Self.algorithms(for: keyType)
    }

    /// The algorithm used when none is chosen: the JWK's `alg`, else RS256 for RSA, ES256, ES384 or ES512
    /// by the curve, EdDSA for Ed25519.
    public var defaultAlgorithm: SignatureAlgorithm { supportedAlgorithms[0] }

    /// Whether the key can sign with `algorithm` (its type fits, and its `alg`, when present, is that one).
    public func fits(_ algorithm: SignatureAlgorithm) -> Bool {
        supportedAlgorithms.contains(algorithm)
    }

    private static func algorithms(for keyType: KeyType) -> [SignatureAlgorithm] {
        switch keyType {
        case .rsa: [.rs256, .rs384, .rs512, .ps256, .ps384, .ps512]
        case .ec(.p256): [.es256]
        case .ec(.p384): [.es384]
        case .ec(.p521): [.es512]
        case .ed25519: [.edDSA]
        }
    }

    // MARK: - Signing

    /// The JWS signature of `message` (RFC 7515 §5.1): for ES* the fixed-length `R || S` of RFC 7518
    /// §3.4. Throws ``IntrospectionJWTError/Code/unsupportedAlgorithm`` when `algorithm` does not fit the
    /// key.
    public func signature(over message: some Collection<UInt8>, algorithm: SignatureAlgorithm) throws(IntrospectionJWTError) -> [UInt8] {
        guard fits(algorithm) else {
            throw .unsupportedAlgorithm("\(algorithm) does not fit this \(keyType) signing key (it signs with \(supportedAlgorithms.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let signature = privateKey.sign(Array(message), algorithm: algorithm) else {
            throw .signingKeyUnavailable("OpenSSL could not sign with the \(keyType) key: \(OpenSSLErrorStack.drain())")
        }
        return signature
    }

    /// A compact JWS (RFC 7515 §7.1) of `claims`: the header is `alg`, `typ` when given, and the key's
    /// `kid` when it has one, followed by `extraHeader`'s members.
    public func compactJWS(
        claims: JSONObject,
        algorithm: SignatureAlgorithm,
        type: String? = nil,
        extraHeader: [JSONObject.Member] = []
    ) throws(IntrospectionJWTError) -> String {
        var header: [JSONObject.Member] = [.init(name: "alg", value: .string(algorithm.rawValue))]
        if let type { header.append(.init(name: "typ", value: .string(type))) }
        if let keyID { header.append(.init(name: "kid", value: .string(keyID))) }
        header += extraHeader
        let signingInput = Base64URL.encode(Array(JSONWriter.string(for: .object(JSONObject(members: header))).utf8)) + "."
            + Base64URL.encode(Array(JSONWriter.string(for: .object(claims)).utf8))
        let signature = try self.signature(over: Array(signingInput.utf8), algorithm: algorithm)
        return signingInput + "." + Base64URL.encode(signature)
    }

    // MARK: - Descriptions

    /// `JWTSigningKey(kid: "k1", EC P-256, 256 bits)`: no key material.
    public var description: String {
        "JWTSigningKey(kid: \(keyID.map { quoted($0) } ?? "none"), \(keyType), \(bitCount) bits)"
    }

    /// A mirror without the key material, so that `dump` cannot print it.
    public var customMirror: Mirror {
        Mirror(self, children: ["keyID": keyID as Any, "keyType": keyType, "algorithm": algorithm as Any, "bitCount": bitCount])
    }
}

extension IntrospectionJWTError {
    @inline(never)
    package static func signingKeyUnavailable(_ message: String) -> Self { Self(.signingKeyUnavailable, message) }
}

/// Turns a private JWK into an OpenSSL signing key, or says why not.
enum SigningJWKParser {
    struct Unusable: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
        init(_ other: JWKParser.Unusable) { self.reason = other.reason }
    }

    struct Parsed {
        let keyID: String?
        let keyType: JWTSigningKey.KeyType
        let algorithm: SignatureAlgorithm?
        let privateKey: EVPPrivateKey
    }

    static func parse(_ jwk: JSONObject) throws(Unusable) -> Parsed {
        do {
            return try parseOrThrow(jwk)
        } catch {
            throw Unusable(error)
        }
    }

    private static func parseOrThrow(_ jwk: JSONObject) throws(JWKParser.Unusable) -> Parsed {
        guard let kty = jwk["kty"] else { throw .init("no \"kty\"") }
        guard case .string(let keyTypeName) = kty else { throw .init("\"kty\" is not a string") }
        let keyID = try JWKParser.optionalString(jwk, "kid")
        let use = try JWKParser.optionalString(jwk, "use")
        if let use, !use.hasSameCodePoints(as: "sig") {
            throw .init(use == "enc" ? "an encryption key (\"use\": \"enc\")" : "\"use\" is \(quoted(use)), not \"sig\"")
        }
        _ = try JWKParser.keyOperations(jwk, permitting: ["sign"])
        var algorithm: SignatureAlgorithm? = nil
        if let name = try JWKParser.optionalString(jwk, "alg") {
            guard let known = SignatureAlgorithm(rawValue: name) else {
                throw .init("\"alg\" \(quoted(name)) is not a supported signature algorithm")
            }
            algorithm = known
        }
        if keyTypeName == "oct" { throw .init("a symmetric (oct) key: private_key_jwt needs an asymmetric key") }
        let keyType: JWTSigningKey.KeyType
        let privateKey: EVPPrivateKey
        switch keyTypeName {
        case "RSA":
            keyType = .rsa
            privateKey = try JWKParser.rsaPrivateKey(jwk, purpose: "sign")
        case "EC":
            let curve = try JWKParser.ecCurve(jwk)
            keyType = .ec(curve)
            privateKey = try JWKParser.ecPrivateKey(jwk, curve: curve, purpose: "sign")
        case "OKP":
            guard let curve = try JWKParser.optionalString(jwk, "crv") else { throw .init("no \"crv\"") }
            guard curve == "Ed25519" else {
                throw .init(curve == "X25519" ? "an X25519 key agrees on keys; it cannot sign" : "unsupported curve \(quoted(curve))")
            }
            keyType = .ed25519
            privateKey = try JWKParser.okpPrivateKey(jwk, curve: curve, purpose: "sign")
        default:
            throw .init("unsupported key type \(quoted(keyTypeName))")
        }
        return Parsed(keyID: keyID, keyType: keyType, algorithm: algorithm, privateKey: privateKey)
    }
}
