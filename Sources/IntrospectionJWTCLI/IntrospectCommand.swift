import ArgumentParser
import Foundation
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import TokenIntrospectionClient

/// `introspection-jwt introspect`: calls an introspection endpoint (RFC 7662), asking for a signed JWT
/// (RFC 9701) by default, and verifies the answer against the issuer's discovered keys.
struct IntrospectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "introspect",
        abstract: "Introspect a token at an authorization server and verify the JWT response.",
        discussion: """
            The endpoint and the keys are discovered from the issuer (RFC 8414) unless --endpoint and \
            --jwks are given. The client secret is read from $\(ClientCredentialOptions.secretVariable) when \
            --client-secret is absent, so that it stays out of shell history; it is never printed.

            --auth private_key_jwt signs a fresh RFC 7523 assertion with --client-key for every call \
            (iss = sub = the client id, aud = the issuer, a new jti, exp within 60 s); --auth \
            tls_client_auth presents --client-cert on the TLS connection (RFC 8705). --ca-cert trusts a \
            private CA for the server's certificate.

            An encrypted answer (RFC 9701 §5-6) is decrypted with --decryption-keys (or \
            --decrypt-with-client-secret); with --require-encryption a signed-only answer fails with \
            encryption_required.

            Exit status: 0 a verified response (active or not; with --format json, any introspection \
            response), 1 a response that failed verification (including a JSON answer to a JWT request), \
            2 a usage, configuration, transport or HTTP error (a --decryption-keys file that cannot be \
            used: decryption_keys_unavailable).
            """
    )

    @OptionGroup var credentials: ClientCredentialOptions

    @OptionGroup var call: IntrospectionCallOptions

    @Option(name: .customLong("token-type-hint"), help: ArgumentHelp("token_type_hint: access_token, refresh_token, or any value.", valueName: "hint"))
    var tokenTypeHint: String?

    @OptionGroup var decryption: DecryptionOptions

    @Option(name: .long, help: "Output format.")
    var output: OutputFormat = .text

    @Argument(help: ArgumentHelp("The token to introspect; - reads it from standard input (put -- before a token that starts with -).", valueName: "token"))
    var token: String

    func validate() throws {
        _ = try call.clientOptions(credentials: credentials, secret: "validation")
        try call.checkEncryption(decryption)
    }

    func run() async throws {
        let secret = try credentials.secretIfNeeded()
        var options = try call.clientOptions(credentials: credentials, secret: secret)
        // The local key files first: no call is made by a run that cannot decrypt, or cannot authenticate
        // (exit 2 before any request when the client's key or certificate cannot be used).
        options.decryption = try decryption.clientOptions(derivingKeysFromClientSecret: credentials.decryptWithClientSecret)
        let transport = try credentials.authenticate(&options)
        let token = try readToken()
        // The library's log messages go where the tool's do: standard error, off unless INTROSPECTION_JWT_LOG_LEVEL says.
        let client = IntrospectionClient(options: options, transport: transport, logger: KeyLoading.logger)
        let response = await client.introspect(token: token, tokenTypeHint: tokenTypeHint.map(TokenTypeHint.init(rawValue:)))
        let reporter = IntrospectionReporter(format: output, requestedFormat: call.format.format)
        reporter.report(response)
        throw ExitCode(Self.exitStatus(for: response))
    }

    /// 0 success, 1 failed verification, 2 anything else (usage, configuration, transport, HTTP, or a
    /// key set that could not be obtained).
    static func exitStatus(for response: TokenIntrospectionResponse) -> Int32 {
        guard let error = response.error else { return ExitStatus.success }
        if error.code == .validation, error.validationError?.code != .jwksUnavailable { return ExitStatus.invalid }
        return ExitStatus.usageOrConfiguration
    }

    /// The token argument, or the first non-blank line of standard input for `-`.
    private func readToken() throws -> String {
        guard token == "-" else { return token }
        while let line = readLine(strippingNewline: true) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { return trimmed }
        }
        throw ValidationError("No token on standard input.")
    }
}

/// `--format`: the response format to ask for.
enum FormatOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case jwt
    case json

    var format: IntrospectionResponseFormat {
        switch self {
        case .jwt: .jwt
        case .json: .json
        }
    }
}
