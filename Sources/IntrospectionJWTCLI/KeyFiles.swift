import Foundation
import IntrospectionJWT

/// Reads `--keys` files: each is a JWK Set (always published) or a key archive (JSON lines, published
/// from each key's first-seen time).
enum KeyFiles {
    static func publishedKeys(from paths: [String]) throws -> PublishedKeys {
        var sets: [JWKSet] = []
        var archived: [ArchivedKey] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("cannot read the keys file \(path)")
            }
            if let document = try? JSONValue(parsing: data), document.objectValue?["keys"] != nil {
                do {
                    sets.append(try JWKSet(jsonBytes: data))
                } catch {
                    throw ConfigurationError("\(path) is not a usable JWK Set: \(error.message)")
                }
            } else {
                let records = FileKeyArchive.records(in: data)
                guard !records.isEmpty else { throw ConfigurationError("\(path) is neither a JWK Set nor a key archive") }
                archived.append(contentsOf: records)
            }
        }
        return PublishedKeys(keySets: sets, archived: archived)
    }
}
