import IntrospectionJWT
import IntrospectionTesting

/// Keys shared by the tests (generating RSA keys is slow, so each is made once).
enum TestKeys {
    static let rsa = TestSigningKey(.rsa(bits: 2048), keyID: "rsa-2048")
    static let rsaOther = TestSigningKey(.rsa(bits: 2048), keyID: "rsa-other")
    static let rsaWeak = TestSigningKey(.rsa(bits: 1024), keyID: "rsa-1024")
    static let p256 = TestSigningKey(.ec(.p256), keyID: "ec-p256")
    static let p384 = TestSigningKey(.ec(.p384), keyID: "ec-p384")
    static let p521 = TestSigningKey(.ec(.p521), keyID: "ec-p521")
    static let ed25519 = TestSigningKey(.ed25519, keyID: "ed25519")

    static let all = [rsa, rsaOther, rsaWeak, p256, p384, p521, ed25519]

    static let keySet: JWKSet = try! JWKSet(json: TokenMinter.jwks(all))

    /// The key that signs `algorithm` in these tests.
    static func key(for algorithm: SignatureAlgorithm) -> TestSigningKey {
        switch algorithm {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: rsa
        case .es256: p256
        case .es384: p384
        case .es512: p521
        case .edDSA: ed25519
        }
    }
}

/// A fixed verification time used by the tests.
let testTime = 1_763_740_800

func makeVerifier(keys: JWKSet = TestKeys.keySet, algorithms: Set<SignatureAlgorithm> = SignatureAlgorithm.allSupported) -> IntrospectionResponseVerifier {
    IntrospectionResponseVerifier(
        policy: VerificationPolicy(issuer: TokenMinter.issuer, audiences: [TokenMinter.audience], allowedAlgorithms: algorithms),
        keys: keys
    )
}
