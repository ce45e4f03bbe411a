extension IntrospectionClient {
    /// Resolves now what the first call would otherwise resolve: the introspection endpoint and, for JWT
    /// answers checked by the default verifier, the verifier (the issuer's metadata, discovered when the
    /// options leave the endpoint or the JWK Set open; the URLs checked; the allowed algorithms against
    /// those the issuer publishes; the decryption keys).
    ///
    /// A service calls it before it accepts requests, so that an issuer whose metadata cannot be used
    /// stops it at start-up instead of failing every request. It never calls the introspection endpoint
    /// and fetches no key. A failure is not remembered: a later call (or `introspect`) tries again.
    public func prepare() async throws(IntrospectionClientError) {
        if case .failure(let error) = await setup.resolve() { throw error }
    }
}
