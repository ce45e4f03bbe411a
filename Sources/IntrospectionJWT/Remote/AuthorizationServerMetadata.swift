import Foundation
public import Logging

/// Authorization server metadata (RFC 8414), as far as verifying introspection responses needs it,
/// with the whole document kept in ``json``.
public struct AuthorizationServerMetadata: Sendable {
    /// `issuer`, exactly equal to the issuer the metadata was discovered for.
    public let issuer: String
    /// `jwks_uri`: where the signing keys are (https, or http for a loopback host).
    public let jwksURI: String
    /// `introspection_endpoint`, when published.
    public let introspectionEndpoint: String?
    /// `introspection_signing_alg_values_supported` (RFC 9701 §7), when published.
    public let introspectionSigningAlgValuesSupported: [String]?
    /// The whole metadata document.
    public let json: JSONObject
    /// The URL the document was read from.
    public let metadataURL: String

    /// Checks a metadata document against the issuer it was requested for (RFC 8414 §3.3: `issuer` must
    /// equal it exactly, by code points) and reads the members. Throws `jwks_unavailable` naming the
    /// problem: a different issuer, a missing or non-https `jwks_uri`, or a member of the wrong type.
    public init(json: JSONObject, expectedIssuer: String, metadataURL: String = "") throws(IntrospectionJWTError) {
        guard let issuerValue = json["issuer"] else { throw .jwksUnavailable("the metadata has no \"issuer\"") }
        guard let issuer = issuerValue.stringValue else {
            throw .jwksUnavailable("the metadata's \"issuer\" is a \(issuerValue.typeName), not a string")
        }
        guard issuer.hasSameCodePoints(as: expectedIssuer) else {
            throw .jwksUnavailable("the metadata's issuer \(quoted(issuer)) is not the configured issuer \(quoted(expectedIssuer)) (RFC 8414 §3.3)")
        }
        guard let jwksValue = json["jwks_uri"] else { throw .jwksUnavailable("the metadata has no \"jwks_uri\"") }
        guard let jwksURI = jwksValue.stringValue else {
            throw .jwksUnavailable("the metadata's \"jwks_uri\" is a \(jwksValue.typeName), not a string")
        }
        if let refusal = HTTPURLPolicy.refusal(for: jwksURI) {
            throw .jwksUnavailable("the metadata's \"jwks_uri\" cannot be used: \(refusal)")
        }
        var introspectionEndpoint: String? = nil
        if let value = json["introspection_endpoint"] {
            guard let endpoint = value.stringValue else {
                throw .jwksUnavailable("the metadata's \"introspection_endpoint\" is a \(value.typeName), not a string")
            }
            introspectionEndpoint = endpoint
        }
        var algorithms: [String]? = nil
        if let value = json["introspection_signing_alg_values_supported"] {
            guard let entries = value.arrayValue, let names = Optional(entries.compactMap(\.stringValue)), names.count == entries.count else {
                throw .jwksUnavailable("the metadata's \"introspection_signing_alg_values_supported\" is not an array of strings")
            }
            algorithms = names
        }
        self.issuer = issuer
        self.jwksURI = jwksURI
        self.introspectionEndpoint = introspectionEndpoint
        self.introspectionSigningAlgValuesSupported = algorithms
        self.json = json
        self.metadataURL = metadataURL
    }

    /// Where the metadata of `issuer` may be, in the order tried: the RFC 8414 URL
    /// (`/.well-known/oauth-authorization-server` inserted between the host and the issuer's path, its
    /// trailing `/` removed), then the OpenID Connect Discovery URL (`/.well-known/openid-configuration`
    /// appended to the issuer). Throws `jwks_unavailable` for an issuer that is not an https URL (http
    /// only for loopback hosts) or that has a query or fragment (RFC 8414 §2).
    public static func metadataURLs(forIssuer issuer: String) throws(IntrospectionJWTError) -> [String] {
        if let refusal = HTTPURLPolicy.refusal(for: issuer) {
            throw .jwksUnavailable("the issuer cannot be used for discovery: \(refusal)")
        }
        guard let components = URLComponents(string: issuer), components.percentEncodedQuery == nil, components.percentEncodedFragment == nil else {
            throw .jwksUnavailable("the issuer \(quoted(issuer)) has a query or fragment (RFC 8414 §2)")
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        var rfc8414 = components
        rfc8414.percentEncodedPath = "/.well-known/oauth-authorization-server" + path
        var openID = components
        openID.percentEncodedPath = path + "/.well-known/openid-configuration"
        return [rfc8414.string, openID.string].compactMap { $0 }
    }

    /// Reads the metadata of `issuer`: the RFC 8414 document, else the OpenID Connect Discovery one. A
    /// document is used only if it is a strict JSON object, served with status 200, whose `issuer` equals
    /// `issuer` exactly and whose `jwks_uri` is https. Throws `jwks_unavailable` naming why each failed.
    public static func discover(
        issuer: String,
        transport: any HTTPTransport = AsyncHTTPClientTransport(),
        timeout: Duration = .seconds(5),
        maximumBodyByteCount: Int = 512 * 1024,
        logger: Logger = Logger(label: "introspection-jwt.discovery")
    ) async throws(IntrospectionJWTError) -> AuthorizationServerMetadata {
        let urls = try metadataURLs(forIssuer: issuer)
        var failures: [String] = []
        for url in urls {
            do {
                let metadata = try await read(url, issuer: issuer, transport: transport, timeout: timeout, maximumBodyByteCount: maximumBodyByteCount)
                logger.info("discovered authorization server metadata", metadata: [
                    "metadata_url": "\(HTTPURLPolicy.redacted(url))", "jwks_uri": "\(HTTPURLPolicy.redacted(metadata.jwksURI))",
                ])
                return metadata
            } catch {
                logger.debug("authorization server metadata not usable here", metadata: [
                    "metadata_url": "\(HTTPURLPolicy.redacted(url))", "error": "\(error.message)",
                ])
                failures.append("\(HTTPURLPolicy.redacted(url)): \(error.message)")
            }
        }
        throw .jwksUnavailable("no usable metadata for the issuer \(quoted(issuer)): " + failures.joined(separator: "; "))
    }

    private static func read(
        _ url: String, issuer: String, transport: any HTTPTransport, timeout: Duration, maximumBodyByteCount: Int
    ) async throws(IntrospectionJWTError) -> AuthorizationServerMetadata {
        let response: HTTPResponse
        do {
            response = try await transport.sendFollowingRedirects(
                HTTPRequest(method: "GET", url: url, headers: [(name: "Accept", value: "application/json")]),
                timeout: timeout, maximumBodyByteCount: maximumBodyByteCount
            )
        } catch {
            throw .jwksUnavailable(error.description)
        }
        guard response.status == 200 else { throw .jwksUnavailable("HTTP status \(response.status)") }
        if let mediaType = response.mediaType, !RemoteJWKSKeySource.isJSON(mediaType) {
            throw .jwksUnavailable("the response is \(mediaType), not JSON")
        }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: response.body)
        } catch {
            throw .jwksUnavailable("the metadata is \(error.message)")
        }
        guard let object = document.objectValue else {
            throw .jwksUnavailable("the metadata is a JSON \(document.typeName), not an object")
        }
        return try AuthorizationServerMetadata(json: object, expectedIssuer: issuer, metadataURL: url)
    }
}
