import Foundation

/// The inputs of `verify`: files holding one JWT each, or `-` for one JWT per line of standard input.
enum InputSource {
    case file(String)
    case standardInput

    /// Input files larger than this are not read: a token is at most 64 KiB, white space around it aside.
    static let maximumInputFileByteCount = 16 * 1024 * 1024

    /// Checks that every named file can be read before anything is verified (exit 2 otherwise).
    static func resolve(_ arguments: [String]) throws -> [InputSource] {
        try arguments.map { argument in
            if argument == "-" { return .standardInput }
            guard FileManager.default.isReadableFile(atPath: argument) else {
                throw ConfigurationError("cannot read the input file \(argument)")
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ConfigurationError("the input \(argument) is a directory, not a file")
            }
            return .file(argument)
        }
    }

    /// Calls `body` with each input's name (the file name, or `stdin:LINE`) and its token, in order.
    /// A file's surrounding white space is ignored; blank lines of standard input are skipped.
    static func forEachToken(
        in inputs: [InputSource],
        _ body: (_ name: String, _ token: String) async throws -> Void
    ) async throws {
        for input in inputs {
            switch input {
            case .file(let path):
                let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
                if size > maximumInputFileByteCount {
                    // Far over the token limit: refused without reading it (the verifier says malformed).
                    try await body(path, String(repeating: "x", count: 64 * 1024 + 1))
                    continue
                }
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ConfigurationError("cannot read the input file \(path)")
                }
                try await body(path, trimmed(String(decoding: data, as: UTF8.self)))
            case .standardInput:
                var lineNumber = 0
                while let line = readLine(strippingNewline: true) {
                    lineNumber += 1
                    let token = trimmed(line)
                    if token.isEmpty { continue }
                    try await body("stdin:\(lineNumber)", token)
                }
            }
        }
    }

    /// Synchronous variant, for reporting without verifying.
    static func forEachToken(in inputs: [InputSource], _ body: (_ name: String, _ token: String) throws -> Void) throws {
        for input in inputs {
            switch input {
            case .file(let path):
                try body(path, "")
            case .standardInput:
                var lineNumber = 0
                while let line = readLine(strippingNewline: true) {
                    lineNumber += 1
                    if trimmed(line).isEmpty { continue }
                    try body("stdin:\(lineNumber)", "")
                }
            }
        }
    }

    /// `text` without surrounding white space (`CharacterSet.whitespacesAndNewlines`).
    ///
    /// The common case — a token line, ASCII, trimmed of ASCII white space at most — never goes through
    /// Foundation: `trimmingCharacters` bridges through UTF-16 and cost more than the verification itself
    /// (39 % of `verify -`'s time in a profile). A line that starts or ends with a non-ASCII character
    /// after the ASCII trimming takes Foundation's route, so the result is the same for every input.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        func isASCIIWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)  // space, \t \n \v \f \r
        }
        guard let first = utf8.firstIndex(where: { !isASCIIWhitespace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isASCIIWhitespace($0) })!
        guard utf8[first] < 0x80, utf8[last] < 0x80 else {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if first == utf8.startIndex, utf8.index(after: last) == utf8.endIndex { return text }
        return String(text[first...last])
    }
}
