public import IntrospectionJWT
public import IntrospectionRemoteKeys
public import Logging
public import Metrics

// Initialisers that default to ``AsyncHTTPClientTransport``: importing this module is all it takes to
// fetch keys and metadata over async-http-client. The offline core and the network edge never see it.

extension RemoteJWKSKeySource {
    /// A key source for the JWK Set at `url`, fetched with ``AsyncHTTPClientTransport`` (its shared
    /// client: no redirects followed by the client, 2-second connect timeout). Nothing is fetched until
    /// the first lookup.
    public init(
        url: String,
        configuration: RemoteJWKSConfiguration = .init(),
        clock: any IntrospectionClock = .system,
        logger: Logger = Logger(label: "introspection-jwt.remote-jwks"),
        metricsFactory: (any MetricsFactory)? = nil,
        archive: (any KeyArchive)? = nil
    ) {
        self.init(
            url: url, configuration: configuration, transport: AsyncHTTPClientTransport(), clock: clock, logger: logger,
            metricsFactory: metricsFactory, archive: archive
        )
    }

    /// A key source for the `jwks_uri` of discovered metadata, fetched with ``AsyncHTTPClientTransport``.
    public init(
        metadata: AuthorizationServerMetadata,
        configuration: RemoteJWKSConfiguration = .init(),
        clock: any IntrospectionClock = .system,
        logger: Logger = Logger(label: "introspection-jwt.remote-jwks"),
        metricsFactory: (any MetricsFactory)? = nil,
        archive: (any KeyArchive)? = nil
    ) {
        self.init(
            metadata: metadata, configuration: configuration, transport: AsyncHTTPClientTransport(), clock: clock,
            logger: logger, metricsFactory: metricsFactory, archive: archive
        )
    }

    /// Discovers the metadata of `issuer` (RFC 8414, then OpenID discovery) with
    /// ``AsyncHTTPClientTransport`` and returns a key source for its `jwks_uri`.
    public static func discovering(
        issuer: String,
        configuration: RemoteJWKSConfiguration = .init(),
        clock: any IntrospectionClock = .system,
        logger: Logger = Logger(label: "introspection-jwt.remote-jwks"),
        metricsFactory: (any MetricsFactory)? = nil,
        archive: (any KeyArchive)? = nil
    ) async throws(IntrospectionJWTError) -> RemoteJWKSKeySource {
        try await discovering(
            issuer: issuer, configuration: configuration, transport: AsyncHTTPClientTransport(), clock: clock,
            logger: logger, metricsFactory: metricsFactory, archive: archive
        )
    }
}

extension AuthorizationServerMetadata {
    /// Reads the metadata of `issuer` with ``AsyncHTTPClientTransport``: the RFC 8414 document, else the
    /// OpenID Connect Discovery one.
    public static func discover(
        issuer: String,
        timeout: Duration = .seconds(5),
        maximumBodyByteCount: Int = 512 * 1024,
        logger: Logger = Logger(label: "introspection-jwt.discovery")
    ) async throws(IntrospectionJWTError) -> AuthorizationServerMetadata {
        try await discover(
            issuer: issuer, transport: AsyncHTTPClientTransport(), timeout: timeout,
            maximumBodyByteCount: maximumBodyByteCount, logger: logger
        )
    }
}
