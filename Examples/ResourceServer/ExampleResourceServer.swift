import ArgumentParser
import Foundation
import Hummingbird
import IntrospectionJWT
import IntrospectionResourceServer
import IntrospectionTesting
import NIOCore
import TokenIntrospectionClient

/// An example resource server: Hummingbird routes protected by RFC 9701-verified, cached introspection.
///
///     swift run example-resource-server --demo
///
/// starts a local authorization server in the same process and prints a token and a `curl` line.
/// Otherwise it introspects at a real issuer:
///
///     INTROSPECTION_CLIENT_SECRET=… swift run example-resource-server --issuer https://as.example.com --client-id rs-orders
@main
struct ExampleResourceServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example-resource-server",
        abstract: "An example resource server protected by RFC 9701 token introspection.",
        discussion: """
            Routes: GET /healthz; GET /orders (scope orders:read); POST /orders (orders:write); \
            GET /admin (orders:read and orders:admin, client app-7).
            """
    )

    @Flag(help: "Start a local authorization server in this process and print a token and a curl line.")
    var demo = false

    @Option(help: "The authorization server's issuer (its metadata names the introspection endpoint and keys).")
    var issuer: String?

    @Option(name: .customLong("client-id"), help: "The resource server's client id at the authorization server.")
    var clientID: String?

    @Option(name: .customLong("client-secret"), help: "The client secret (prefer $INTROSPECTION_CLIENT_SECRET).")
    var clientSecret: String?

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(name: .customLong("audit-log"), help: "Append every signed answer from the authorization server here (JSON lines).")
    var auditLog: String?

    @Option(name: .customLong("key-archive"), help: "Record every fetched signing key here, for `introspection-jwt audit --keys`.")
    var keyArchive: String?

    func validate() throws {
        if !demo, issuer == nil || clientID == nil {
            throw ValidationError("Give --issuer and --client-id (and the secret), or --demo.")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        let demoServer: LocalAuthorizationServer?
        let options: IntrospectionClientOptions
        if demo {
            let secret = UUID().uuidString
            let server = try await LocalAuthorizationServer.start(client: .init(id: "rs-demo", secret: secret))
            demoServer = server
            options = IntrospectionClientOptions(issuer: server.issuer, clientID: "rs-demo", clientSecret: secret)
        } else {
            demoServer = nil
            guard let secret = clientSecret ?? ProcessInfo.processInfo.environment["INTROSPECTION_CLIENT_SECRET"] else {
                throw ValidationError("Give the client secret in $INTROSPECTION_CLIENT_SECRET or --client-secret.")
            }
            options = IntrospectionClientOptions(issuer: issuer, clientID: clientID ?? "", clientSecret: secret)
        }
        var clientOptions = options
        clientOptions.keyArchive = keyArchive.map { FileKeyArchive(path: $0) }
        let introspection = CachedIntrospection(
            client: IntrospectionClient(options: clientOptions),
            auditRecorder: auditLog.map { JSONLinesAuditRecorder(path: $0) })
        let authorizer = BearerTokenAuthorizer(introspection: introspection, realm: "orders-api")

        let app = Application(
            router: ExampleRoutes.router(authorizer),
            configuration: .init(address: .hostname(host, port: port), serverName: "example-resource-server"),
            onServerRunning: { channel in
                let url = "http://\(host):\(channel.localAddress?.port ?? port)"
                var lines = ["resource server listening on \(url)"]
                if let server = demoServer {
                    let token = server.issueAccessToken(scope: "orders:read")
                    lines += [
                        "demo authorization server: \(server.issuer) (client rs-demo)",
                        "demo token (scope orders:read, valid for an hour): \(token)",
                        "curl -i -H 'Authorization: Bearer \(token)' \(url)/orders",
                    ]
                }
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
        )
        try await app.runService()
        try await demoServer?.shutdown()
    }
}
