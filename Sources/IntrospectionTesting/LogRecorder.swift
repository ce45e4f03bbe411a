public import Logging
import NIOConcurrencyHelpers

/// Log records kept in memory, to check what a component logs (and that it never logs a token):
///
///     let logs = LogRecorder()
///     let source = RemoteJWKSKeySource(url: url, logger: logs.logger())
///     #expect(!logs.text.contains(token))
public final class LogRecorder: Sendable {
    /// One message.
    public struct Record: Sendable {
        /// Its level.
        public let level: Logger.Level
        /// The message.
        public let message: String
        /// Its metadata (the logger's and the message's), as `key=value` pairs sorted by key.
        public let metadata: String
    }

    /// An empty recorder.
    public init() {}

    private let records = NIOLockedValueBox<[Record]>([])

    /// Every record so far, in order.
    public var all: [Record] { records.withLockedValue { $0 } }

    /// Every message and its metadata as one text.
    public var text: String { all.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n") }

    /// A logger at level trace that records here.
    public func logger() -> Logger {
        var logger = Logger(label: "test") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ record: Record) { records.withLockedValue { $0.append(record) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            recorder.append(Record(level: event.level, message: "\(event.message)", metadata: text))
        }
    }
}
