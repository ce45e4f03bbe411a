import Foundation
import Logging

/// The service's logs: standard error (standard output carries the one start-up line), at the level of
/// `INTROSPECTION_JWT_LOG_LEVEL`, `warning` by default (the 502s and 503s and why). No log message of
/// this package contains a token.
enum ForwardAuthLogging {
    /// Bootstraps swift-log (every logger of the process, Hummingbird's and ServiceLifecycle's
    /// included) and returns the service's logger.
    static func bootstrap() -> Logger {
        let level = ProcessInfo.processInfo.environment["INTROSPECTION_JWT_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "introspection-jwt.forward-auth")
        logger.logLevel = level
        return logger
    }
}
