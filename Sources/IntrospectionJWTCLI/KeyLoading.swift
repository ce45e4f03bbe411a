import Foundation
import IntrospectionJWT

/// Obtains the keys named by `--jwks` (and, with remote keys, `--issuer`).
enum KeyLoading {
    /// One key source for the whole run. Throws ``ConfigurationError`` when the keys cannot be obtained.
    static func keySource(jwks: String?, issuer: String) async throws -> any VerificationKeySource {
        guard let jwks else {
            throw ConfigurationError("no --jwks given")
        }
        if jwks.contains("://") {
            throw ConfigurationError("--jwks \(jwks): fetching key sets from URLs is not supported by this build")
        }
        return try loadFile(jwks)
    }

    /// One key set from a file (or, with remote keys, a URL).
    static func keySet(_ location: String) async throws -> JWKSet {
        if location.contains("://") {
            throw ConfigurationError("\(location): fetching key sets from URLs is not supported by this build")
        }
        return try loadFile(location)
    }

    /// Reads and parses a JWK Set file.
    static func loadFile(_ path: String) throws -> JWKSet {
        let url = URL(fileURLWithPath: path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > JWKSet.maximumByteCount {
            throw ConfigurationError("the JWK Set file \(path) is \(size) bytes, over the limit of \(JWKSet.maximumByteCount)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigurationError("cannot read the JWK Set file \(path): \(error.localizedDescription)")
        }
        do {
            return try JWKSet(jsonBytes: data)
        } catch {
            throw ConfigurationError("\(path) is not a usable JWK Set: \(error.message)")
        }
    }
}
