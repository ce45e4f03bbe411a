import Foundation

/// Reads files under the repository's `TestVectors/` folder (found from this file's path, so the tests
/// need nothing outside the repository).
enum TestVectorFiles {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // IntrospectionJWTTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("TestVectors")

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    /// A JSON test file read with Foundation (the test data, not the code under test).
    static func json(_ relativePath: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data(relativePath)) as! [String: Any]
    }

    /// Re-serialises a Foundation JSON value (for handing a JWK to the code under test).
    static func jsonText(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    /// Bytes from a hex string.
    init(hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: 0
            }
        }
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(nibble(high) << 4 | nibble(low))
        }
        self = bytes
    }
}
