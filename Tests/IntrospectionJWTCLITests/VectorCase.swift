import Foundation
import Testing

/// One case of `TestVectors/introspection/cases/` (format in TestVectors/README.md).
struct VectorCase: Sendable, CustomTestStringConvertible {
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

    var testDescription: String { id }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TestVectors/introspection/cases")

    /// Every case file, sorted by name. Empty when the folder is missing (the vector test then fails).
    static let all: [VectorCase] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            load(name)
        }
    }()

    static func load(_ name: String) -> VectorCase {
        let data = try! Data(contentsOf: directory.appendingPathComponent(name))
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
            exitCode: Int32((object["exit_code"] as! NSNumber).intValue)
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
