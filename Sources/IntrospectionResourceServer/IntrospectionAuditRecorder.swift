public import Foundation
import IntrospectionJWT
public import Logging

/// Keeps the signed answers a resource server acted on, for a later audit (RFC 9701 §1: the signed
/// response is evidence that can be checked after the fact).
///
/// ``CachedIntrospection`` hands every verified JWT answer received from the authorization server (active
/// and inactive, never a cache hit) to its recorder. A recorder must not fail the request: it logs its own
/// failures.
public protocol IntrospectionAuditRecorder: Sendable {
    /// Records `signedResponse` (a compact JWT that verified) received at `receivedAt`.
    func record(signedResponse: String, receivedAt: Date) async
}

/// An ``IntrospectionAuditRecorder`` that appends one audit record per answer to a JSON-lines file:
///
///     {"id":"8d6c…","received_at":1763740800,"response":"eyJ…"}
///
/// which `introspection-jwt audit --keys <key archive> <file>` re-verifies, each record as of its
/// `received_at`. Appends are crash-safe in the same way as `FileKeyArchive`'s (one `write(2)` of a
/// whole line on an `O_APPEND` descriptor, then `fsync`): a crash can leave at most a torn last line.
/// The file holds the answers, never the access tokens.
public struct JSONLinesAuditRecorder: IntrospectionAuditRecorder {
    /// The records file.
    public let path: String
    private let logger: Logger

    /// A recorder appending to `path` (created on the first record).
    public init(path: String, logger: Logger = Logger(label: "introspection-jwt.audit")) {
        self.path = path
        self.logger = logger
    }

    /// Appends one record; a failure to write is logged at error level and otherwise ignored.
    public func record(signedResponse: String, receivedAt: Date) async {
        let line = Self.line(id: UUID().uuidString.lowercased(), receivedAt: receivedAt, response: signedResponse)
        do {
            try await AppendOnlyFile.append(line + "\n", to: path)
        } catch {
            logger.error("could not append an audit record", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// One audit record: `received_at` in whole Unix seconds (rounded down).
    static func line(id: String, receivedAt: Date, response: String) -> String {
        JSONWriter.string(for: .object(JSONObject(members: [
            .init(name: "id", value: .string(id)),
            .init(name: "received_at", value: .number(JSONNumber(Int(receivedAt.timeIntervalSince1970.rounded(.down))))),
            .init(name: "response", value: .string(response)),
        ])))
    }
}
