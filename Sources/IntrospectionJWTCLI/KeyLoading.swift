import ArgumentParser
import Foundation
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import Logging

/// Obtains the keys named by `--jwks`: a file, an https URL (http only for loopback hosts), or, without
/// `--jwks`, the `jwks_uri` discovered from the issuer's metadata.
enum KeyLoading {
    /// One key source for the whole run, so that every input shares one cache: a remote set is fetched
    /// once up front, and refetched at most once more for a key that appears after a rotation.
    ///
    /// Throws `ValidationError` (usage, exit 2) for a URL or issuer that may not be fetched, and
    /// ``ConfigurationError`` (exit 2) when the keys cannot be obtained.
    static func keySource(jwks: String?, issuer: String) async throws -> any VerificationKeySource {
        guard let jwks else {
            return try await discoveredKeySource(issuer: issuer)
        }
        if isURL(jwks) {
            let source = try remoteKeySource(url: jwks, option: "--jwks")
            try await prefetch(source)
            return source
        }
        return try loadFile(jwks)
    }

    /// One key set from a file or a URL.
    static func keySet(_ location: String) async throws -> JWKSet {
        guard isURL(location) else { return try loadFile(location) }
        return try await prefetch(try remoteKeySource(url: location, option: "--jwks"))
    }

    /// Whether `--jwks` names a URL rather than a file.
    static func isURL(_ location: String) -> Bool {
        location.contains("://")
    }

    /// The settings of remote key sources in the tool: the library's defaults.
    static let remoteConfiguration = RemoteJWKSConfiguration()

    /// Library log messages (fetches, refresh failures, discovery) go to standard error, so that standard
    /// output stays machine-readable. Off by default (failures that matter end the run with their own
    /// message); `INTROSPECTION_JWT_LOG_LEVEL=debug` (or info, warning, ...) shows them.
    static let logger: Logger = {
        var logger = Logger(label: "introspection-jwt") { label in StreamLogHandler.standardError(label: label) }
        let level = ProcessInfo.processInfo.environment["INTROSPECTION_JWT_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        logger.logLevel = level ?? .critical
        return logger
    }()

    static func remoteKeySource(url: String, option: String) throws -> RemoteJWKSKeySource {
        if let refusal = HTTPURLPolicy.refusal(for: url) {
            throw ValidationError("\(option): \(refusal).")
        }
        return RemoteJWKSKeySource(url: url, configuration: remoteConfiguration, logger: logger)
    }

    /// Discovers the issuer's `jwks_uri` (RFC 8414, then OpenID discovery) and fetches the keys.
    static func discoveredKeySource(issuer: String) async throws -> RemoteJWKSKeySource {
        do {
            _ = try AuthorizationServerMetadata.metadataURLs(forIssuer: issuer)
        } catch {
            throw ValidationError("No --jwks given, and the keys cannot be discovered from --issuer: \(error.message).")
        }
        let source: RemoteJWKSKeySource
        do {
            source = try await RemoteJWKSKeySource.discovering(issuer: issuer, configuration: remoteConfiguration, logger: logger)
        } catch {
            throw ConfigurationError("discovering the keys of \(issuer): \(error.message)")
        }
        try await prefetch(source)
        return source
    }

    /// Fetches the key set once; a failure is a configuration error.
    @discardableResult
    static func prefetch(_ source: RemoteJWKSKeySource) async throws -> JWKSet {
        do {
            return try await source.keySet()
        } catch {
            throw ConfigurationError(error.message)
        }
    }

    /// Reads and parses a JWK Set file.
    static func loadFile(_ path: String) throws -> JWKSet {
        let data = try readFile(path, kind: "JWK Set", limit: JWKSet.maximumByteCount)
        do {
            return try JWKSet(jsonBytes: data)
        } catch {
            throw ConfigurationError("\(path) is not a usable JWK Set: \(error.message)")
        }
    }

    /// The contents of a key file, or a ``ConfigurationError`` when it is over `limit` bytes or cannot be read.
    static func readFile(_ path: String, kind: String, limit: Int) throws -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > limit {
            throw ConfigurationError("the \(kind) file \(path) is \(size) bytes, over the limit of \(limit)")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError("cannot read the \(kind) file \(path): \(error.localizedDescription)")
        }
    }
}
