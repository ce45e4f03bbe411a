// Written by hand: no listed Swift package decrypts JWE with OpenSSL (jwt-kit has no JWE, and issue 13 allows
// no second crypto library such as swift-crypto); OpenSSL does every primitive, this file only the JOSE rules.

/// ECDH-ES key agreement (RFC 7518 §4.6): the sender's ephemeral public key (`epk`) and the Concat KDF
/// that turns the shared secret into a key.
enum ECDHKeyAgreement {
    /// The curve of an ECDH key.
    enum Curve: Equatable {
        case ec(EllipticCurve)
        case x25519
    }

    /// The header's `epk`, as far as it could be read: its curve (to choose the keys of that curve) and
    /// the key itself when it is a valid public key of that curve.
    struct EphemeralKey {
        let curve: Curve?
        let key: EVPPublicKey?
    }

    /// Reads `epk`: an object with `kty` `EC` (`crv`, full-length `x` and `y` that make a valid point of
    /// the curve: the defence against invalid-curve attacks) or `OKP` (`crv` `X25519`, 32-byte `x`),
    /// and no private part.
    static func ephemeralKey(_ value: JSONValue?) -> EphemeralKey {
        guard case .object(let jwk)? = value, jwk["d"] == nil,
            case .string(let keyType)? = jwk["kty"], case .string(let curveName)? = jwk["crv"]
        else { return EphemeralKey(curve: nil, key: nil) }
        switch keyType {
        case "EC":
            guard let curve = EllipticCurve(rawValue: curveName) else { return EphemeralKey(curve: nil, key: nil) }
            guard let x = coordinate(jwk["x"], byteCount: curve.coordinateByteCount),
                let y = coordinate(jwk["y"], byteCount: curve.coordinateByteCount)
            else { return EphemeralKey(curve: .ec(curve), key: nil) }
            return EphemeralKey(curve: .ec(curve), key: try? EVPPublicKey.ephemeral(curve: curve, x: x, y: y))
        case "OKP" where curveName == "X25519":
            guard let x = coordinate(jwk["x"], byteCount: 32) else { return EphemeralKey(curve: .x25519, key: nil) }
            return EphemeralKey(curve: .x25519, key: try? EVPPublicKey.x25519(x: x))
        default:
            return EphemeralKey(curve: nil, key: nil)
        }
    }

    private static func coordinate(_ value: JSONValue?, byteCount: Int) -> [UInt8]? {
        guard case .string(let text)? = value, let bytes = Base64URL.decode(text), bytes.count == byteCount else { return nil }
        return bytes
    }

    /// Whether `key` is of the curve `curve`.
    static func key(_ key: DecryptionKey, isOn curve: Curve) -> Bool {
        switch (key.keyType, curve) {
        case (.ec(let keyCurve), .ec(let wanted)): keyCurve == wanted
        case (.x25519, .x25519): true
        default: false
        }
    }

    /// The key agreed with the sender: the shared secret of `privateKey` and `ephemeralKey`, put through
    /// the Concat KDF with SHA-256 (RFC 7518 §4.6.2) for `byteCount` bytes. `algorithmID` is the `enc`
    /// name for ECDH-ES used directly, the `alg` name for ECDH-ES+A*KW. Nil when there is no shared
    /// secret (a bad point, a zero secret).
    static func agreedKey(
        privateKey: EVPPrivateKey,
        ephemeralKey: EVPPublicKey,
        algorithmID: String,
        partyUInfo: [UInt8],
        partyVInfo: [UInt8],
        byteCount: Int
    ) -> [UInt8]? {
        guard var secret = privateKey.sharedSecret(with: ephemeralKey) else { return nil }
        defer { ConstantTime.wipe(&secret) }
        // OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo, each of the first three
        // as a 32-bit big-endian length and the bytes; SuppPubInfo is the key length in bits.
        var otherInfo: [UInt8] = []
        for field in [Array(algorithmID.utf8), partyUInfo, partyVInfo] {
            otherInfo += bigEndian32(field.count) + field
        }
        otherInfo += bigEndian32(byteCount * 8)
        return ConcatKDF.shared.derive(secret: secret, otherInfo: otherInfo, byteCount: byteCount)
    }

    private static func bigEndian32(_ value: Int) -> [UInt8] {
        let value = UInt32(truncatingIfNeeded: value)
        return [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}
