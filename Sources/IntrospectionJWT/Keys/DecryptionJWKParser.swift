/// Turns one JWK of a decryption key set into a ``DecryptionKey`` (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2),
/// or says why not.
enum DecryptionJWKParser {
    typealias Unusable = JWKParser.Unusable

    /// The key of a PEM file: no kid, alg, use or key_ops.
    static func key(fromPEM bytes: [UInt8]) throws(Unusable) -> DecryptionKey {
        let privateKey: EVPPrivateKey
        do {
            privateKey = try EVPPrivateKey.pem(bytes)
        } catch {
            throw Unusable(error.reason)
        }
        let keyType: DecryptionKey.KeyType
        switch privateKey.kind {
        case .rsa: keyType = .rsa
        case .ec(let curve): keyType = .ec(curve)
        case .x25519: keyType = .x25519
        case .ed25519: throw Unusable("an Ed25519 key signs; it cannot decrypt")
        }
        try checkSize(keyType, privateKey: privateKey)
        return DecryptionKey(
            keyID: nil, keyType: keyType, algorithm: nil, use: nil, keyOperations: nil, bitCount: privateKey.bitCount,
            material: DecryptionKey.Material(privateKey))
    }

    static func parseKey(_ jwk: JSONObject) throws(Unusable) -> DecryptionKey {
        guard let kty = jwk["kty"] else { throw Unusable("no \"kty\"") }
        guard case .string(let keyTypeName) = kty else { throw Unusable("\"kty\" is not a string") }
        let keyID = try JWKParser.optionalString(jwk, "kid")
        let algorithm = try JWKParser.optionalString(jwk, "alg")
        let use = try JWKParser.optionalString(jwk, "use")
        if let use, !use.hasSameCodePoints(as: "enc") {
            throw Unusable(use == "sig" ? "a signature key (\"use\": \"sig\")" : "\"use\" is \(quoted(use)), not \"enc\"")
        }
        let operations = try JWKParser.keyOperations(jwk, permitting: ["decrypt", "unwrapKey"])

        let keyType: DecryptionKey.KeyType
        let material: DecryptionKey.Material
        switch keyTypeName {
        case "RSA":
            keyType = .rsa
            material = DecryptionKey.Material(try JWKParser.rsaPrivateKey(jwk, purpose: "decrypt"))
        case "EC":
            let curve = try JWKParser.ecCurve(jwk)
            keyType = .ec(curve)
            material = DecryptionKey.Material(try JWKParser.ecPrivateKey(jwk, curve: curve, purpose: "decrypt"))
        case "OKP":
            guard let curve = try JWKParser.optionalString(jwk, "crv") else { throw Unusable("no \"crv\"") }
            guard curve == "X25519" else {
                throw Unusable(curve.hasPrefix("Ed") ? "a signature curve (\(quoted(curve)))" : "unsupported curve \(quoted(curve))")
            }
            keyType = .x25519
            material = DecryptionKey.Material(try JWKParser.okpPrivateKey(jwk, curve: curve, purpose: "decrypt"))
        case "oct":
            let secret = try JWKParser.bytes(jwk, "k")
            guard [16, 24, 32, 48, 64].contains(secret.count) else {
                throw Unusable("a \(secret.count)-byte symmetric key fits no supported algorithm (16, 24, 32, 48 or 64 bytes)")
            }
            keyType = .symmetric(byteCount: secret.count)
            material = DecryptionKey.Material(SymmetricKeyBytes(secret))
        default:
            throw Unusable("unsupported key type \(quoted(keyTypeName))")
        }
        if let privateKey = material.privateKey { try checkSize(keyType, privateKey: privateKey) }
        let bitCount = material.privateKey?.bitCount ?? (material.symmetricKey?.bytes.count ?? 0) * 8
        let key = DecryptionKey(
            keyID: keyID, keyType: keyType, algorithm: algorithm, use: use, keyOperations: operations, bitCount: bitCount,
            material: material)
        if let algorithm { try checkAlgorithm(algorithm, of: key) }
        return key
    }

    /// The JWK's `alg` must be a supported key management algorithm that fits the key, or, for a symmetric
    /// key of `dir`, the content encryption algorithm it serves.
    private static func checkAlgorithm(_ name: String, of key: DecryptionKey) throws(Unusable) {
        if let refusal = KeyManagementAlgorithm.refusal(of: name) { throw Unusable("\"alg\": \(refusal)") }
        if let algorithm = KeyManagementAlgorithm(rawValue: name) {
            guard ContentEncryptionAlgorithm.allCases.contains(where: { key.fits(algorithm, contentEncryption: $0) }) else {
                throw Unusable("\"alg\" \(name) does not fit a \(key.keyType) key")
            }
            return
        }
        if let encryption = ContentEncryptionAlgorithm(rawValue: name) {
            guard key.fits(.direct, contentEncryption: encryption) else {
                throw Unusable("\"alg\" \(name) does not fit a \(key.keyType) key")
            }
            return
        }
        throw Unusable("\"alg\" \(quoted(name)) is not a supported key management algorithm")
    }

    private static func checkSize(_ keyType: DecryptionKey.KeyType, privateKey: EVPPrivateKey) throws(Unusable) {
        if keyType == .rsa, privateKey.bitCount < DecryptionKey.minimumRSAModulusBitCount {
            throw Unusable("an RSA key of \(privateKey.bitCount) bits, under the required \(DecryptionKey.minimumRSAModulusBitCount) (RFC 7518 §4.3)")
        }
    }
}
