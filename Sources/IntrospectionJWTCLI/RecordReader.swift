import Foundation

/// Reads JSON lines from a file or standard input, a line at a time (memory stays flat).
final class RecordReader: @unchecked Sendable {
    // @unchecked: `nextLine` is only called from the single producer loop of OrderedParallelMap (`produce`).

    struct Line: Sendable {
        let number: Int
        let bytes: [UInt8]
    }

    private let file: UnsafeMutablePointer<FILE>
    private let closesFile: Bool
    private var lineNumber = 0
    /// The input's size when it is a regular file (for the ETA), else nil.
    let totalBytes: Int?
    private(set) var bytesRead = 0

    init(path: String) throws {
        if path == "-" {
            // fdopen on a duplicate of descriptor 0: the C `stdin` global is not concurrency-safe to touch.
            guard let opened = fdopen(dup(STDIN_FILENO), "r") else { throw ConfigurationError("cannot read standard input") }
            file = opened
            closesFile = true
            totalBytes = nil
        } else {
            guard let opened = fopen(path, "r") else { throw ConfigurationError("cannot read the records file \(path)") }
            file = opened
            closesFile = true
            let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
            totalBytes = size
        }
    }

    deinit { if closesFile { fclose(file) } }

    /// The next non-blank line, or nil at the end.
    func nextLine() -> Line? {
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        while true {
            let length = getline(&buffer, &capacity, file)
            guard length >= 0, let buffer else { return nil }
            lineNumber += 1
            bytesRead += length
            var bytes = Array(UnsafeRawBufferPointer(start: buffer, count: length))
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            return Line(number: lineNumber, bytes: bytes)
        }
    }
}
