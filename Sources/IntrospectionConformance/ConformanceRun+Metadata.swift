import IntrospectionJWT

extension ConformanceRun {
    /// `metadata.location` and `metadata.issuer`: reads the RFC 8414 URL, then the OpenID Connect
    /// Discovery one, and keeps the first that is a 200 JSON object. Returns it when its issuer matches.
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
            switch await readJSONObject(url) {
            case .success(let document):
                found = (document, url, index)
            case .failure(let error):
                failures.append("\(HTTPURLPolicy.redacted(url)): \(error.reason)")
            }
            if found != nil { break }
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
        guard let value = found.document["issuer"] else {
            fail(ConformanceChecks.metadataIssuer, "the metadata has no \"issuer\"")
            return nil
        }
        guard let issuer = value.stringValue else {
            fail(ConformanceChecks.metadataIssuer, "\"issuer\" is a \(value.typeName), not a string")
            return nil
        }
        guard issuer.utf8.elementsEqual(configuration.issuer.utf8) else {
            fail(ConformanceChecks.metadataIssuer, "\"issuer\" is \(Self.quote(issuer)), not \(Self.quote(configuration.issuer))")
            return nil
        }
        pass(ConformanceChecks.metadataIssuer, "\"issuer\" is \(Self.quote(issuer))")
        return found.document
    }

    /// GETs `url` and returns the body when it is a 200 JSON object.
    func readJSONObject(_ url: String) async -> Result<JSONObject, ReasonError> {
        let request = HTTPRequest(method: "GET", url: url, headers: [(name: "Accept", value: "application/json")])
        let response: HTTPResponse
        switch await send(request, followRedirects: true) {
        case .success(let value): response = value
        case .failure(let error): return .failure(error)
        }
        guard response.status == 200 else { return .failure(ReasonError("status \(response.status)")) }
        do {
            let value = try JSONValue(parsing: response.body)
            guard let object = value.objectValue else { return .failure(ReasonError("a JSON \(value.typeName), not an object")) }
            return .success(object)
        } catch {
            return .failure(ReasonError(error.message))
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
        guard let value = metadata[member] else {
            fail(check, "the metadata has no \"\(member)\"")
            return nil
        }
        guard let url = value.stringValue else {
            fail(check, "\"\(member)\" is a \(value.typeName), not a string")
            return nil
        }
        if let refusal = HTTPURLPolicy.refusal(for: url) {
            fail(check, "\"\(member)\" \(Self.quote(url)) cannot be used: \(refusal)")
            return nil
        }
        pass(check, HTTPURLPolicy.redacted(url))
        return url
    }

    /// `metadata.introspection_signing_alg_values_supported`: the advertised algorithms, when published
    /// as an array of strings (even if the check fails for `none` or emptiness).
    func checkSigningAlgorithms(_ metadata: JSONObject) -> [String]? {
        let check = ConformanceChecks.metadataSigningAlgorithms
        let member = "introspection_signing_alg_values_supported"
        guard let value = metadata[member] else {
            fail(check, "the metadata has no \"\(member)\"")
            return nil
        }
        guard let entries = value.arrayValue else {
            fail(check, "\"\(member)\" is a \(value.typeName), not an array")
            return nil
        }
        let names = entries.compactMap(\.stringValue)
        guard names.count == entries.count else {
            fail(check, "\"\(member)\" holds values that are not strings")
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

    /// `jwks.document`: the key set, when it has a usable key.
    func checkJWKS(_ url: String) async -> JWKSet? {
        let check = ConformanceChecks.jwksDocument
        let request = HTTPRequest(method: "GET", url: url, headers: [(name: "Accept", value: "application/jwk-set+json, application/json")])
        let response: HTTPResponse
        switch await send(request, followRedirects: true) {
        case .success(let value): response = value
        case .failure(let error):
            fail(check, error.reason)
            return nil
        }
        guard response.status == 200 else {
            fail(check, "status \(response.status)")
            return nil
        }
        let keys: JWKSet
        do {
            keys = try JWKSet(jsonBytes: response.body)
        } catch {
            fail(check, error.message)
            return nil
        }
        guard !keys.keys.isEmpty else {
            fail(check, "no usable signature key (\(keys.skippedKeys.count) left out)")
            return nil
        }
        let kids = keys.keys.map { $0.keyID ?? "(no kid)" }.joined(separator: ", ")
        let skipped = keys.skippedKeys.isEmpty ? "" : "; \(keys.skippedKeys.count) left out"
        pass(check, "\(keys.keys.count) key\(keys.keys.count == 1 ? "" : "s"): \(kids)\(skipped)")
        return keys
    }

    /// A value quoted for a reason line, shortened.
    static func quote(_ text: String, limit: Int = 80) -> String {
        JSONWriter.string(for: .string(text.count > limit ? String(text.prefix(limit)) + "…" : text))
    }

    /// A JSON value for a reason line, shortened.
    static func quote(_ value: JSONValue, limit: Int = 80) -> String {
        let text = JSONWriter.string(for: value)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
