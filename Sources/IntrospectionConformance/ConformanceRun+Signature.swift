import IntrospectionJWT

extension ConformanceRun {
    /// The key check and the signature check of a response (the active or the inactive answer), with the
    /// verifier's own key selection and signature rule: no fitting key fails the key check; a weak key or a
    /// signature that does not verify fails the signature check.
    func checkKeyAndSignature(
        _ response: ResponseRules, keys: JWKSet?, keyCheck: ConformanceCheckDefinition, signatureCheck: ConformanceCheckDefinition
    ) {
        guard let keys else {
            skip(keyCheck, "no JWK Set (jwks.document)")
            skip(signatureCheck, "no JWK Set (jwks.document)")
            return
        }
        let keyID = response.header["kid"]
        let algorithm: SignatureAlgorithm
        do {
            algorithm = try response.algorithm()
        } catch {
            // Not an algorithm an RS can verify with the JWK Set: the key check can only look the kid up.
            let name = response.header["alg"]?.stringValue ?? ""
            if let keyID = keyID?.stringValue, !keys.keys(withID: keyID).isEmpty {
                pass(keyCheck, "kid \(quoted(keyID)) found")
            } else {
                fail(keyCheck, keyID.map { "no key with kid \(quoted($0)) in the JWK Set" } ?? "no kid, and alg \(quoted(name)) selects no key")
            }
            if name == "none" || name.hasPrefix("HS") {
                fail(signatureCheck, "alg \(quoted(name)) is not an asymmetric signature; nothing an RS can verify with the JWK Set")
            } else {
                skip(signatureCheck, "alg \(quoted(name)) is not one this checker implements")
            }
            return
        }
        let found = keyID.map { "kid \(quoted($0)) found, fits \(algorithm)" } ?? "no kid; a key fits \(algorithm)"
        do {
            let key = try response.verifySignature(algorithm: algorithm, keys: keys)
            pass(keyCheck, found)
            pass(signatureCheck, "\(algorithm) signature verifies with kid \(key.keyID.map { quoted($0) } ?? "(none)")")
        } catch where error.code == .unknownKey {
            fail(keyCheck, error.message)
            skip(signatureCheck, "no key to verify with (\(keyCheck.id))")
        } catch {
            pass(keyCheck, found)
            fail(signatureCheck, error.message)
        }
    }

    /// The signature check of the inactive answer alone: key selection and signature, one outcome.
    func checkSignature(_ response: ResponseRules, keys: JWKSet, check: ConformanceCheckDefinition) {
        do {
            let key = try response.verifySignature(algorithm: try response.algorithm(), keys: keys)
            pass(check, "signature verifies with kid \(key.keyID.map { quoted($0) } ?? "(none)")")
        } catch {
            fail(check, error.message)
        }
    }
}
