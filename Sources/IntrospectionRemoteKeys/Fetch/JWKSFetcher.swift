package import Foundation
import HTTPTypes
package import IntrospectionJWT

/// The one way the package fetches a JWK Set: used by ``RemoteJWKSKeySource``, the `jwks` command and the
/// conformance checker alike, so that what one of them accepts, the others accept too.
///
/// One GET (``HTTPTransport/getJSONDocument(_:accept:fields:timeout:maximumBodyByteCount:maximumRedirectCount:)``)
/// with `Accept: application/jwk-set+json, application/json`; the answer must be a 200 (or a 304 to a
/// conditional request), with a JSON media type when it names one, holding a strict JSON object with a
/// `keys` array (``JWKSet/init(jsonBytes:)``).
package struct JWKSFetcher: Sendable {
    /// A fetched document.
    package struct Document: Sendable {
        /// The URL it was fetched from.
        package let url: String
        /// Its usable keys, parsed once, and the skipped ones.
        package let keySet: JWKSet
        /// The body as received (for listing every entry, usable or not).
        package let body: [UInt8]
        /// What the response's caching headers say.
        package let cacheHeaders: HTTPCacheHeaders
    }

    /// The answer to one fetch.
    package enum Outcome: Sendable {
        /// A 200 with a JWK Set.
        case fetched(Document)
        /// A 304 to a conditional request: the set given by the validators is unchanged.
        case notModified(HTTPCacheHeaders)
    }

    /// Validators of a set held already, for a conditional request (RFC 9110 §13.1).
    package struct Validators: Sendable {
        package var entityTag: String?
        package var lastModified: String?

        package init(entityTag: String? = nil, lastModified: String? = nil) {
            self.entityTag = entityTag
            self.lastModified = lastModified
        }
    }

    package let transport: any HTTPTransport
    package let timeout: Duration
    package let maximumBodyByteCount: Int
    package let maximumRedirectCount: Int

    package init(transport: any HTTPTransport, timeout: Duration, maximumBodyByteCount: Int, maximumRedirectCount: Int = 5) {
        self.transport = transport
        self.timeout = timeout
        self.maximumBodyByteCount = maximumBodyByteCount
        self.maximumRedirectCount = maximumRedirectCount
    }

    /// The fetcher with the limits of a key source configuration.
    package init(transport: any HTTPTransport, configuration: RemoteJWKSConfiguration) {
        self.init(
            transport: transport, timeout: configuration.requestTimeout,
            maximumBodyByteCount: configuration.maximumBodyByteCount, maximumRedirectCount: configuration.maximumRedirectCount
        )
    }

    /// Fetches the set at `url` (conditionally, when `validators` are given); `now` reads the caching
    /// headers. Throws `jwks_unavailable` with a message that names the URL's problem.
    package func fetch(_ url: String, validators: Validators = .init(), now: Date) async throws(IntrospectionJWTError) -> Outcome {
        var fields: HTTPFields = [:]
        if let entityTag = validators.entityTag { fields[.ifNoneMatch] = entityTag }
        if let lastModified = validators.lastModified { fields[.ifModifiedSince] = lastModified }
        let answer = try await transport.getJSONDocument(
            url, accept: "application/jwk-set+json, application/json", fields: fields, timeout: timeout,
            maximumBodyByteCount: maximumBodyByteCount, maximumRedirectCount: maximumRedirectCount
        )
        let cacheHeaders = HTTPCacheHeaders(response: answer.response, now: now)
        switch answer.response.status.code {
        case 200:
            let keySet: JWKSet
            do {
                keySet = try JWKSet(jsonBytes: answer.body)
            } catch {
                throw .jwksUnavailable("the document is not a usable JWK Set: \(error.message)")
            }
            return .fetched(Document(url: url, keySet: keySet, body: answer.body, cacheHeaders: cacheHeaders))
        case 304 where validators.entityTag != nil || validators.lastModified != nil:
            return .notModified(cacheHeaders)
        case 304:
            throw .jwksUnavailable("304 Not Modified, but no keys are cached")
        case let status:
            throw .jwksUnavailable("HTTP status \(status)")
        }
    }

    /// Fetches the set at `url` unconditionally.
    package func fetchDocument(_ url: String, now: Date) async throws(IntrospectionJWTError) -> Document {
        switch try await fetch(url, now: now) {
        case .fetched(let document): return document
        case .notModified: throw .jwksUnavailable("304 Not Modified to an unconditional request")
        }
    }
}

extension JWKSet {
    /// Throws `jwks_unavailable` when the set has no key that can verify a signature: such a set is
    /// refused by the key source and fails the conformance check, whatever else it holds.
    package func requireUsableKeys() throws(IntrospectionJWTError) {
        guard keys.isEmpty else { return }
        throw .jwksUnavailable("the JWK Set has no usable signature key (\(skippedKeys.count) skipped)")
    }
}
