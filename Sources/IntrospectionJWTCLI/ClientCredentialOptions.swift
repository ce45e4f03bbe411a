import ArgumentParser
import Foundation

/// The options that name the authorization server and authenticate this resource server to it, shared by
/// `introspect` and `conformance`. The secret may come from the environment so that it stays out of shell
/// history; it is never printed (`--decrypt-with-client-secret` derives decryption keys from it). Client
/// ids, secrets and tokens are opaque strings that may start with `-`, so their options take the next
/// argument whatever it looks like.
struct ClientCredentialOptions: ParsableArguments {
    /// The environment variable that holds the client secret.
    static let secretVariable = "INTROSPECTION_CLIENT_SECRET"

    @Option(name: .long, help: ArgumentHelp("The authorization server's issuer identifier.", valueName: "iss"))
    var issuer: String

    @Option(name: .customLong("client-id"), parsing: .unconditional, help: ArgumentHelp("The client identifier of this resource server.", valueName: "id"))
    var clientID: String

    @Option(name: .customLong("client-secret"), parsing: .unconditional, help: ArgumentHelp("The client secret (prefer $\(ClientCredentialOptions.secretVariable)).", valueName: "secret"))
    var clientSecret: String?

    @Flag(name: .customLong("decrypt-with-client-secret"), help: ArgumentHelp(
        "Also decrypt with the keys OpenID Connect Core §10.2 derives from the client secret (A128KW ... A256KW, A*GCMKW, dir)."))
    var decryptWithClientSecret = false

    /// The secret from `--client-secret`, else from the environment; a usage error when neither gives one.
    func secret() throws -> String {
        guard let secret = clientSecret ?? ProcessInfo.processInfo.environment[Self.secretVariable], !secret.isEmpty else {
            throw ValidationError("No client secret: give --client-secret or set \(Self.secretVariable).")
        }
        return secret
    }
}
