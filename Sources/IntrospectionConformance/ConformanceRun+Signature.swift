import IntrospectionJWT

extension ConformanceRun {
    /// The keys of `keys` that the header of `jws` selects: by `kid` (exact) when present, else every
    /// key that fits `alg`. The error says why none fits.
    static func selectKeys(for jws: ReceivedJWS, in keys: JWKSet) -> Result<(keys: [VerificationKey], reason: String), ReasonError> {
        let algorithmName = jws.header["alg"]?.stringValue
        let algorithm = algorithmName.flatMap(SignatureAlgorithm.init(rawValue:))
        switch jws.header["kid"] {
        case .string(let keyID)?:
            let named = keys.keys(withID: keyID)
            guard !named.isEmpty else {
                return .failure(ReasonError("no key with kid \(quoted(keyID)) in the JWK Set"))
            }
            guard let algorithm else { return .success((named, "kid \(quoted(keyID)) found")) }
            let fitting = named.filter { $0.fits(algorithm) }
            guard !fitting.isEmpty else {
                return .failure(ReasonError("the key with kid \(quoted(keyID)) does not fit \(algorithm) (kty, crv, alg or use differ)"))
            }
            return .success((fitting, "kid \(quoted(keyID)) found, fits \(algorithm)"))
        case .some(let value):
            return .failure(ReasonError("\"kid\" is a \(value.typeName), not a string"))
        case nil:
            guard let algorithm else {
                return .failure(ReasonError("no kid, and alg \(algorithmName.map { quoted($0) } ?? "(none)") selects no key"))
            }
            let fitting = keys.keys.filter { $0.fits(algorithm) }
            guard !fitting.isEmpty else { return .failure(ReasonError("no kid, and no key of the JWK Set fits \(algorithm)")) }
            return .success((fitting, "no kid; \(fitting.count) key\(fitting.count == 1 ? "" : "s") fit \(algorithm)"))
        }
    }

    /// Whether the signature of `jws` verifies with one of `candidates` (RFC 7515 §5.2).
    static func verifySignature(of jws: ReceivedJWS, with candidates: [VerificationKey]) -> Result<String, ReasonError> {
        let name = jws.header["alg"]?.stringValue ?? ""
        guard let algorithm = SignatureAlgorithm(rawValue: name) else {
            if name == "none" || name.hasPrefix("HS") {
                return .failure(ReasonError("alg \(quoted(name)) is not an asymmetric signature; nothing an RS can verify with the JWK Set"))
            }
            return .failure(ReasonError("alg \(quoted(name)) is not one this checker implements"))
        }
        for key in candidates where !key.isWeak && key.isValidSignature(jws.signature, for: jws.signingInput, algorithm: algorithm) {
            return .success("\(algorithm) signature verifies with kid \(key.keyID.map { quoted($0) } ?? "(none)")")
        }
        if candidates.allSatisfy(\.isWeak) {
            return .failure(ReasonError("only RSA keys under \(VerificationKey.minimumRSAModulusBitCount) bits fit (RFC 7518 §3.3)"))
        }
        return .failure(ReasonError("the \(algorithm) signature does not verify with the selected key"))
    }
}
