import IntrospectionJWT
import IntrospectionRemoteKeys
import TokenIntrospectionClient

extension ConformanceRun {
    /// `metadata.location` and `metadata.issuer`: reads the RFC 8414 URL, then the OpenID Connect
    /// Discovery one, with the package's one metadata fetcher, and keeps the first that is a 200 JSON
    /// object. Returns it when its issuer matches (the rule discovery applies).
    func checkMetadata() async -> JSONObject? {
        let urls: [String]
        do {
            urls = try AuthorizationServerMetadata.metadataURLs(forIssuer: configuration.issuer)
        } catch {
            fail(ConformanceChecks.metadataLocation, error.message)
            fail(ConformanceChecks.metadataIssuer, error.message)
            return nil
        }
        var failures: [String] = []
        var found: (document: JSONObject, url: String, index: Int)? = nil
        for (index, url) in urls.enumerated() {
            do {
                let document = try await AuthorizationServerMetadata.fetchDocument(
                    url, transport: transport, timeout: configuration.timeout, maximumBodyByteCount: 1 << 20)
                found = (document, url, index)
                break
            } catch {
                failures.append("\(HTTPURLPolicy.redacted(url)): \(error.message)")
            }
        }
        guard let found else {
            let reason = "no metadata document: " + failures.joined(separator: "; ")
            fail(ConformanceChecks.metadataLocation, reason)
            fail(ConformanceChecks.metadataIssuer, reason)
            return nil
        }
        metadataURL = found.url
        if found.index == 0 {
            pass(ConformanceChecks.metadataLocation, "served at \(HTTPURLPolicy.redacted(found.url))")
        } else {
            fail(ConformanceChecks.metadataLocation, "only the OpenID Connect location answers (\(failures.joined(separator: "; ")))")
        }
        do {
            let issuer = try AuthorizationServerMetadata.issuer(of: found.document, expected: configuration.issuer)
            pass(ConformanceChecks.metadataIssuer, "\"issuer\" is \(quoted(issuer))")
            return found.document
        } catch {
            fail(ConformanceChecks.metadataIssuer, error.message)
            return nil
        }
    }

    /// `metadata.introspection_endpoint`: the endpoint, when usable.
    func checkIntrospectionEndpoint(_ metadata: JSONObject) -> String? {
        checkURL(metadata, "introspection_endpoint", ConformanceChecks.metadataIntrospectionEndpoint)
    }

    /// `metadata.jwks_uri`: the JWK Set URL, when usable.
    func checkJWKSURI(_ metadata: JSONObject) -> String? {
        checkURL(metadata, "jwks_uri", ConformanceChecks.metadataJWKSURI)
    }

    private func checkURL(_ metadata: JSONObject, _ member: String, _ check: ConformanceCheckDefinition) -> String? {
        do {
            let url = try AuthorizationServerMetadata.url(member, of: metadata)
            pass(check, HTTPURLPolicy.redacted(url))
            return url
        } catch {
            fail(check, error.message)
            return nil
        }
    }

    /// `metadata.introspection_signing_alg_values_supported`: the advertised algorithms, when published
    /// as an array of strings (even if the check fails for `none` or emptiness).
    func checkSigningAlgorithms(_ metadata: JSONObject) -> [String]? {
        let check = ConformanceChecks.metadataSigningAlgorithms
        let member = "introspection_signing_alg_values_supported"
        let names: [String]
        do {
            guard let published = try AuthorizationServerMetadata.strings(member, of: metadata) else {
                fail(check, "the metadata has no \"\(member)\"")
                return nil
            }
            names = published
        } catch {
            fail(check, error.message)
            return nil
        }
        if names.isEmpty {
            fail(check, "\"\(member)\" is empty")
        } else if names.contains("none") {
            fail(check, "\"\(member)\" lists \"none\" (RFC 8414 §2 forbids it): \(names.joined(separator: ", "))")
        } else {
            pass(check, names.joined(separator: ", "))
        }
        return names
    }

    /// `metadata.introspection_endpoint_auth_methods_supported`: a non-empty array of strings that lists
    /// the method the checker authenticates with.
    func checkAuthenticationMethods(_ metadata: JSONObject) {
        let check = ConformanceChecks.metadataAuthenticationMethods
        let member = "introspection_endpoint_auth_methods_supported"
        let method = configuration.authenticationMethod.rawValue
        do {
            guard let names = try AuthorizationServerMetadata.strings(member, of: metadata) else {
                return fail(check, "the metadata has no \"\(member)\"")
            }
            guard !names.isEmpty else { return fail(check, "\"\(member)\" is empty") }
            guard names.contains(method) else {
                return fail(check, "\"\(member)\" does not list \(method), the method the checker authenticates with: \(names.joined(separator: ", "))")
            }
            pass(check, names.joined(separator: ", "))
        } catch {
            fail(check, error.message)
        }
    }

    /// `jwks.document`: the key set, when it has a usable key, fetched with the package's one JWKS
    /// fetcher (the key source's rules: status, media type, strict JSON, usable keys).
    func checkJWKS(_ url: String) async -> JWKSet? {
        let check = ConformanceChecks.jwksDocument
        let fetcher = JWKSFetcher(transport: transport, timeout: configuration.timeout, maximumBodyByteCount: 1 << 20)
        let keys: JWKSet
        do {
            keys = try await fetcher.fetchDocument(url, now: clock.now).keySet
            try keys.requireUsableKeys()
        } catch {
            fail(check, error.message)
            return nil
        }
        let kids = keys.keys.map { $0.keyID ?? "(no kid)" }.joined(separator: ", ")
        let skipped = keys.skippedKeys.isEmpty ? "" : "; \(keys.skippedKeys.count) left out"
        pass(check, "\(keys.keys.count) key\(keys.keys.count == 1 ? "" : "s"): \(kids)\(skipped)")
        return keys
    }
}
