/// Where a verifier gets its keys: a fixed ``JWKSet``, or a remote JWKS that is fetched and cached.
public protocol VerificationKeySource: Sendable {
    /// The key set to verify a token whose header names `keyID` (or no kid) and `algorithm`.
    ///
    /// A source that can refresh (a remote JWKS) does so when the set it holds has no key that fits,
    /// within its own limits. Throws ``IntrospectionJWTError/Code/jwksUnavailable`` when no keys can be had.
    func keySet(forKeyID keyID: String?, algorithm: SignatureAlgorithm) async throws(IntrospectionJWTError) -> JWKSet
}

extension JWKSet: VerificationKeySource {
    /// A fixed set is its own source.
    public func keySet(forKeyID keyID: String?, algorithm: SignatureAlgorithm) async throws(IntrospectionJWTError) -> JWKSet {
        self
    }

    /// Whether some key of the set fits a token with this kid (or none) and algorithm.
    public func hasKey(fitting keyID: String?, algorithm: SignatureAlgorithm) -> Bool {
        keys.contains { key in
            (keyID == nil || key.keyID?.hasSameCodePoints(as: keyID!) == true) && key.fits(algorithm)
        }
    }
}
