import Foundation
import IntrospectionJWT
import IntrospectionTesting
import TokenIntrospectionClient

/// The resource server registered at every local authorization server: its id and secret need
/// form-encoding (RFC 6749 §2.3.1), so a client that skips it fails Basic authentication.
let resourceServer = LocalAuthorizationServer.Client(id: "rs:1 é/+", secret: "s3cr%t &=+:é")

/// Runs `body` against a fresh local authorization server, shutting it down afterwards.
func withLocalServer<T>(
    algorithm: SignatureAlgorithm = .es256,
    faults: LocalAuthorizationServer.Faults = .none,
    issuerPath: String = "",
    _ body: (LocalAuthorizationServer) async throws -> T
) async throws -> T {
    try await LocalAuthorizationServer.start(
        client: resourceServer, signingAlgorithm: algorithm, issuerPath: issuerPath, faults: faults
    ).shuttingDown(after: body)
}

/// A client of `server` that discovers the endpoint and keys from the issuer.
func makeClient(
    _ server: LocalAuthorizationServer,
    format: IntrospectionResponseFormat = .jwt,
    method: ClientAuthenticationMethod = .clientSecretBasic,
    clientID: String = resourceServer.id,
    clientSecret: String? = resourceServer.secret,
    validator: (any IntrospectionResponseValidator)? = nil,
    timeout: Duration = .seconds(5)
) -> IntrospectionClient {
    IntrospectionClient(options: IntrospectionClientOptions(
        issuer: server.issuer,
        clientID: clientID,
        clientSecret: clientSecret,
        authenticationMethod: method,
        responseFormat: format,
        responseValidator: validator,
        timeout: timeout
    ))
}

/// A validator that records whether it was ever asked, and refuses everything.
actor CountingValidator: IntrospectionResponseValidator {
    private(set) var calls = 0

    func validate(_ jwt: String, at time: Date) async throws(IntrospectionJWTError) -> ValidatedIntrospectionJWT {
        calls += 1
        throw IntrospectionJWTError(.badSignature, "this validator refuses everything")
    }
}
