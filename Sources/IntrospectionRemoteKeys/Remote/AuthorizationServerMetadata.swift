import Foundation
import HTTPTypes
public import IntrospectionJWT
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
        self.issuer = try Self.issuer(of: json, expected: expectedIssuer)
        self.jwksURI = try Self.url("jwks_uri", of: json)
        self.introspectionEndpoint = try Self.string("introspection_endpoint", of: json)
        self.introspectionSigningAlgValuesSupported = try Self.strings("introspection_signing_alg_values_supported", of: json)
        self.json = json
        self.metadataURL = metadataURL
    }

    // MARK: - The rules, one function each (shared with the conformance checker)

    /// `issuer`: a string equal, code point for code point, to the issuer the metadata was requested
    /// for (RFC 8414 §3.3).
    package static func issuer(of json: JSONObject, expected: String) throws(IntrospectionJWTError) -> String {
        guard let issuer = try string("issuer", of: json) else { throw .jwksUnavailable("the metadata has no \"issuer\"") }
        guard issuer.hasSameCodePoints(as: expected) else {
            throw .jwksUnavailable("the metadata's issuer \(quoted(issuer)) is not the configured issuer \(quoted(expected)) (RFC 8414 §3.3)")
        }
        return issuer
    }

    /// A member that must be present and a URL the package may fetch (``HTTPURLPolicy``).
    package static func url(_ member: String, of json: JSONObject) throws(IntrospectionJWTError) -> String {
        guard let url = try string(member, of: json) else { throw .jwksUnavailable("the metadata has no \"\(member)\"") }
        if let refusal = HTTPURLPolicy.refusal(for: url) {
            throw .jwksUnavailable("the metadata's \"\(member)\" cannot be used: \(refusal)")
        }
        return url
    }

    /// A string member, or nil when absent.
    package static func string(_ member: String, of json: JSONObject) throws(IntrospectionJWTError) -> String? {
        guard let value = json[member] else { return nil }
        guard let string = value.stringValue else {
            throw .jwksUnavailable("the metadata's \"\(member)\" is a \(value.typeName), not a string")
        }
        return string
    }

    /// An array-of-strings member, or nil when absent.
    package static func strings(_ member: String, of json: JSONObject) throws(IntrospectionJWTError) -> [String]? {
        guard let value = json[member] else { return nil }
        guard let entries = value.arrayValue else {
            throw .jwksUnavailable("the metadata's \"\(member)\" is a \(value.typeName), not an array of strings")
        }
        let names = entries.compactMap(\.stringValue)
        guard names.count == entries.count else {
            throw .jwksUnavailable("the metadata's \"\(member)\" holds values that are not strings")
        }
        return names
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
        transport: any HTTPTransport,
        timeout: Duration = .seconds(5),
        maximumBodyByteCount: Int = 512 * 1024,
        logger: Logger = Logger(label: "introspection-jwt.discovery")
    ) async throws(IntrospectionJWTError) -> AuthorizationServerMetadata {
        let urls = try metadataURLs(forIssuer: issuer)
        var failures: [String] = []
        for url in urls {
            do {
                let document = try await fetchDocument(url, transport: transport, timeout: timeout, maximumBodyByteCount: maximumBodyByteCount)
                let metadata = try AuthorizationServerMetadata(json: document, expectedIssuer: issuer, metadataURL: url)
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

    /// The one way the package reads a metadata document (discovery, the `jwks` command and the
    /// conformance checker alike): one GET with `Accept: application/json` (redirects to https only),
    /// answered 200, with a JSON media type when it names one, holding a strict JSON object. Throws
    /// `jwks_unavailable` naming the problem.
    package static func fetchDocument(
        _ url: String, transport: any HTTPTransport, timeout: Duration, maximumBodyByteCount: Int = 512 * 1024
    ) async throws(IntrospectionJWTError) -> JSONObject {
        let answer = try await transport.getJSONDocument(
            url, accept: "application/json", timeout: timeout, maximumBodyByteCount: maximumBodyByteCount)
        guard answer.response.status.code == 200 else { throw .jwksUnavailable("HTTP status \(answer.response.status.code)") }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: answer.body)
        } catch {
            throw .jwksUnavailable("the metadata is \(error.message)")
        }
        guard let object = document.objectValue else {
            throw .jwksUnavailable("the metadata is a JSON \(document.typeName), not an object")
        }
        return object
    }
}
