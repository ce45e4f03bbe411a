import ArgumentParser
import Foundation
import IntrospectionJWT

/// `introspection-jwt audit`: re-verifies stored responses, each as of the moment it was received.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Re-verify stored introspection responses, each as of its own received_at.",
        discussion: """
            Input: one JSON object per line, {"id": ..., "received_at": <unix seconds>, "response": "<compact JWT>"} \
            (other members are echoed); an encrypted response is decrypted with --decryption-keys. Output: one JSON line per record, in input order, then a summary. \
            With an archive (from `keys archive`), a key counts only from its first-seen time. \
            Exit status: 0 all valid, 1 any invalid, 2 configuration error.
            """
    )

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("A JWK Set file or a key archive file; repeat for several.", valueName: "jwks-or-archive-file"))
    var keys: [String] = []

    @Option(name: .long, help: ArgumentHelp("Parallel verifications (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @Option(name: .long, help: "Summary format: a text table, or a final JSON object.")
    var output: OutputFormat = .text

    @Argument(help: ArgumentHelp("The records file (JSON lines), or - for standard input.", valueName: "records.jsonl|-"))
    var records: String

    func validate() throws {
        guard !keys.isEmpty else { throw ValidationError("At least one --keys file is required.") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
    }

    func run() async throws {
        let policy = try policyOptions.policy()
        let publishedKeys: PublishedKeys
        let decryptionKeys: DecryptionKeySet
        let input: RecordReader
        do {
            decryptionKeys = try policyOptions.decryption.keySet()
            publishedKeys = try KeyFiles.publishedKeys(from: keys)
            input = try RecordReader(path: records)
        } catch let error as ConfigurationError {
            StandardError.write("error: \(error.description)")
            throw ExitCode(ExitStatus.usageOrConfiguration)
        }
        let auditor = Auditor(
            verifier: IntrospectionResponseVerifier(policy: policy, keys: JWKSet(keys: []), decryptionKeys: decryptionKeys),
            keys: publishedKeys,
            clockSkew: policy.clockSkew
        )
        let progress = ProgressLine(totalBytes: input.totalBytes)
        var summary = AuditSummary()
        try await OrderedParallelMap.run(
            jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
            produce: { take in
                while let line = input.nextLine() { await take(line) }
            },
            // The verdict and its output line are made in parallel; only printing and counting are serial.
            transform: { line in
                let outcome = auditor.audit(line)
                return (outcome, outcome.jsonLine)
            },
            emit: { (outcome: Auditor.Outcome, line: String) in
                print(line)
                summary.add(outcome)
                progress.update(records: summary.records, bytesRead: input.bytesRead)
            }
        )
        progress.finish()
        switch output {
        case .json: print(summary.jsonObject)
        case .text: print(summary.textTable)
        }
        throw ExitCode(summary.invalid == 0 ? ExitStatus.success : ExitStatus.invalid)
    }
}
