import Foundation
import IntrospectionJWT
import IntrospectionRemoteKeys
import Logging

/// What the client takes from the issuer's metadata (RFC 8414 §2, RFC 9701 §7).
struct DiscoveredMetadata: Sendable {
    /// `introspection_endpoint`.
    let introspectionEndpoint: String?
    /// `jwks_uri`.
    let jwksURI: String?
    /// `introspection_signing_alg_values_supported`, when published.
    let signingAlgorithms: [String]?
    /// `mtls_endpoint_aliases.introspection_endpoint` (RFC 8705 §5), when published: the endpoint a client
    /// that authenticates with mutual TLS calls instead.
    let mutualTLSIntrospectionEndpoint: String?

    /// Reads the issuer's metadata (RFC 8414, then OpenID Connect Discovery); its `issuer` must equal
    /// `issuer` exactly (RFC 8414 §3.3).
    static func discover(
        issuer: String,
        options: IntrospectionClientOptions,
        transport: any HTTPTransport,
        logger: Logger
    ) async throws(IntrospectionClientError) -> DiscoveredMetadata {
        do throws(IntrospectionJWTError) {
            let metadata = try await AuthorizationServerMetadata.discover(
                issuer: issuer, transport: transport, timeout: options.timeout, logger: logger
            )
            return DiscoveredMetadata(
                introspectionEndpoint: metadata.introspectionEndpoint,
                jwksURI: metadata.jwksURI,
                signingAlgorithms: metadata.introspectionSigningAlgValuesSupported,
                mutualTLSIntrospectionEndpoint: metadata.json["mtls_endpoint_aliases"]?.objectValue?["introspection_endpoint"]?.stringValue
            )
        } catch {
            throw IntrospectionClientError(.configuration, "the issuer's metadata could not be used: \(error.message)")
        }
    }

}
