import ArgumentParser
import Foundation
import IntrospectionJWT

/// `introspection-jwt verify`: checks introspection responses against a JWK Set and a policy.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify RFC 9701 introspection responses (compact JWTs, signed or signed then encrypted).",
        discussion: """
            Exit status: 0 all valid, 1 at least one invalid, 2 usage or configuration error \
            (bad option, keys or decryption keys that cannot be obtained).
            """
    )

    @Option(name: .long, help: ArgumentHelp(
        "The JWK Set: a file, or an https URL (http only for loopback hosts), fetched once per run. Without it, the keys are discovered from the --issuer's metadata.",
        valueName: "file|url"))
    var jwks: String?

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("The time to judge by, in Unix seconds (default: now).", valueName: "unix-seconds"))
    var at: String?

    @Option(name: .long, help: "Output format.")
    var output: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("How many inputs to verify at once (default: the number of cores); output keeps input order.", valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: ArgumentHelp("Files holding one compact JWT each; - reads one JWT per line from standard input.", valueName: "input"))
    var inputs: [String] = []

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("At least one input (a file, or - for standard input) is required.") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, not \(jobs).") }
        _ = try options()
    }

    /// The policy and the time to judge by.
    func options() throws -> (policy: VerificationPolicy, time: Date) {
        var time = Date()
        if let at {
            guard let seconds = PolicyOptions.seconds(at) else { throw ValidationError("--at must be a number of Unix seconds, not '\(at)'.") }
            time = Date(timeIntervalSince1970: seconds)
        }
        return (try policyOptions.policy(), time)
    }

    func run() async throws {
        let (policy, time) = try options()
        let reporter = VerificationReporter(format: output)
        let inputs = try InputSource.resolve(self.inputs)

        /// Keys that cannot be obtained at all: every input is reported with `code`, and the run ends with 2.
        func failEveryInput(_ error: ConfigurationError, code: IntrospectionJWTError.Code) throws -> Never {
            StandardError.write("error: \(error.description)")
            let failure = IntrospectionJWTError(code, error.description)
            try InputSource.forEachToken(in: inputs) { name, _ in reporter.report(input: name, result: .failure(failure)) }
            throw ExitCode(ExitStatus.usageOrConfiguration)
        }
        // The local decryption key files first: no key set is fetched for a run that cannot decrypt.
        let decryptionKeys: DecryptionKeySet
        do {
            decryptionKeys = try policyOptions.decryption.keySet()
        } catch let error as ConfigurationError {
            try failEveryInput(error, code: .decryptionKeysUnavailable)
        }
        let keySource: any VerificationKeySource
        do {
            keySource = try await KeyLoading.keySource(jwks: jwks, issuer: policyOptions.issuer)
        } catch let error as ConfigurationError {
            try failEveryInput(error, code: .jwksUnavailable)
        }

        let verifier = IntrospectionResponseVerifier(policy: policy, keySource: keySource, decryptionKeys: decryptionKeys)
        var anyInvalid = false
        var sawKeysUnavailable = false
        @Sendable func verify(_ token: String) async -> Result<VerifiedIntrospectionResponse, IntrospectionJWTError> {
            do throws(IntrospectionJWTError) {
                return .success(try await verifier.verify(token, at: time))
            } catch {
                return .failure(error)
            }
        }
        func note(_ failure: IntrospectionJWTError?) {
            guard let failure else { return }
            anyInvalid = true
            if failure.code == .jwksUnavailable { sawKeysUnavailable = true }
        }
        if jobs == 1 {
            try await InputSource.forEachToken(in: inputs) { name, token async in
                let result = await verify(token)
                if case .failure(let error) = result { note(error) }
                reporter.report(input: name, result: result)
            }
        } else {
            // Several at once (OrderedParallelMap.swift), each child task also making its output lines;
            // the lines still come out in input order, and a read failure comes after every line before it.
            try await OrderedParallelMap.run(
                jobs: jobs,
                produce: { take in
                    try await InputSource.forEachToken(in: inputs) { name, token in await take((name, token)) }
                },
                transform: { (input: (name: String, token: String)) in
                    let result = await verify(input.token)
                    let failure: IntrospectionJWTError? = if case .failure(let error) = result { error } else { nil }
                    return (failure, reporter.line(input: input.name, result: result))
                },
                emit: { (failure: IntrospectionJWTError?, line: String) in
                    note(failure)
                    print(line)
                }
            )
        }
        if sawKeysUnavailable {
            StandardError.write("error: the keys could not be obtained")
            throw ExitCode(ExitStatus.usageOrConfiguration)
        }
        throw ExitCode(anyInvalid ? ExitStatus.invalid : ExitStatus.success)
    }
}

/// `--output`: human text or one JSON object per line.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text
    case json
}
