import ArgumentParser
import Foundation
import IntrospectionJWT

/// `introspection-jwt keys`: keeps an archive of every key seen, for audits.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage a key archive (every key ever seen, with first- and last-seen times).",
        subcommands: [Archive.self, List.self]
    )

    /// `keys archive --jwks <file> --archive <file>`.
    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the keys of a JWK Set to an archive; keys already there get a later last-seen time."
        )

        @Option(name: .long, help: ArgumentHelp("The JWK Set: a file, or an https URL.", valueName: "url|file"))
        var jwks: String

        @Option(name: .long, help: ArgumentHelp("The archive file (JSON lines, created if missing).", valueName: "file"))
        var archive: String

        @Option(name: .long, help: ArgumentHelp("The time the keys were seen, in Unix seconds (default: now).", valueName: "unix-seconds"))
        var at: String?

        func run() async throws {
            var seen = Date()
            if let at {
                guard let seconds = PolicyOptions.seconds(at) else { throw ValidationError("--at must be a number of Unix seconds, not '\(at)'.") }
                seen = Date(timeIntervalSince1970: seconds)
            }
            let keySet: JWKSet
            do {
                keySet = try await KeyLoading.keySet(jwks)
            } catch let error as ConfigurationError {
                StandardError.write("error: \(error.description)")
                throw ExitCode(ExitStatus.usageOrConfiguration)
            }
            let store = FileKeyArchive(path: archive)
            let before = Set(try await store.keys().map(\.thumbprint))
            try await store.record(keySet.keys, source: jwks, seen: seen)
            let added = keySet.keys.filter { !before.contains($0.thumbprint) }.count
            print("\(added) key\(added == 1 ? "" : "s") added, \(keySet.keys.count - added) already archived (last seen updated), \(keySet.skippedKeys.count) skipped")
            for skipped in keySet.skippedKeys { StandardError.write("skipped \(skipped)") }
        }
    }

    /// `keys list --archive <file>`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys of an archive.")

        @Option(name: .long, help: ArgumentHelp("The archive file.", valueName: "file"))
        var archive: String

        @Option(name: .long, help: "Output format.")
        var output: OutputFormat = .text

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: archive) else {
                StandardError.write("error: cannot read the archive \(archive)")
                throw ExitCode(ExitStatus.usageOrConfiguration)
            }
            let formatter = ISO8601DateFormatter()
            for record in FileKeyArchive.records(in: data) {
                switch output {
                case .json:
                    print(JSONWriter.string(for: .object(JSONObject(members: [
                        .init(name: "thumbprint", value: .string(record.thumbprint)),
                        .init(name: "kid", value: record.keyID.map(JSONValue.string) ?? .null),
                        .init(name: "kty", value: record.jwk["kty"] ?? .null),
                        .init(name: "alg", value: record.jwk["alg"] ?? .null),
                        .init(name: "source", value: .string(record.source)),
                        .init(name: "first_seen", value: .number(JSONNumber(seconds: record.firstSeen.timeIntervalSince1970))),
                        .init(name: "last_seen", value: .number(JSONNumber(seconds: record.lastSeen.timeIntervalSince1970))),
                    ]))))
                case .text:
                    let kid = record.keyID ?? "(no kid)"
                    let kty = record.jwk["kty"]?.stringValue ?? "?"
                    print("\(kid)  \(kty)  \(record.thumbprint)  first seen \(formatter.string(from: record.firstSeen))  last seen \(formatter.string(from: record.lastSeen))  \(record.source)")
                }
            }
        }
    }
}
