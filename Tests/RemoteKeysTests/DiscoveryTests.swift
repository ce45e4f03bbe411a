import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing

extension RemoteKeys {
/// RFC 8414 discovery with the OpenID Connect fallback, against a real server.
@Suite("Authorization server metadata discovery")
struct DiscoveryTests {
    static func metadata(issuer: String, jwksURI: String, extra: String = "") -> String {
        """
        {"issuer":\(JSONValue.string(issuer)),"jwks_uri":\(JSONValue.string(jwksURI)),\
        "introspection_endpoint":\(JSONValue.string(issuer + "/introspect")),\
        "introspection_signing_alg_values_supported":["ES256","PS256"]\(extra)}
        """
    }

    @Test("The well-known URLs: RFC 8414 inserts before the issuer's path, OpenID appends to it", arguments: [
        ("https://as.example.com", "https://as.example.com/.well-known/oauth-authorization-server", "https://as.example.com/.well-known/openid-configuration"),
        ("https://as.example.com/", "https://as.example.com/.well-known/oauth-authorization-server", "https://as.example.com/.well-known/openid-configuration"),
        ("https://as.example.com:8443/tenant/a", "https://as.example.com:8443/.well-known/oauth-authorization-server/tenant/a", "https://as.example.com:8443/tenant/a/.well-known/openid-configuration"),
        ("https://as.example.com/tenant/a/", "https://as.example.com/.well-known/oauth-authorization-server/tenant/a", "https://as.example.com/tenant/a/.well-known/openid-configuration"),
    ])
    func wellKnownURLs(issuer: String, rfc8414: String, openID: String) throws {
        #expect(try AuthorizationServerMetadata.metadataURLs(forIssuer: issuer) == [rfc8414, openID])
    }

    @Test("Issuers that are not https, or carry a query or fragment, are refused", arguments: [
        "http://as.example.com", "https://as.example.com/?tenant=a", "https://as.example.com/#x", "as.example.com",
    ])
    func badIssuers(issuer: String) {
        #expect(throws: IntrospectionJWTError.self) { try AuthorizationServerMetadata.metadataURLs(forIssuer: issuer) }
    }

    @Test("RFC 8414 metadata is read from the URL inserted before the issuer's path")
    func rfc8414() async throws {
        let box = IssuerBox()
        let script = ResponseScript { request in
            let issuer = box.issuer
            if request.pathWithoutQuery == "/.well-known/oauth-authorization-server/tenant/a" {
                return .json(DiscoveryTests.metadata(issuer: issuer, jwksURI: issuer + "/jwks"))
            }
            return .status(404)
        }
        try await withServer(script) { server in
            box.issuer = server.baseURL + "/tenant/a"
            let metadata = try await AuthorizationServerMetadata.discover(issuer: box.issuer, logger: RemoteFixture.logger)
            #expect(metadata.issuer == box.issuer)
            #expect(metadata.jwksURI == box.issuer + "/jwks")
            #expect(metadata.introspectionEndpoint == box.issuer + "/introspect")
            #expect(metadata.introspectionSigningAlgValuesSupported == ["ES256", "PS256"])
            #expect(metadata.metadataURL == server.baseURL + "/.well-known/oauth-authorization-server/tenant/a")
            #expect(metadata.json["introspection_endpoint"] != nil)
            #expect(server.requestCount == 1, "no OpenID fallback needed")
        }
    }

    @Test("OpenID discovery is the fallback when there is no RFC 8414 document")
    func openIDFallback() async throws {
        let box = IssuerBox()
        let script = ResponseScript { request in
            if request.pathWithoutQuery == "/tenant/a/.well-known/openid-configuration" {
                return .json(DiscoveryTests.metadata(issuer: box.issuer, jwksURI: box.issuer + "/jwks"))
            }
            return .status(404)
        }
        try await withServer(script) { server in
            box.issuer = server.baseURL + "/tenant/a"
            let metadata = try await AuthorizationServerMetadata.discover(issuer: box.issuer, logger: RemoteFixture.logger)
            #expect(metadata.jwksURI == box.issuer + "/jwks")
            #expect(server.requestCount(path: "/.well-known/oauth-authorization-server/tenant/a") == 1)
            #expect(server.requestCount(path: "/tenant/a/.well-known/openid-configuration") == 1)
        }
    }

    @Test("Metadata whose issuer differs from the configured one is refused, and its keys are never fetched")
    func mismatchedIssuerIsRefused() async throws {
        let box = IssuerBox()
        let script = ResponseScript { request in
            switch request.pathWithoutQuery {
            case "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration":
                // Another issuer (a trailing slash is enough to differ).
                return .json(DiscoveryTests.metadata(issuer: box.issuer + "/", jwksURI: box.issuer + "/jwks"))
            case "/jwks":
                return .json(RemoteFixture.jwks(RemoteFixture.keyA))
            default:
                return .status(404)
            }
        }
        try await withServer(script) { server in
            box.issuer = server.baseURL
            do throws(IntrospectionJWTError) {
                _ = try await RemoteJWKSKeySource.discovering(issuer: box.issuer, logger: RemoteFixture.logger)
                Issue.record("expected the metadata to be refused")
            } catch {
                #expect(error.code == .jwksUnavailable)
                #expect(error.message.contains("is not the configured issuer"))
            }
            #expect(server.requestCount(path: "/.well-known/oauth-authorization-server") == 1)
            #expect(server.requestCount(path: "/.well-known/openid-configuration") == 1)
            #expect(server.requestCount(path: "/jwks") == 0)
        }
    }

    @Test("Metadata with a jwks_uri that is not https, or members of the wrong type, is refused", arguments: [
        #"{"issuer":"ISSUER","jwks_uri":"http://keys.example.com/jwks"}"#,
        #"{"issuer":"ISSUER"}"#,
        #"{"issuer":"ISSUER","jwks_uri":42}"#,
        #"{"issuer":"ISSUER","jwks_uri":"ISSUER/jwks","introspection_signing_alg_values_supported":"ES256"}"#,
        #"{"issuer":"ISSUER","jwks_uri":"ISSUER/jwks","issuer":"ISSUER"}"#,
        #"["ISSUER"]"#,
    ])
    func unusableMetadata(template: String) async throws {
        let box = IssuerBox()
        let script = ResponseScript { _ in .json(template.replacingOccurrences(of: "ISSUER", with: box.issuer)) }
        try await withServer(script) { server in
            box.issuer = server.baseURL
            await #expect(throws: IntrospectionJWTError.self) { try await AuthorizationServerMetadata.discover(issuer: box.issuer, logger: RemoteFixture.logger) }
            #expect(server.requestCount == 2, "both well-known URLs were tried")
        }
    }

    @Test("A key source built by discovery verifies with the discovered jwks_uri")
    func discoveredKeySourceVerifies() async throws {
        let box = IssuerBox()
        let script = ResponseScript { request in
            switch request.pathWithoutQuery {
            case "/.well-known/oauth-authorization-server": return .json(DiscoveryTests.metadata(issuer: box.issuer, jwksURI: box.issuer + "/keys"))
            case "/keys": return .json(RemoteFixture.jwks(RemoteFixture.keyA))
            default: return .status(404)
            }
        }
        try await withServer(script) { server in
            box.issuer = server.baseURL
            let source = try await RemoteJWKSKeySource.discovering(issuer: box.issuer, configuration: RemoteFixture.configuration(), logger: RemoteFixture.logger)
            #expect(source.url == box.issuer + "/keys")
            let verifier = IntrospectionResponseVerifier(policy: VerificationPolicy(issuer: TokenMinter.issuer, audience: TokenMinter.audience), keySource: source)
            for _ in 0..<10 { #expect(await verdict(verifier, RemoteFixture.token(RemoteFixture.keyA)) == nil) }
            #expect(server.requestCount == 2, "one metadata read, one key fetch")
        }
    }
}
}

/// The issuer, known only once the server has its port (read by the server's handler).
final class IssuerBox: @unchecked Sendable {
    // @unchecked: written once before the first request, read afterwards.
    var issuer = ""
}
