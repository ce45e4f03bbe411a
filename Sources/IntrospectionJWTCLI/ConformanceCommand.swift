import ArgumentParser
import Foundation
import IntrospectionConformance
import IntrospectionJWT

/// `introspection-jwt conformance`: checks an authorization server's RFC 9701 / RFC 7662 / RFC 8414
/// behaviour with named checks (the `IntrospectionConformance` catalog's article The checks; options in
/// docs/command-line.md) and prints a table or a JSON report.
struct ConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Check an authorization server's JWT introspection responses against RFC 9701.",
        discussion: """
            Discovers the issuer's metadata, then sends a JWT request for the active token, one for an \
            inactive token (a random one unless --inactive-token is given), two with a token_type_hint \
            that does not fit, a plain JSON request, an unauthenticated request and one with wrong \
            credentials (with --auth private_key_jwt, also a replayed assertion). Each check is reported \
            with its RFC section, level (MUST, SHOULD, ...) and outcome (pass, fail, skip) with a reason.

            With --decryption-keys (or --decrypt-with-client-secret, or --require-encryption) the resource \
            server registered encryption (RFC 9701 §6): the jwe.* checks expect encrypted answers and \
            decrypt them, and the jwt.* checks run on the signed JWT inside.

            The client secret is read from $\(ClientCredentialOptions.secretVariable) when --client-secret is \
            absent; it is never printed.

            Exit status: 0 every MUST passes, 1 a MUST failed, 2 a usage error (a --decryption-keys file \
            that cannot be used: decryption_keys_unavailable).
            """
    )

    @OptionGroup var credentials: ClientCredentialOptions

    @Option(name: .customLong("active-token"), parsing: .unconditional, help: ArgumentHelp("A token the server considers active for this client.", valueName: "token"))
    var activeToken: String

    @Option(name: .customLong("inactive-token"), parsing: .unconditional, help: ArgumentHelp("A token the server considers inactive (default: a random string).", valueName: "token"))
    var inactiveToken: String?

    @Option(name: .long, help: ArgumentHelp("An accepted aud of the JWT responses besides the client id.", valueName: "aud"))
    var audience: String?

    @Option(name: .customLong("iat-tolerance"), help: ArgumentHelp("How far the response's iat may be from the local clock, in seconds.", valueName: "seconds"))
    var iatTolerance: String = "60"

    @Option(name: .long, help: ArgumentHelp("Timeout of each HTTP request, in seconds.", valueName: "seconds"))
    var timeout: String = "10"

    @OptionGroup var decryption: DecryptionOptions

    @Option(name: .long, help: "Output format.")
    var output: OutputFormat = .text

    func validate() throws {
        _ = try durations()
        if activeToken.isEmpty { throw ValidationError("--active-token must not be empty.") }
        if inactiveToken?.isEmpty == true { throw ValidationError("--inactive-token must not be empty.") }
    }

    /// The timeout and the iat tolerance.
    func durations() throws -> (timeout: Duration, tolerance: Duration) {
        let seconds = try PolicyOptions.seconds(timeout, of: "--timeout", zero: .refused)
        let tolerance = try PolicyOptions.seconds(iatTolerance, of: "--iat-tolerance", zero: .allowed)
        return (.milliseconds(Int64((seconds * 1000).rounded())), .milliseconds(Int64((tolerance * 1000).rounded())))
    }

    /// The resource server's decryption keys when it registered encryption (`--decryption-keys`,
    /// `--decrypt-with-client-secret` or `--require-encryption` given), else nil; a ``ConfigurationError``
    /// for a key file that cannot be used.
    func decryptionKeys(secret: String?) throws -> DecryptionKeySet? {
        var keys = try decryption.keySet()
        if credentials.decryptWithClientSecret, let secret {
            do {
                keys = keys.merging(try DecryptionKeySet(clientSecret: secret))
            } catch {
                throw ConfigurationError("no decryption key from the client secret: \(error.message)")
            }
        }
        let registered = !keys.isEmpty || decryption.requireEncryption
        return registered ? keys : nil
    }

    func run() async throws {
        let secret = try credentials.secretIfNeeded()
        let (timeout, tolerance) = try durations()
        let (keyManagement, contentEncryption) = try decryption.allowedAlgorithms()
        let decryptionKeys: DecryptionKeySet?
        do {
            decryptionKeys = try self.decryptionKeys(secret: secret)
        } catch let error as ConfigurationError {
            StandardError.write("error: \(IntrospectionJWTError.Code.decryptionKeysUnavailable): \(error.description)")
            throw ExitCode(ExitStatus.usageOrConfiguration)
        }
        // The client's key or certificate (exit 2 before any request when a file cannot be used).
        let transport = try credentials.transport()
        let (assertion, certificate) = try credentials.clientAuthentication(transport: transport)
        let checker = ConformanceChecker(configuration: .init(
            issuer: credentials.issuer, clientID: credentials.clientID, clientSecret: secret ?? "", activeToken: activeToken,
            inactiveToken: inactiveToken, audience: audience, timeout: timeout, issuedAtTolerance: tolerance,
            decryptionKeys: decryptionKeys, allowedKeyManagementAlgorithms: keyManagement,
            allowedContentEncryptionAlgorithms: contentEncryption, authenticationMethod: credentials.auth.method,
            clientAssertion: assertion, clientAssertionAudience: credentials.clientAssertionAudience, clientCertificate: certificate
        ), transport: transport)
        let report = await checker.run()
        switch output {
        case .text: print(report.text)
        case .json: print(JSONWriter.string(for: report.json))
        }
        throw ExitCode(report.allMustsPass ? ExitStatus.success : ExitStatus.invalid)
    }
}
