import Foundation
import IntrospectionJWT
import IntrospectionRemoteKeys
import Logging

/// What the client needs before its first call (the endpoint, and for JWT responses the validator),
/// resolved once: from the options, or from the issuer's metadata (RFC 8414) when they leave it open.
///
/// Concurrent first calls share one discovery. A failed discovery is not remembered: the next call tries
/// again.
actor ClientSetup {
    /// The resolved endpoint and validator, the transport of introspection calls (the one that presents
    /// the client certificate of `tls_client_auth`), and the audience of `private_key_jwt` assertions.
    struct Resolved: Sendable {
        let endpoint: String
        let validator: (any IntrospectionResponseValidator)?
        var transport: any HTTPTransport
        var assertionAudience: String?
    }

    private let options: IntrospectionClientOptions
    private let transport: any HTTPTransport
    private let clock: any IntrospectionClock
    private let logger: Logger
    private var resolved: Resolved?
    private var pending: Task<Result<Resolved, IntrospectionClientError>, Never>?

    init(options: IntrospectionClientOptions, transport: any HTTPTransport, clock: any IntrospectionClock, logger: Logger) {
        self.options = options
        self.transport = transport
        self.clock = clock
        self.logger = logger
    }

    /// The endpoint and validator, resolving them on first use.
    func resolve() async -> Result<Resolved, IntrospectionClientError> {
        if let resolved { return .success(resolved) }
        if let pending { return await pending.value }
        let (options, transport, clock, logger) = (self.options, self.transport, self.clock, self.logger)
        let task = Task { await Self.make(options: options, transport: transport, clock: clock, logger: logger) }
        pending = task
        let result = await task.value
        pending = nil
        if case .success(let value) = result { resolved = value }
        return result
    }

    private static func make(
        options: IntrospectionClientOptions,
        transport: any HTTPTransport,
        clock: any IntrospectionClock,
        logger: Logger
    ) async -> Result<Resolved, IntrospectionClientError> {
        do throws(IntrospectionClientError) {
            return .success(try await makeOrThrow(options: options, transport: transport, clock: clock, logger: logger))
        } catch {
            return .failure(error)
        }
    }

    private static func makeOrThrow(
        options: IntrospectionClientOptions,
        transport: any HTTPTransport,
        clock: any IntrospectionClock,
        logger: Logger
    ) async throws(IntrospectionClientError) -> Resolved {
        let authentication = try clientAuthentication(options: options, transport: transport)
        var resolved = try await endpointAndValidator(options: options, transport: transport, clock: clock, logger: logger)
        resolved.transport = authentication.transport
        resolved.assertionAudience = authentication.assertionAudience
        return resolved
    }

    /// What the authentication method needs, checked before anything is fetched: the secret, the
    /// assertion key and its audience, or the certificate and a transport that can present it (parsed
    /// here, once).
    private static func clientAuthentication(
        options: IntrospectionClientOptions,
        transport: any HTTPTransport
    ) throws(IntrospectionClientError) -> (transport: any HTTPTransport, assertionAudience: String?) {
        let method = options.authenticationMethod
        if method.usesClientSecret, options.clientSecret == nil {
            throw IntrospectionClientError(.configuration, "\(method) needs a client secret")
        }
        if method == .privateKeyJWT {
            guard options.clientAssertion != nil else {
                throw IntrospectionClientError(.configuration, "private_key_jwt needs the client's key (clientAssertion)")
            }
            guard let audience = options.clientAssertionAudience ?? options.issuer else {
                throw IntrospectionClientError(.configuration, "private_key_jwt needs the assertion's audience: the issuer, or clientAssertionAudience")
            }
            return (transport, audience)
        }
        if method == .tlsClientAuth {
            guard let certificate = options.clientCertificate else {
                throw IntrospectionClientError(.configuration, "tls_client_auth needs the client certificate (clientCertificate)")
            }
            guard let capable = transport as? any ClientCertificateTransport else {
                throw IntrospectionClientError(
                    .configuration, "tls_client_auth needs a transport that presents client certificates (ClientCertificateTransport); \(type(of: transport)) does not")
            }
            do throws(HTTPTransportError) {
                return (try capable.presenting(certificate), nil)
            } catch {
                throw IntrospectionClientError(.configuration, "the client certificate cannot be used: \(error.message)")
            }
        }
        return (transport, nil)
    }

    private static func endpointAndValidator(
        options: IntrospectionClientOptions,
        transport: any HTTPTransport,
        clock: any IntrospectionClock,
        logger: Logger
    ) async throws(IntrospectionClientError) -> Resolved {
        let usesDefaultVerifier = options.responseFormat == .jwt && options.responseValidator == nil
        let needsMetadata = options.endpoint == nil || (usesDefaultVerifier && options.jwksURI == nil)
        guard !(needsMetadata || usesDefaultVerifier) || options.issuer != nil else {
            throw IntrospectionClientError(
                .configuration,
                options.endpoint == nil
                    ? "neither the introspection endpoint nor the issuer to discover it from is configured"
                    : "JWT responses are verified against the issuer, which is not configured (or give a responseValidator)"
            )
        }
        var metadata: DiscoveredMetadata? = nil
        if needsMetadata, let issuer = options.issuer {
            metadata = try await DiscoveredMetadata.discover(issuer: issuer, options: options, transport: transport, logger: logger)
        }
        // RFC 8705 §5: a client authenticating with mutual TLS uses the alias the metadata names for it.
        let mutualTLSAlias = options.authenticationMethod == .tlsClientAuth ? metadata?.mutualTLSIntrospectionEndpoint : nil
        guard let endpoint = options.endpoint ?? mutualTLSAlias ?? metadata?.introspectionEndpoint else {
            throw IntrospectionClientError(.configuration, "the issuer's metadata has no introspection_endpoint")
        }
        try checkURL(endpoint, name: "the introspection endpoint")

        guard usesDefaultVerifier, let issuer = options.issuer else {
            return Resolved(endpoint: endpoint, validator: options.responseValidator, transport: transport)
        }
        guard let jwksURI = options.jwksURI ?? metadata?.jwksURI else {
            throw IntrospectionClientError(.configuration, "the issuer's metadata has no jwks_uri")
        }
        try checkURL(jwksURI, name: "the JWK Set URL")
        var allowed = options.allowedAlgorithms
        if let published = metadata?.signingAlgorithms {
            // RFC 9701 §7: the algorithms the server may sign with; only those in both sets can ever verify.
            allowed = allowed.filter { algorithm in published.contains { $0 == algorithm.rawValue } }
            guard !allowed.isEmpty else {
                throw IntrospectionClientError(
                    .configuration,
                    "none of the allowed algorithms is in the issuer's introspection_signing_alg_values_supported \(published)"
                )
            }
        }
        let keySource = RemoteJWKSKeySource(
            url: jwksURI, configuration: options.keySourceConfiguration, transport: transport, clock: clock, logger: logger,
            archive: options.keyArchive)
        var policy = VerificationPolicy(
            issuer: issuer,
            audiences: options.effectiveAudiences,
            allowedAlgorithms: allowed,
            maximumAge: options.maximumAge,
            clockSkew: options.clockSkew
        )
        var decryptionKeys = DecryptionKeySet()
        if let decryption = options.decryption {
            decryptionKeys = try decryption.keySet(clientSecret: options.clientSecret)
            policy.allowedKeyManagementAlgorithms = decryption.allowedKeyManagementAlgorithms
            policy.allowedContentEncryptionAlgorithms = decryption.allowedContentEncryptionAlgorithms
            policy.requiresEncryption = decryption.requiresEncryption
        }
        logger.debug("introspection client configured", metadata: [
            "endpoint": "\(HTTPURLPolicy.redacted(endpoint))", "jwks_uri": "\(HTTPURLPolicy.redacted(jwksURI))",
        ])
        return Resolved(
            endpoint: endpoint,
            validator: IntrospectionResponseVerifier(policy: policy, keySource: keySource, decryptionKeys: decryptionKeys),
            transport: transport)
    }

    /// https, or http to a loopback host only (``HTTPURLPolicy``).
    private static func checkURL(_ url: String, name: String) throws(IntrospectionClientError) {
        if let refusal = HTTPURLPolicy.refusal(for: url) {
            throw IntrospectionClientError(.configuration, "\(name) cannot be used: \(refusal)")
        }
    }
}
