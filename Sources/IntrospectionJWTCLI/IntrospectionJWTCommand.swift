import ArgumentParser
import Foundation

/// The `introspection-jwt` command line tool.
struct IntrospectionJWTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "introspection-jwt",
        abstract: "Verify JWT-secured OAuth 2.0 token introspection responses (RFC 9701).",
        subcommands: [
            VerifyCommand.self, AuditCommand.self, KeysCommand.self, JWKSCommand.self, IntrospectCommand.self, ConformanceCommand.self,
            ForwardAuthCommand.self,
        ]
    )
}

/// Runs the tool with the exit statuses of its contract: 0 success, 1 a response failed verification,
/// 2 a usage or configuration error (ArgumentParser's own usage errors would exit with 64).
@main
enum IntrospectionJWTMain {
    static func main() async {
        do {
            var command = try IntrospectionJWTCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = IntrospectionJWTCommand.exitCode(for: error)
            let message = IntrospectionJWTCommand.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            StandardError.write(message)
            Foundation.exit(ExitStatus.usageOrConfiguration)
        }
    }
}

/// The exit statuses of the tool.
enum ExitStatus {
    static let success: Int32 = 0
    static let invalid: Int32 = 1
    static let usageOrConfiguration: Int32 = 2
}

/// Writes lines to standard error.
enum StandardError {
    static func write(_ message: String) {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    }
}

/// A configuration problem found while running (exit status 2, message on standard error).
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
