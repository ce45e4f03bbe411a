/// The JWS layer on its own: structure, `alg`, `crit`, key selection and signature (RFC 7515 §5.2),
/// without the JWT and RFC 9701 rules. The verifier's pipeline uses ``verifySignature(of:algorithm:keyID:keyIDIsInvalid:keys:)``;
/// ``verify(_:keys:allowedAlgorithms:)`` serves bare JWS test vectors and conformance checks.
enum JWSSignatureVerifier {
    /// Verifies a compact JWS whose payload may be any bytes; returns the key that verified it.
    static func verify(
        _ token: String,
        keys: JWKSet,
        allowedAlgorithms: Set<SignatureAlgorithm> = SignatureAlgorithm.allSupported,
        understoodCriticalParameters: Set<String> = []
    ) throws(IntrospectionJWTError) -> VerificationKey {
        let jws = try CompactJWS.parse(token, payload: .opaque)
        let algorithm = try JOSEHeader.checkAlgorithm(jws.header["alg"], allowed: allowedAlgorithms)
        try JOSEHeader.checkCritical(jws.header["crit"], header: jws.header, understood: understoodCriticalParameters)
        let (keyID, keyIDIsInvalid) = JOSEHeader.keyIdentifier(jws.header)
        return try verifySignature(of: jws, algorithm: algorithm, keyID: keyID, keyIDIsInvalid: keyIDIsInvalid, keys: keys)
    }

    /// Selects the keys that fit (by `kid` when present; RFC 7515 §4.1.4, RFC 7517 §4.2-4.5) and returns
    /// the first one whose signature verifies. No fitting key: `unknown_key`; only weak RSA keys fit:
    /// `weak_key`; none verifies: `bad_signature`.
    static func verifySignature(
        of jws: CompactJWS,
        algorithm: SignatureAlgorithm,
        keyID: String?,
        keyIDIsInvalid: Bool,
        keys: JWKSet
    ) throws(IntrospectionJWTError) -> VerificationKey {
        if keyIDIsInvalid {
            throw .unknownKey("\"kid\" is a \(jws.header["kid"]?.typeName ?? "?"), not a string, and names no key")
        }
        var fitting = 0
        var strong = 0
        var weakKey: VerificationKey? = nil
        let verified: VerificationKey? = jws.signature.withUnsafeBufferPointer { signature in
            jws.withSigningInput { signingInput in
                for key in keys.keys where key.fits(algorithm) {
                    if let keyID, !(key.keyID?.hasSameCodePoints(as: keyID) ?? false) { continue }
                    fitting += 1
                    if key.isWeak {
                        weakKey = key
                        continue
                    }
                    strong += 1
                    if key.isValidSignature(signature, for: signingInput, algorithm: algorithm) { return key }
                }
                return nil
            }
        }
        if let verified { return verified }
        let keyName = keyID.map { "kid \(quoted($0))" } ?? "no kid"
        guard fitting > 0 else {
            if let keyID, !keys.keys(withID: keyID).isEmpty {
                throw .unknownKey("the key with kid \(quoted(keyID)) does not fit \(algorithm) (its kty, crv or alg differ)")
            }
            if let keyID {
                throw .unknownKey("no key in the key set has kid \(quoted(keyID))")
            }
            throw .unknownKey("no key in the key set fits \(algorithm) (the token has no kid)")
        }
        if strong == 0, let weakKey {
            throw .weakKey("the key for \(keyName) is RSA with a \(weakKey.bitCount)-bit modulus, under the required \(VerificationKey.minimumRSAModulusBitCount) bits")
        }
        if jws.signature.isEmpty {
            throw .badSignature("the signature is empty")
        }
        throw .badSignature("the \(algorithm) signature does not verify with \(strong == 1 ? "the key" : "any of the \(strong) keys") fitting \(keyName)")
    }
}
