/// The private members of RSA, EC and OKP JWKs, turned into OpenSSL keys: shared by the decryption key
/// set (``DecryptionKeySet``) and the signing key of `private_key_jwt` (``JWTSigningKey``), which differ
/// only in which key types they take and what a key may be used for.
extension JWKParser {
    /// A private member (`d`, ...): a public key has none, and cannot `purpose` (`sign`, `decrypt`).
    static func privateMember(_ jwk: JSONObject, _ name: String, purpose: String) throws(Unusable) -> [UInt8] {
        guard jwk[name] != nil else { throw Unusable("no private part (\"\(name)\"): a public key cannot \(purpose)") }
        return try bytes(jwk, name)
    }

    /// An RSA private key (RFC 7518 §6.3.2): `n`, `e`, `d`, and the CRT parameters all together or none.
    static func rsaPrivateKey(_ jwk: JSONObject, purpose: String) throws(Unusable) -> EVPPrivateKey {
        let (modulus, exponent) = try rsaPublicParameters(jwk)
        let d = try privateMember(jwk, "d", purpose: purpose)
        guard jwk["oth"] == nil else { throw Unusable("a multi-prime RSA key (\"oth\"), not supported") }
        let names = ["p", "q", "dp", "dq", "qi"]
        let present = names.filter { jwk[$0] != nil }
        var factors: EVPPrivateKey.RSAFactors? = nil
        if present.count == names.count {
            factors = EVPPrivateKey.RSAFactors(
                p: try bytes(jwk, "p"), q: try bytes(jwk, "q"), dp: try bytes(jwk, "dp"), dq: try bytes(jwk, "dq"), qi: try bytes(jwk, "qi"))
        } else if !present.isEmpty {
            throw Unusable("the CRT parameters are incomplete (RFC 7518 §6.3.2: p, q, dp, dq and qi go together)")
        }
        do {
            return try EVPPrivateKey.rsa(modulus: modulus, publicExponent: exponent, privateExponent: d, factors: factors)
        } catch {
            throw Unusable(error.reason)
        }
    }

    /// An EC private key on `curve` (RFC 7518 §6.2.2): `x`, `y` and `d`, each of the curve's size, `d`
    /// the private half of the point.
    static func ecPrivateKey(_ jwk: JSONObject, curve: EllipticCurve, purpose: String) throws(Unusable) -> EVPPrivateKey {
        let x = try bytes(jwk, "x")
        let y = try bytes(jwk, "y")
        let d = try privateMember(jwk, "d", purpose: purpose)
        let length = curve.coordinateByteCount
        guard x.count == length, y.count == length, d.count == length else {
            throw Unusable("\"x\", \"y\" and \"d\" must each be \(length) bytes on \(curve.rawValue), not \(x.count), \(y.count) and \(d.count)")
        }
        do {
            return try EVPPrivateKey.ec(curve: curve, d: d, x: x, y: y)
        } catch {
            throw Unusable(error.reason)
        }
    }

    /// An OKP private key (RFC 8037 §2) on `curve` (`X25519` or `Ed25519`): 32-byte `x` and `d`, `x` the
    /// public half of `d`.
    static func okpPrivateKey(_ jwk: JSONObject, curve: String, purpose: String) throws(Unusable) -> EVPPrivateKey {
        let x = try bytes(jwk, "x")
        let d = try privateMember(jwk, "d", purpose: purpose)
        guard x.count == 32, d.count == 32 else {
            throw Unusable("\"x\" and \"d\" must each be 32 bytes on \(curve), not \(x.count) and \(d.count)")
        }
        do {
            return curve == "Ed25519" ? try EVPPrivateKey.ed25519(d: d, x: x) : try EVPPrivateKey.x25519(d: d, x: x)
        } catch {
            throw Unusable(error.reason)
        }
    }
}
