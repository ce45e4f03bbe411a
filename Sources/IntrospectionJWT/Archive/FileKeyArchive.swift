public import Foundation

/// A ``KeyArchive`` in a file of JSON lines, one record per line, only ever appended to:
///
///     {"thumbprint":"…","source":"https://as.example.com/jwks","first_seen":1763740800,"last_seen":1763740800,"jwk":{…}}
///
/// A key seen again gets a new line with a later `last_seen`; readers merge the lines of a thumbprint
/// (earliest first-seen, latest last-seen). Appending is crash-safe: each append is one `write(2)` of
/// whole lines to a file opened with `O_APPEND`, so a crash can only leave a torn *last* line, which
/// readers ignore and the next append starts after. Appends from one process are serialised per path.
public actor FileKeyArchive: KeyArchive {
    /// The archive file.
    public let path: String

    /// An archive in `path` (created on the first append).
    public init(path: String) {
        self.path = path
    }

    public func record(_ keys: [VerificationKey], source: String, seen: Date) async throws {
        let existing = Dictionary(try await self.keys().map { ($0.thumbprint, $0) }, uniquingKeysWith: { first, _ in first })
        var lines = ""
        var recorded = Set<String>()
        for key in keys {
            let thumbprint = key.thumbprint
            guard !thumbprint.isEmpty, recorded.insert(thumbprint).inserted else { continue }
            let previous = existing[thumbprint]
            let record = ArchivedKey(
                jwk: Self.publicMembers(of: key.jwk), thumbprint: thumbprint, source: previous?.source ?? source,
                firstSeen: previous.map { min($0.firstSeen, seen) } ?? seen,
                lastSeen: previous.map { max($0.lastSeen, seen) } ?? seen
            )
            lines += Self.line(for: record) + "\n"
        }
        guard !lines.isEmpty else { return }
        try await AppendOnlyFile.append(lines, to: path)
    }

    public func keys() async throws -> [ArchivedKey] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data = try ArchiveFileLock.withLock(path) { try Data(contentsOf: URL(fileURLWithPath: path)) }
        return Self.merge(Self.parse(data))
    }

    /// The merged records of an archive file's contents (one per thumbprint; torn lines ignored).
    public static func records(in data: Data) -> [ArchivedKey] {
        merge(parse(data))
    }

    /// A JWK without private members, in case a source published them by mistake.
    static func publicMembers(of jwk: JSONObject) -> JSONObject {
        let privateMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]
        return JSONObject(members: jwk.members.filter { !privateMembers.contains($0.name) })
    }

    static func line(for record: ArchivedKey) -> String {
        JSONWriter.string(for: .object(JSONObject(members: [
            .init(name: "thumbprint", value: .string(record.thumbprint)),
            .init(name: "source", value: .string(record.source)),
            .init(name: "first_seen", value: .number(JSONNumber(Int(record.firstSeen.timeIntervalSince1970.rounded(.down))))),
            .init(name: "last_seen", value: .number(JSONNumber(Int(record.lastSeen.timeIntervalSince1970.rounded(.down))))),
            .init(name: "jwk", value: .object(record.jwk)),
        ])))
    }

    /// The records of every complete, well-formed line; a torn or garbled line is skipped.
    static func parse(_ data: Data) -> [ArchivedKey] {
        var records: [ArchivedKey] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? StrictJSONParser.parse(line).objectValue,
                let thumbprint = object["thumbprint"]?.stringValue,
                let jwk = object["jwk"]?.objectValue,
                let firstSeen = object["first_seen"]?.doubleValue,
                let lastSeen = object["last_seen"]?.doubleValue,
                JWKThumbprint.compute(jwk) == thumbprint
            else { continue }
            records.append(ArchivedKey(
                jwk: jwk, thumbprint: thumbprint, source: object["source"]?.stringValue ?? "",
                firstSeen: Date(timeIntervalSince1970: firstSeen), lastSeen: Date(timeIntervalSince1970: lastSeen)
            ))
        }
        return records
    }

    /// One record per thumbprint, in order of first appearance.
    static func merge(_ records: [ArchivedKey]) -> [ArchivedKey] {
        var order: [String] = []
        var merged: [String: ArchivedKey] = [:]
        for record in records {
            if let previous = merged[record.thumbprint] {
                merged[record.thumbprint] = ArchivedKey(
                    jwk: previous.jwk, thumbprint: record.thumbprint, source: previous.source,
                    firstSeen: min(previous.firstSeen, record.firstSeen), lastSeen: max(previous.lastSeen, record.lastSeen)
                )
            } else {
                order.append(record.thumbprint)
                merged[record.thumbprint] = record
            }
        }
        return order.map { merged[$0]! }
    }

    /// Appends whole lines with one write on an `O_APPEND` descriptor; if the file ends in a torn line,
    /// a newline is written first so that the torn fragment stays on its own (ignored) line.
    static func append(_ lines: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ArchiveError(.cannotWrite, "cannot open \(path) for appending: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes = Array(lines.utf8)
        if endsWithTornLine(path) { bytes.insert(UInt8(ascii: "\n"), at: 0) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else {
                if written < 0 && errno == EINTR { continue }
                throw ArchiveError(.cannotWrite, "cannot append to \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw ArchiveError(.cannotWrite, "cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    private static func endsWithTornLine(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size > 0 else { return false }
        try? handle.seek(toOffset: size - 1)
        return handle.readData(ofLength: 1) != Data([UInt8(ascii: "\n")])
    }
}

/// A failure to write an archive file: a stable ``Code`` and a message naming the file and the reason,
/// the same shape as ``IntrospectionJWTError``.
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added; switch with a `default`.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code's printed form (for example `cannot_write`).
        public let rawValue: String

        /// Makes a code from its printed form.
        public init(rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The archive file could not be opened for appending, appended to, or synced to disk.
        public static let cannotWrite = Code(rawValue: "cannot_write")
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A human explanation naming the file and the system's reason.
    public let message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message alone, as the command line tool has always printed it.
    public var description: String { message }
}

/// Serialises appends to the same archive path across every `FileKeyArchive` of the process.
enum ArchiveFileLock {
    private static let lock = NSLock()
    private static let pathLocks = PathLocks()

    final class PathLocks: @unchecked Sendable {
        // @unchecked: `locks` is only touched while `ArchiveFileLock.lock` is held.
        var locks: [String: NSLock] = [:]
    }

    static func withLock<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        lock.lock()
        let pathLock = pathLocks.locks[key] ?? NSLock()
        pathLocks.locks[key] = pathLock
        lock.unlock()
        pathLock.lock()
        defer { pathLock.unlock() }
        return try body()
    }
}
