import Foundation

/// Runs the built `introspection-jwt` executable, the way users and the contract's suites do.
struct CLIRunner {
    struct Outcome {
        let status: Int32
        let standardOutput: String
        let standardError: String

        /// The standard output lines parsed as JSON objects.
        var jsonLines: [[String: Any]] {
            standardOutput.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    /// The executable: `$INTROSPECTION_JWT_CLI`, or the one built beside this test bundle.
    static let executable: URL = {
        if let override = ProcessInfo.processInfo.environment["INTROSPECTION_JWT_CLI"] {
            return URL(fileURLWithPath: override)
        }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On some platforms the test binary sits inside a bundle (…/X.xctest/Contents/MacOS/X).
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("introspection-jwt").path),
            directory.pathComponents.count > 1
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("introspection-jwt")
    }()

    /// Runs the tool and waits for it on a thread of its own: a test waiting for a child process must not
    /// hold one of the few threads of Swift's cooperative pool, which the in-process servers the child
    /// talks to need (with both held, the servers starve and the child's requests time out).
    static func run(_ arguments: [String], standardInput: String? = nil, environment: [String: String]? = nil) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try runBlocking(arguments, standardInput: standardInput, environment: environment) })
            }.start()
        }
    }

    /// Runs the tool with `clientSecret` in `INTROSPECTION_CLIENT_SECRET` (unset when nil), the way the
    /// `introspect` and `conformance` commands take their secret.
    static func run(_ arguments: [String], standardInput: String? = nil, clientSecret: String?) async throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["INTROSPECTION_CLIENT_SECRET"] = clientSecret
        return try await run(arguments, standardInput: standardInput, environment: environment)
    }

    /// Runs the tool, blocking the calling thread until it exits.
    static func runBlocking(_ arguments: [String], standardInput: String? = nil, environment: [String: String]? = nil) throws -> Outcome {
        let scratch = try TemporaryDirectory()
        let outputPath = try scratch.write("stdout", "")
        let errorPath = try scratch.write("stderr", "")
        let inputPath = try scratch.write("stdin", standardInput ?? "")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        // Files rather than pipes: a large output can never block the child.
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        try process.run()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: try String(contentsOfFile: outputPath, encoding: .utf8),
            standardError: try String(contentsOfFile: errorPath, encoding: .utf8)
        )
    }
}

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("introspection-jwt-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `contents` to a file named `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(contents.utf8).write(to: file)
        return file.path
    }
}
