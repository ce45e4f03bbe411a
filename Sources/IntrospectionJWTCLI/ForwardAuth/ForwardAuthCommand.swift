import ArgumentParser
import Foundation
import Hummingbird
import IntrospectionJWT
import IntrospectionResourceServer
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import TokenIntrospectionClient
import UnixSignals

/// `introspection-jwt forward-auth`: an authorization decision service for nginx `auth_request` and
/// Caddy `forward_auth` (Traefik ForwardAuth and Envoy `ext_authz` in HTTP mode ask the same question):
/// every request is answered from RFC 9701-verified, cached introspection of its bearer token.
struct ForwardAuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward-auth",
        abstract: "Answer nginx auth_request and Caddy forward_auth from verified, cached token introspection.",
        discussion: """
            Once it listens it prints `listening on http://<host>:<port>`. GET /healthz answers 200, GET \
            /metrics the Prometheus text format; any other request is a decision about the original \
            request whose header fields the proxy passed on: 200 with X-Auth-Subject, X-Auth-Client-Id, \
            X-Auth-Scope, X-Auth-Username, X-Auth-Expires and (JWT mode) X-Introspection-JWT, or 401, 400, \
            403 with WWW-Authenticate (RFC 6750 §3), 503 with Retry-After, 502. X-Required-Scope adds \
            required scopes to --require-scope for one request. The original request's method and URI \
            come from X-Forwarded-Method, -Proto, -Host and -Uri (DPoP proofs, RFC 9449; --no-dpop turns \
            the DPoP scheme off), its TLS client certificate from the header --client-cert-header names \
            (certificate-bound tokens, RFC 8705 §3). The client secret is read from \
            $\(ClientCredentialOptions.secretVariable) when --client-secret is absent; --auth \
            private_key_jwt (--client-key) and --auth tls_client_auth (--client-cert, --client-key) need none.

            Exit status: 0 after SIGTERM or SIGINT (requests in flight are finished first), 2 for a bad \
            option, a missing secret, an unusable key file, an issuer whose metadata cannot be used, or an \
            address it cannot listen on, before it listens. Nginx and Caddy snippets: docs/forward-auth.md.
            """
    )

    @OptionGroup var credentials: ClientCredentialOptions

    @Option(name: .long, help: ArgumentHelp("The address to listen on; port 0 picks any free port.", valueName: "host:port"))
    var listen: String = ListenAddress.defaultValue

    @OptionGroup var call: IntrospectionCallOptions

    @Option(name: .customLong("require-scope"), help: ArgumentHelp("A scope every request needs; repeat for several.", valueName: "scope"))
    var requireScope: [String] = []

    @OptionGroup var cache: ForwardAuthCacheOptions

    @Option(name: .customLong("audit-log"), help: ArgumentHelp(
        "Append every signed answer from the authorization server here (JSON lines, for `introspection-jwt audit`).", valueName: "records.jsonl"))
    var auditLog: String?

    @Option(name: .customLong("key-archive"), help: ArgumentHelp("Record every fetched signing key here (JSON lines).", valueName: "keys.jsonl"))
    var keyArchive: String?

    @Option(name: .long, help: ArgumentHelp("The realm of WWW-Authenticate (default: the issuer).", valueName: "realm"))
    var realm: String?

    @OptionGroup var decryption: DecryptionOptions

    @OptionGroup var senderConstraints: ForwardAuthSenderOptions

    func validate() throws {
        _ = try ListenAddress(parsing: listen)
        _ = try call.clientOptions(credentials: credentials, secret: "validation")
        try call.checkEncryption(decryption)
        _ = try requirement()
        for (option, path) in [("--audit-log", auditLog), ("--key-archive", keyArchive)] where path?.isEmpty == true {
            throw ValidationError("\(option) needs a file name.")
        }
    }

    /// `--require-scope`: each one scope token of RFC 6749 §3.3 (printable ASCII but `"` and `\`, no space).
    func requirement() throws -> AccessRequirement {
        for scope in requireScope {
            let valid = !scope.isEmpty && scope.utf8.allSatisfy { $0 == 0x21 || (0x23...0x5B).contains($0) || (0x5D...0x7E).contains($0) }
            guard valid else {
                throw ValidationError("--require-scope '\(scope)' is not one scope token (RFC 6749 §3.3: printable ASCII without spaces, \" or \\).")
            }
        }
        return AccessRequirement(scopes: requireScope)
    }

    func run() async throws {
        let secret = try credentials.secretIfNeeded()
        let address = try ListenAddress(parsing: listen)
        let logger = ForwardAuthLogging.bootstrap()
        var options = try call.clientOptions(credentials: credentials, secret: secret)
        options.decryption = try decryption.clientOptions(derivingKeysFromClientSecret: credentials.decryptWithClientSecret)
        // --auth private_key_jwt or tls_client_auth: the key or certificate, loaded once (exit 2 before
        // listening when a file cannot be used).
        let transport = try credentials.authenticate(&options)
        try Self.checkAppendable(keyArchive, option: "--key-archive")
        try Self.checkAppendable(auditLog, option: "--audit-log")
        options.keyArchive = keyArchive.map { FileKeyArchive(path: $0) }

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let client = IntrospectionClient(options: options, transport: transport, logger: logger)
        do {
            // The client discovers lazily; a service must not start answering 503 to every request.
            try await client.prepare()
        } catch {
            StandardError.write("error: \(error.message)")
            throw ExitCode(ExitStatus.usageOrConfiguration)
        }
        let introspection = CachedIntrospection(
            client: client, configuration: try cache.configuration(),
            auditRecorder: auditLog.map { JSONLinesAuditRecorder(path: $0, logger: logger) }, logger: logger)
        let responder = ForwardAuthResponder(
            introspection: introspection, realm: realm ?? credentials.issuer, dpop: try senderConstraints.dpop(), requirement: try requirement(),
            clientCertificateHeader: try senderConstraints.clientCertificateHeader(), registry: registry, logger: logger)

        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                FileHandle.standardOutput.write(Data("listening on http://\(address.urlHost):\(port)\n".utf8))
            },
            logger: logger
        )
        var configuration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Requests in flight end within the client's timeout; a connection that stays open past this is cut.
        configuration.maximumGracefulShutdownDuration = options.timeout * 3
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            StandardError.write("error: forward-auth cannot serve on \(listen): \(error)")
            throw ExitCode(ExitStatus.usageOrConfiguration)
        }
    }

    /// Creates `path` if needed and checks that it can be appended to; exit status 2 before listening
    /// otherwise, rather than records silently lost later.
    static func checkAppendable(_ path: String?, option: String) throws {
        guard let path else { return }
        do {
            try AppendOnlyFile.append("", to: path)
        } catch {
            throw ConfigurationError("\(option): \(error)")
        }
    }
}
