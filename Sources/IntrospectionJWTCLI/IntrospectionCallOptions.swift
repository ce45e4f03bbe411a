import ArgumentParser
import Foundation
import IntrospectionJWT
import IntrospectionRemoteKeys
import TokenIntrospectionClient

/// How to call the introspection endpoint and check its answers, shared by `introspect` and
/// `forward-auth`: the endpoint and keys (discovered from the issuer unless given), the format asked
/// for, and the checks of the default verifier. Client authentication (`--auth` and its keys) is in
/// ``ClientCredentialOptions``, which `conformance` shares too.
struct IntrospectionCallOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The introspection endpoint (default: discovered from the issuer).", valueName: "url"))
    var endpoint: String?

    @Option(name: .long, help: ArgumentHelp("The issuer's JWK Set URL (default: discovered from the issuer).", valueName: "url"))
    var jwks: String?

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

    /// The client options for `credentials`, with `secret` (from the option or the environment); a
    /// `ValidationError` (exit status 2) naming the bad option.
    func clientOptions(credentials: ClientCredentialOptions, secret: String?) throws -> IntrospectionClientOptions {
        let maximumAge = try PolicyOptions.seconds(maxAge, of: "--max-age", zero: .allowed)
        let skew = try PolicyOptions.seconds(clockSkew, of: "--clock-skew", zero: .allowed)
        let seconds = try PolicyOptions.seconds(timeout, of: "--timeout", zero: .refused)
        let allowed = try algorithms.map { try PolicyOptions.parseAlgorithms($0) } ?? SignatureAlgorithm.allSupported
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

    /// `--require-encryption` asks for something a JSON answer can never be (RFC 9701 §5).
    func checkEncryption(_ decryption: DecryptionOptions) throws {
        if decryption.requireEncryption, format == .json {
            throw ValidationError("--require-encryption needs --format jwt: a plain JSON answer is never encrypted (RFC 9701 §5).")
        }
    }
}
