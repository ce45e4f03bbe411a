internal import COpenSSL

/// Builds OpenSSL keys with `EVP_PKEY_fromdata`, for ``EVPPublicKey`` and ``EVPPrivateKey``.
///
/// The key it returns is owned by the caller: only those two classes' factories call it, and each hands
/// the pointer to its own initialiser at once, so that the key has an owner (and a `deinit`) from then on.
enum EVPKeyBuilder {
    /// What the parameters describe.
    enum Selection {
        /// A public key only.
        case publicKey
        /// A private key and its public half.
        case keyPair
        /// Domain parameters only (an EC group).
        case parameters

        var value: Int32 {
            switch self {
            case .publicKey: COpenSSL_EVP_PKEY_PUBLIC_KEY()
            case .keyPair: COpenSSL_EVP_PKEY_KEYPAIR()
            case .parameters: COpenSSL_EVP_PKEY_KEY_PARAMETERS()
            }
        }
    }

    /// One key parameter's value.
    enum Value {
        /// A big-endian unsigned integer (a BIGNUM parameter).
        case bigNumber([UInt8])
        /// A UTF-8 string (the group name of an EC key).
        case utf8(String)
        /// An octet string (an EC public point, a raw private scalar).
        case octets([UInt8])
    }

    /// Builds a key of `algorithm` ("RSA", "EC") from `parameters`.
    ///
    /// The parameter builder keeps pointers to what is pushed until `OSSL_PARAM_BLD_to_param`, so every
    /// value is copied into storage that lives until the key is built, and secret values are cleansed
    /// when they are freed.
    static func build(
        algorithm: String,
        selection: Selection,
        parameters: [(name: UnsafePointer<CChar>, value: Value)]
    ) throws(KeyConstructionFailure) -> OpaquePointer {
        guard let builder = OSSL_PARAM_BLD_new() else {
            throw KeyConstructionFailure(reason: "out of memory: \(OpenSSLErrorStack.drain())")
        }
        var numbers: [OpaquePointer] = []
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer {
            OSSL_PARAM_BLD_free(builder)
            for number in numbers { BN_clear_free(number) }
            for buffer in buffers {
                OPENSSL_cleanse(buffer.baseAddress, buffer.count)
                buffer.deallocate()
            }
        }
        func copy(_ bytes: some Collection<UInt8>, terminated: Bool) -> UnsafeMutableRawBufferPointer {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count + (terminated ? 1 : 0), alignment: 1)
            buffer.copyBytes(from: bytes)
            if terminated { buffer[bytes.count] = 0 }
            buffers.append(buffer)
            return buffer
        }
        for (name, value) in parameters {
            let pushed: Bool
            switch value {
            case .bigNumber(let bytes):
                guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
                    pushed = false
                    break
                }
                numbers.append(number)
                pushed = OSSL_PARAM_BLD_push_BN(builder, name, number) == 1
            case .utf8(let text):
                let buffer = copy(text.utf8, terminated: true)
                pushed = OSSL_PARAM_BLD_push_utf8_string(builder, name, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), 0) == 1
            case .octets(let bytes):
                let buffer = copy(bytes, terminated: false)
                pushed = OSSL_PARAM_BLD_push_octet_string(builder, name, buffer.baseAddress, bytes.count) == 1
            }
            guard pushed else {
                throw KeyConstructionFailure(reason: "could not encode the key parameters: \(OpenSSLErrorStack.drain())")
            }
        }
        guard let built = OSSL_PARAM_BLD_to_param(builder) else {
            throw KeyConstructionFailure(reason: "could not encode the key parameters: \(OpenSSLErrorStack.drain())")
        }
        defer { OSSL_PARAM_free(built) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else {
            throw KeyConstructionFailure(reason: "OpenSSL has no \(algorithm) implementation: \(OpenSSLErrorStack.drain())")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_fromdata_init(context) == 1,
            EVP_PKEY_fromdata(context, &key, selection.value, built) == 1,
            let key
        else {
            throw KeyConstructionFailure(reason: "OpenSSL refused the \(algorithm) key: \(OpenSSLErrorStack.drain())")
        }
        return key
    }
}

/// The `OSSL_PARAM` names used to build keys and to configure operations. The parameter builder keeps the
/// name pointers until `OSSL_PARAM_BLD_to_param`, so they must be static C strings, never bridged Swift
/// strings (whose temporary buffers die when the call returns). The values are those of `core_names.h`.
enum ParameterName {
    static var rsaModulus: UnsafePointer<CChar> { cString("n") }  // OSSL_PKEY_PARAM_RSA_N
    static var rsaExponent: UnsafePointer<CChar> { cString("e") }  // OSSL_PKEY_PARAM_RSA_E
    static var rsaPrivateExponent: UnsafePointer<CChar> { cString("d") }  // OSSL_PKEY_PARAM_RSA_D
    static var rsaFactor1: UnsafePointer<CChar> { cString("rsa-factor1") }  // OSSL_PKEY_PARAM_RSA_FACTOR1
    static var rsaFactor2: UnsafePointer<CChar> { cString("rsa-factor2") }  // OSSL_PKEY_PARAM_RSA_FACTOR2
    static var rsaExponent1: UnsafePointer<CChar> { cString("rsa-exponent1") }  // OSSL_PKEY_PARAM_RSA_EXPONENT1
    static var rsaExponent2: UnsafePointer<CChar> { cString("rsa-exponent2") }  // OSSL_PKEY_PARAM_RSA_EXPONENT2
    static var rsaCoefficient1: UnsafePointer<CChar> { cString("rsa-coefficient1") }  // OSSL_PKEY_PARAM_RSA_COEFFICIENT1
    static var groupName: UnsafePointer<CChar> { cString("group") }  // OSSL_PKEY_PARAM_GROUP_NAME
    static var publicKey: UnsafePointer<CChar> { cString("pub") }  // OSSL_PKEY_PARAM_PUB_KEY
    static var privateKey: UnsafePointer<CChar> { cString("priv") }  // OSSL_PKEY_PARAM_PRIV_KEY
    static var digest: UnsafePointer<CChar> { cString("digest") }  // OSSL_KDF_PARAM_DIGEST, OSSL_MAC_PARAM_DIGEST
    static var key: UnsafePointer<CChar> { cString("key") }  // OSSL_KDF_PARAM_KEY
    static var info: UnsafePointer<CChar> { cString("info") }  // OSSL_KDF_PARAM_INFO
    static var oaepLabel: UnsafePointer<CChar> { cString("oaep-label") }  // OSSL_ASYM_CIPHER_PARAM_OAEP_LABEL

    /// A static C string.
    static func cString(_ string: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(string.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
