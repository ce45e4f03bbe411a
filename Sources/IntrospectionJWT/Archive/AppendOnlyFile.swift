import Dispatch

/// The crash-safe appends of the key archive, for every JSON-lines file of this package (the key
/// archive, the resource server's audit trail): whole lines in one `write(2)` on an `O_APPEND`
/// descriptor, then `fsync`, serialised per path within the process. A crash can leave at most a torn
/// last line, which readers skip and the next append starts after.
package enum AppendOnlyFile {
    /// Appends `lines` (each ending in a newline) to the file at `path`, creating it if needed.
    package static func append(_ lines: String, to path: String) throws {
        try ArchiveFileLock.withLock(path) { try FileKeyArchive.append(lines, to: path) }
    }

    /// ``append(_:to:)`` on a dispatch queue of its own: `fsync` can take seconds on a busy disk, and
    /// must not hold one of the few threads of Swift's cooperative pool meanwhile (the servers of the
    /// same process need them).
    package static func append(_ lines: String, to path: String) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async { continuation.resume(with: Result { try append(lines, to: path) }) }
        }
    }

    private static let queue = DispatchQueue(label: "introspection-jwt.append-only-file")
}
