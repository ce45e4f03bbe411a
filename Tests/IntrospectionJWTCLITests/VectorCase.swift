import Foundation
import Testing

/// One case of `TestVectors/introspection/cases/` or, encrypted, `TestVectors/introspection-jwe/cases/`
/// (format in TestVectors/README.md).
struct VectorCase: Sendable, CustomTestStringConvertible {
    /// One `--decryption-keys` file of an encrypted case.
    enum DecryptionKeyFile: Sendable {
        /// The file's exact contents (a JWK Set, a PEM key, or something broken).
        case contents(String)
        /// A path where no file is.
        case missing
    }

    let id: String
    let fileName: String
    let token: String
    /// The JWK Set file's exact contents.
    let jwksText: String
    let issuer: String
    let audiences: [String]
    let at: Double
    let maxAge: Double?
    let clockSkew: Double?
    let algorithms: [String]?
    let expectedValid: Bool
    let expectedError: String?
    let expectedAlgorithm: String?
    /// The expected kid: nil when not checked, `.some(nil)` for a JSON null.
    let expectedKeyID: String??
    /// The expected token_introspection, as compact sorted JSON.
    let expectedIntrospection: String?
    let exitCode: Int32
    /// The `--decryption-keys` files, in order (none for most signed-only cases).
    let decryptionKeyFiles: [DecryptionKeyFile]
    let keyManagementAlgorithms: [String]?
    let contentEncryptionAlgorithms: [String]?
    let requireEncryption: Bool
    /// The expected encryption facts `{"alg","enc","kid"}` of a valid encrypted case, as compact sorted JSON.
    let expectedEncryption: String?

    var testDescription: String { id }

    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TestVectors")

    /// The signed-only cases (`introspection/cases`, Scripts/generate-vectors.py), sorted by name. Empty
    /// when the folder is missing (the vector tests then fail).
    static let all = load(folder: "introspection/cases")
    /// The encrypted cases (`introspection-jwe/cases`, Scripts/generate-jwe-vectors.py), sorted by name.
    static let encrypted = load(folder: "introspection-jwe/cases")
    /// Both.
    static let signedAndEncrypted = all + encrypted

    static func load(folder: String) -> [VectorCase] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            load(directory.appendingPathComponent(name))
        }
    }

    static func load(_ file: URL) -> VectorCase {
        let name = file.lastPathComponent
        let data = try! Data(contentsOf: file)
        let object = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        let expected = object["expected"] as! [String: Any]
        let jwksText: String
        if let text = object["jwks_text"] as? String {
            jwksText = text
        } else {
            jwksText = String(decoding: try! JSONSerialization.data(withJSONObject: object["jwks"]!), as: UTF8.self)
        }
        var keyID: String?? = nil
        if expected.keys.contains("kid") { keyID = .some(expected["kid"] as? String) }
        return VectorCase(
            id: object["id"] as! String,
            fileName: name,
            token: object["token"] as! String,
            jwksText: jwksText,
            issuer: object["issuer"] as! String,
            audiences: object["audiences"] as! [String],
            at: (object["at"] as! NSNumber).doubleValue,
            maxAge: (object["max_age"] as? NSNumber)?.doubleValue,
            clockSkew: (object["clock_skew"] as? NSNumber)?.doubleValue,
            algorithms: object["algorithms"] as? [String],
            expectedValid: expected["valid"] as! Bool,
            expectedError: expected["error"] as? String,
            expectedAlgorithm: expected["alg"] as? String,
            expectedKeyID: keyID,
            expectedIntrospection: (expected["token_introspection"]).map(canonicalJSON),
            exitCode: Int32((object["exit_code"] as! NSNumber).intValue),
            decryptionKeyFiles: (object["decryption_keys"] as? [[String: Any]] ?? []).map { file in
                if file["missing"] as? Bool == true { return .missing }
                if let jwks = file["jwks"] { return .contents(String(decoding: try! JSONSerialization.data(withJSONObject: jwks), as: UTF8.self)) }
                return .contents((file["pem"] ?? file["text"]) as! String)
            },
            keyManagementAlgorithms: object["key_management_algorithms"] as? [String],
            contentEncryptionAlgorithms: object["content_encryption_algorithms"] as? [String],
            requireEncryption: object["require_encryption"] as? Bool ?? false,
            expectedEncryption: expected["encryption"].map(canonicalJSON)
        )
    }
}

/// Compact JSON with sorted keys, for comparing JSON values whatever their member order.
func canonicalJSON(_ value: Any) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
}

/// Formats seconds for a command-line option.
func secondsArgument(_ value: Double) -> String {
    value == value.rounded() ? String(Int64(value)) : String(value)
}
