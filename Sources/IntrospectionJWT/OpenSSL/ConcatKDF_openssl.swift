internal import COpenSSL

/// The Concat KDF of NIST SP 800-56A with SHA-256 (RFC 7518 §4.6.2), which OpenSSL 3 implements as
/// "SSKDF" (the single-step KDF). The `OtherInfo` it hashes after the secret is made by
/// ``ECDHKeyAgreement``.
final class ConcatKDF: @unchecked Sendable {
    // @unchecked: the EVP_KDF is immutable after the fetch and OpenSSL allows it to be shared; each
    // derivation works on a context of its own.

    /// The shared implementation.
    static let shared = ConcatKDF()

    private let pointer: OpaquePointer

    private init() {
        guard let pointer = EVP_KDF_fetch(nil, "SSKDF", nil) else {
            fatalError("OpenSSL provides no SSKDF (Concat KDF) implementation: \(OpenSSLErrorStack.drain())")
        }
        self.pointer = pointer
    }

    deinit { EVP_KDF_free(pointer) }

    /// `byteCount` bytes derived from `secret` (Z) and `otherInfo`, or nil on failure.
    func derive(secret: [UInt8], otherInfo: [UInt8], byteCount: Int) -> [UInt8]? {
        guard let context = EVP_KDF_CTX_new(pointer) else {
            OpenSSLErrorStack.clear()
            return nil
        }
        defer { EVP_KDF_CTX_free(context) }
        var secret = secret
        var otherInfo = otherInfo
        var output = [UInt8](repeating: 0, count: byteCount)
        let derived = secret.withUnsafeMutableBytes { secretBytes in
            otherInfo.withUnsafeMutableBytes { infoBytes in
                let digest: StaticString = "SHA2-256"
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(
                        ParameterName.digest, UnsafeMutableRawPointer(mutating: digest.utf8Start).assumingMemoryBound(to: CChar.self), 0),
                    OSSL_PARAM_construct_octet_string(ParameterName.key, secretBytes.baseAddress, secretBytes.count),
                    OSSL_PARAM_construct_octet_string(ParameterName.info, infoBytes.baseAddress, infoBytes.count),
                    OSSL_PARAM_construct_end(),
                ]
                return EVP_KDF_derive(context, &output, output.count, &parameters) == 1
            }
        }
        secret.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
        guard derived else {
            OpenSSLErrorStack.clear()
            return nil
        }
        return output
    }
}
