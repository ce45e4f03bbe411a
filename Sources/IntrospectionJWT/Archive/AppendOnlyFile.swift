/// The crash-safe appends of the key archive, for every JSON-lines file of this package (the key
/// archive, the resource server's audit trail): whole lines in one `write(2)` on an `O_APPEND`
/// descriptor, then `fsync`, serialised per path within the process. A crash can leave at most a torn
/// last line, which readers skip and the next append starts after.
package enum AppendOnlyFile {
    /// Appends `lines` (each ending in a newline) to the file at `path`, creating it if needed.
    package static func append(_ lines: String, to path: String) throws {
        try ArchiveFileLock.withLock(path) { try FileKeyArchive.append(lines, to: path) }
    }
}
