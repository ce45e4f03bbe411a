// Entry points for the benchmark package (Benchmarks/), behind `@_spi(Benchmarks)` so that they are not
// part of the public API: a client sees them only with `@_spi(Benchmarks) import IntrospectionJWT`.
// They expose the OpenSSL limit — one verification of a pre-hashed digest with the key's prepared
// context — and the pieces needed to build its input from a real token, nothing more.

/// A token's signature input taken apart ahead of time: the digest of the signing input and the
/// signature in the form OpenSSL verifies (DER for ECDSA), for the key that verifies it.
@_spi(Benchmarks)
public struct PrehashedSignatureInput: Sendable {
    /// The algorithm of the token.
    public let algorithm: SignatureAlgorithm
    /// The digest of the signing input.
    public let digest: [UInt8]
    /// The signature as OpenSSL takes it (PKCS #1 / PSS bytes, or a DER `ECDSA-Sig-Value`).
    public let signature: [UInt8]
}

@_spi(Benchmarks)
extension VerificationKey {
    /// Hashes `token`'s signing input and converts its signature, with no check of anything else;
    /// nil when the token is not a compact JWS, the key does not fit, or the algorithm is EdDSA.
    public func prehashedInput(of token: String, algorithm: SignatureAlgorithm) -> PrehashedSignatureInput? {
        guard fits(algorithm), let digestAlgorithm = algorithm.digest,
            let jws = try? CompactJWS.parse(token, payload: .opaque)
        else { return nil }
        var digest = [UInt8](repeating: 0, count: digestAlgorithm.byteCount)
        let hashed = jws.withSigningInput { input in
            digest.withUnsafeMutableBufferPointer { digestAlgorithm.hash(input, into: $0) }
        }
        guard hashed else { return nil }
        var signature = jws.signature
        if case .ecdsa(let curve) = algorithm.family {
            var der = [UInt8](repeating: 0, count: ECDSASignature.maximumDERByteCount)
            let length = jws.signature.withUnsafeBufferPointer { raw in
                der.withUnsafeMutableBufferPointer {
                    ECDSASignature.der(fromRaw: raw, coordinateByteCount: curve.coordinateByteCount, into: $0)
                }
            }
            guard let length else { return nil }
            signature = Array(der[0..<length])
        }
        return PrehashedSignatureInput(algorithm: algorithm, digest: digest, signature: signature)
    }

    /// One OpenSSL verification of a pre-hashed input with the context prepared for its algorithm
    /// (`EVP_PKEY_CTX_dup` of the template, `EVP_PKEY_verify`): the floor under every verification.
    public func verifyPrehashed(_ input: PrehashedSignatureInput) -> Bool {
        input.signature.withUnsafeBufferPointer { signature in
            input.digest.withUnsafeBufferPointer { digest in
                publicKey.verify(signature: signature, digest: digest, algorithm: input.algorithm)
            }
        }
    }
}
