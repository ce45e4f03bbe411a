/// A key of a JWK Set that was not loaded, and why (RFC 7517 §5: such keys are ignored, not fatal).
public struct SkippedKey: Sendable, Equatable, CustomStringConvertible {
    /// The key's position in the set's `keys` array.
    public let index: Int
    /// Its `kid`, when it had a string one.
    public let keyID: String?
    /// Its `kty`, when it had a string one.
    public let keyType: String?
    /// Why it cannot verify signatures.
    public let reason: String

    public var description: String {
        "key #\(index)\(keyID.map { " (kid \(quoted($0)))" } ?? ""): \(reason)"
    }
}

/// Turns one JWK into a ``VerificationKey`` (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2), or says why not.
enum JWKParser {
    /// A JWK that became a key, or the reason it did not.
    enum Outcome<Key> {
        case loaded(Key)
        case skipped(SkippedKey)
    }

    static func parse(_ value: JSONValue, index: Int) -> Outcome<VerificationKey> {
        entry(value, index: index, parseKey)
    }

    /// One entry of a set's `keys` array through `parseKey`; any failure makes it a skipped key.
    static func entry<Key>(_ value: JSONValue, index: Int, _ parseKey: (JSONObject) throws(Unusable) -> Key) -> Outcome<Key> {
        guard case .object(let jwk) = value else {
            return .skipped(SkippedKey(index: index, keyID: nil, keyType: nil, reason: "not a JSON object but a \(value.typeName)"))
        }
        do {
            return .loaded(try parseKey(jwk))
        } catch {
            return .skipped(SkippedKey(index: index, keyID: jwk["kid"]?.stringValue, keyType: jwk["kty"]?.stringValue, reason: error.reason))
        }
    }

    /// The keys of a JWK Set document (RFC 7517 §5), each through `parseKey`. A document over
    /// `maximumByteCount` bytes, not strict JSON, or not an object with a `keys` array is refused with
    /// `failure` and a message that calls the document `name`.
    static func keySet<Key>(
        _ bytes: some Collection<UInt8>,
        maximumByteCount: Int,
        name: String,
        failure: (String) -> IntrospectionJWTError,
        _ parseKey: (JSONObject) throws(Unusable) -> Key
    ) throws(IntrospectionJWTError) -> (keys: [Key], skipped: [SkippedKey]) {
        guard bytes.count <= maximumByteCount else {
            throw failure("\(name) is \(bytes.count) bytes, over the limit of \(maximumByteCount)")
        }
        let document: JSONValue
        do {
            document = try StrictJSONParser.parse(bytes)
        } catch {
            throw failure("\(name) is not valid JSON: \(error.reason)")
        }
        guard case .object(let object) = document else {
            throw failure("\(name) is a JSON \(document.typeName), not an object")
        }
        guard let keysValue = object["keys"] else { throw failure("\(name) has no \"keys\" member") }
        guard case .array(let entries) = keysValue else {
            throw failure("\(name)'s \"keys\" is a \(keysValue.typeName), not an array")
        }
        var keys: [Key] = []
        var skipped: [SkippedKey] = []
        for (index, value) in entries.enumerated() {
            switch entry(value, index: index, parseKey) {
            case .loaded(let key): keys.append(key)
            case .skipped(let reason): skipped.append(reason)
            }
        }
        return (keys, skipped)
    }

    struct Unusable: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    static func parseKey(_ jwk: JSONObject) throws(Unusable) -> VerificationKey {
        guard let kty = jwk["kty"] else { throw Unusable("no \"kty\"") }
        guard case .string(let keyTypeName) = kty else { throw Unusable("\"kty\" is not a string") }
        let keyID = try optionalString(jwk, "kid")
        let algorithm = try optionalString(jwk, "alg")
        let use = try optionalString(jwk, "use")
        if let use, !use.hasSameCodePoints(as: "sig") {
            throw Unusable(use == "enc" ? "an encryption key (\"use\": \"enc\")" : "\"use\" is \(quoted(use)), not \"sig\"")
        }
        let operations = try keyOperations(jwk, permitting: ["verify"])

        let keyType: VerificationKey.KeyType
        let publicKey: EVPPublicKey
        switch keyTypeName {
        case "RSA":
            keyType = .rsa
            publicKey = try rsaKey(jwk)
        case "EC":
            let curve = try ecCurve(jwk)
            keyType = .ec(curve)
            publicKey = try ecKey(jwk, curve: curve)
        case "OKP":
            let curve = try edwardsCurve(jwk)
            keyType = .okp(curve)
            publicKey = try edwardsKey(jwk, curve: curve)
        case "oct":
            throw Unusable("a symmetric (oct) key, never used for signatures")
        default:
            throw Unusable("unsupported key type \(quoted(keyTypeName))")
        }
        publicKey.prepareVerification(for: SignatureAlgorithm.allCases.filter { candidate in
            switch (candidate.family, keyType) {
            case (.rsaPKCS1, .rsa), (.rsaPSS, .rsa): true
            case (.ecdsa(let wanted), .ec(let curve)): wanted == curve
            default: false
            }
        })
        let key = VerificationKey(
            keyID: keyID, keyType: keyType, algorithm: algorithm, use: use, keyOperations: operations,
            bitCount: publicKey.bitCount, jwk: jwk, publicKey: publicKey
        )
        if let algorithm {
            guard let signatureAlgorithm = SignatureAlgorithm(rawValue: algorithm) else {
                throw Unusable("\"alg\" \(quoted(algorithm)) is not a supported signature algorithm")
            }
            guard key.fits(signatureAlgorithm) else {
                throw Unusable("\"alg\" \(algorithm) does not fit a \(keyType) key")
            }
        }
        return key
    }

    static func optionalString(_ jwk: JSONObject, _ name: String) throws(Unusable) -> String? {
        guard let value = jwk[name] else { return nil }
        guard case .string(let string) = value else { throw Unusable("\"\(name)\" is a \(value.typeName), not a string") }
        return string
    }

    /// `key_ops`, when present, must be an array of distinct strings that includes one of `permitted`
    /// (RFC 7517 §4.3): `verify` for a signature key.
    static func keyOperations(_ jwk: JSONObject, permitting permitted: [String]) throws(Unusable) -> [String]? {
        guard let value = jwk["key_ops"] else { return nil }
        guard case .array(let elements) = value else { throw Unusable("\"key_ops\" is not an array") }
        var operations: [String] = []
        for element in elements {
            guard case .string(let operation) = element else { throw Unusable("\"key_ops\" holds a \(element.typeName)") }
            guard !operations.contains(where: { $0.hasSameCodePoints(as: operation) }) else {
                throw Unusable("\"key_ops\" lists \(quoted(operation)) twice")
            }
            operations.append(operation)
        }
        guard operations.contains(where: { operation in permitted.contains { $0.hasSameCodePoints(as: operation) } }) else {
            throw Unusable("\"key_ops\" does not include \(permitted.map { "\"\($0)\"" }.joined(separator: " or "))")
        }
        return operations
    }

    static func bytes(_ jwk: JSONObject, _ name: String) throws(Unusable) -> [UInt8] {
        guard let value = jwk[name] else { throw Unusable("no \"\(name)\"") }
        guard case .string(let text) = value else { throw Unusable("\"\(name)\" is not a string") }
        guard let decoded = Base64URL.decode(text) else { throw Unusable("\"\(name)\" is not valid unpadded base64url") }
        return decoded
    }

    // MARK: RSA (RFC 7518 §6.3.1)

    /// RSA moduli above this size are refused by OpenSSL's verification anyway.
    private static let maximumRSAModulusBitCount = 16384

    private static func rsaKey(_ jwk: JSONObject) throws(Unusable) -> EVPPublicKey {
        let (modulus, exponent) = try rsaPublicParameters(jwk)
        do {
            return try EVPPublicKey.rsa(modulus: modulus, exponent: exponent)
        } catch {
            throw Unusable(error.reason)
        }
    }

    /// `n` and `e`, checked: minimal encodings, an odd modulus of at most 16384 bits without the ROCA
    /// fingerprint, an odd exponent from 3 to 64 bits.
    static func rsaPublicParameters(_ jwk: JSONObject) throws(Unusable) -> (modulus: [UInt8], exponent: [UInt8]) {
        var modulus = try bytes(jwk, "n")
        let exponent = try bytes(jwk, "e")
        // base64urlUInt uses the fewest octets. One extra leading zero octet in `n` is tolerated because
        // several libraries emit it (RFC 7518 §6.3.1.1 notes the mistake); anything more is refused.
        if modulus.count > 1, modulus[0] == 0, modulus[1] & 0x80 != 0 { modulus.removeFirst() }
        guard let first = modulus.first, first != 0 else { throw Unusable("\"n\" is empty or not minimally encoded") }
        guard let firstExponent = exponent.first, firstExponent != 0 else {
            throw Unusable("\"e\" is empty or not minimally encoded")
        }
        guard modulus.count * 8 <= maximumRSAModulusBitCount else { throw Unusable("the modulus is over \(maximumRSAModulusBitCount) bits") }
        guard modulus.last! & 1 == 1 else { throw Unusable("the modulus is even") }
        guard exponent.count <= 8 else { throw Unusable("the public exponent is over 64 bits") }
        guard exponent.last! & 1 == 1, exponent.count > 1 || firstExponent >= 3 else {
            throw Unusable("the public exponent must be odd and at least 3")
        }
        guard !ROCAFingerprint.matches(modulus: modulus) else {
            throw Unusable("the modulus has the ROCA fingerprint (CVE-2017-15361): its factors can be computed")
        }
        return (modulus, exponent)
    }

    // MARK: EC (RFC 7518 §6.2.1)

    static func ecCurve(_ jwk: JSONObject) throws(Unusable) -> EllipticCurve {
        guard let name = try optionalString(jwk, "crv") else { throw Unusable("no \"crv\"") }
        guard let curve = EllipticCurve(rawValue: name) else { throw Unusable("unsupported curve \(quoted(name))") }
        return curve
    }

    private static func ecKey(_ jwk: JSONObject, curve: EllipticCurve) throws(Unusable) -> EVPPublicKey {
        let x = try bytes(jwk, "x")
        let y = try bytes(jwk, "y")
        let length = curve.coordinateByteCount
        guard x.count == length, y.count == length else {
            throw Unusable("\"x\" and \"y\" must each be \(length) bytes on \(curve.rawValue), not \(x.count) and \(y.count)")
        }
        do {
            return try EVPPublicKey.ec(curve: curve, x: x, y: y)
        } catch {
            throw Unusable(error.reason)
        }
    }

    // MARK: OKP (RFC 8037 §2)

    private static func edwardsCurve(_ jwk: JSONObject) throws(Unusable) -> EdwardsCurve {
        guard let name = try optionalString(jwk, "crv") else { throw Unusable("no \"crv\"") }
        guard let curve = EdwardsCurve(rawValue: name) else {
            throw Unusable(name.hasPrefix("X") ? "a key-agreement curve (\(quoted(name)))" : "unsupported curve \(quoted(name))")
        }
        return curve
    }

    private static func edwardsKey(_ jwk: JSONObject, curve: EdwardsCurve) throws(Unusable) -> EVPPublicKey {
        let x = try bytes(jwk, "x")
        guard x.count == curve.publicKeyByteCount else {
            throw Unusable("\"x\" must be \(curve.publicKeyByteCount) bytes on \(curve.rawValue), not \(x.count)")
        }
        do {
            return try EVPPublicKey.edwards(curve: curve, x: x)
        } catch {
            throw Unusable(error.reason)
        }
    }
}
