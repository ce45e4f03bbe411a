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

    @Option(name: .long, help: ArgumentHelp("The introspection endpoint (default: discovered from the issuer).", valueName: "url"))
    var endpoint: String?

    @Option(name: .long, help: ArgumentHelp("The issuer's JWK Set URL (default: discovered from the issuer).", valueName: "url"))
    var jwks: String?

    @Option(name: .customLong("token-type-hint"), help: ArgumentHelp("token_type_hint: access_token, refresh_token, or any value.", valueName: "hint"))
    var tokenTypeHint: String?

    @Option(name: .long, help: "Response format to ask for.")
    var format: FormatOption = .jwt

    @Option(name: .long, help: ArgumentHelp("An accepted aud of the JWT response; repeat for several (default: the client id).", valueName: "aud"))
    var audience: [String] = []

    @Option(name: .long, help: ArgumentHelp("Allowed algorithms, comma separated (default: every supported one the issuer publishes).", valueName: "PS256,ES256"))
    var algorithms: String?

    @Option(name: .customLong("max-age"), help: ArgumentHelp("How old the response's iat may be, in seconds.", valueName: "seconds"))
    var maxAge: String = "300"

    @Option(name: .customLong("clock-skew"), help: ArgumentHelp("Leeway for every time comparison, in seconds.", valueName: "seconds"))
    var clockSkew: String = "60"

    @Option(name: .long, help: ArgumentHelp("Timeout of each HTTP request, in seconds.", valueName: "seconds"))
    var timeout: String = "10"

    @OptionGroup var decryption: DecryptionOptions

    @Option(name: .long, help: "Output format.")
    var output: OutputFormat = .text

    @Argument(help: ArgumentHelp("The token to introspect; - reads it from standard input (put -- before a token that starts with -).", valueName: "token"))
    var token: String

    func validate() throws {
        _ = try options(secret: "validation")
        if decryption.requireEncryption, format == .json {
            throw ValidationError("--require-encryption needs --format jwt: a plain JSON answer is never encrypted (RFC 9701 §5).")
        }
    }

    /// The client options; `secret` from the option or the environment.
    func options(secret: String?) throws -> IntrospectionClientOptions {
        let maximumAge = try PolicyOptions.seconds(maxAge, of: "--max-age", zero: .allowed)
        let skew = try PolicyOptions.seconds(clockSkew, of: "--clock-skew", zero: .allowed)
        let seconds = try PolicyOptions.seconds(timeout, of: "--timeout", zero: .refused)
        let allowed = try algorithms.map(PolicyOptions.parseAlgorithms) ?? SignatureAlgorithm.allSupported
        for url in [endpoint, jwks].compactMap({ $0 }) {
            if let refusal = HTTPURLPolicy.refusal(for: url) { throw ValidationError(refusal) }
        }
        return IntrospectionClientOptions(
            issuer: credentials.issuer,
            endpoint: endpoint,
            clientID: credentials.clientID,
            clientSecret: secret,
            authenticationMethod: credentials.auth.method,
            responseFormat: format.format,
            jwksURI: jwks,
            audiences: audience.isEmpty ? nil : audience,
            allowedAlgorithms: allowed,
            maximumAge: .seconds(maximumAge),
            clockSkew: .seconds(skew),
            timeout: .milliseconds(Int64((seconds * 1000).rounded()))
        )
    }

    /// The decryption options of the client: the `--decryption-keys` files (a ``ConfigurationError`` for
    /// one that cannot be used), the allowed lists, `--require-encryption`, `--decrypt-with-client-secret`.
    func decryptionOptions() throws -> ResponseDecryptionOptions {
        let (keyManagement, contentEncryption) = try decryption.allowedAlgorithms()
        return ResponseDecryptionOptions(
            keys: try decryption.keySet(), derivesKeysFromClientSecret: credentials.decryptWithClientSecret,
            allowedKeyManagementAlgorithms: keyManagement, allowedContentEncryptionAlgorithms: contentEncryption,
            requiresEncryption: decryption.requireEncryption)
    }

    func run() async throws {
        let secret = try credentials.secretIfNeeded()
        var options = try options(secret: secret)
        do {
            // The local key files first: no call is made by a run that cannot decrypt.
            options.decryption = try decryptionOptions()
        } catch let error as ConfigurationError {
            StandardError.write("error: \(IntrospectionJWTError.Code.decryptionKeysUnavailable): \(error.description)")
            throw ExitCode(ExitStatus.usageOrConfiguration)
        }
        // The client's key or certificate (exit 2 before any request when a file cannot be used).
        let transport = try credentials.transport()
        try credentials.apply(to: &options, transport: transport)
        let token = try readToken()
        // The library's log messages go where the tool's do: standard error, off unless INTROSPECTION_JWT_LOG_LEVEL says.
        let client = IntrospectionClient(options: options, transport: transport, logger: KeyLoading.logger)
        let response = await client.introspect(token: token, tokenTypeHint: tokenTypeHint.map(TokenTypeHint.init(rawValue:)))
        let reporter = IntrospectionReporter(format: output, requestedFormat: format.format)
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
