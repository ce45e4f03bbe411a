import ArgumentParser
import Foundation
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import TokenIntrospectionClient

/// The options that name the authorization server and authenticate this resource server to it, shared by
/// `introspect` and `conformance` (and by any command that calls the introspection endpoint): the issuer,
/// the client id, and the credentials of the `--auth` method (a secret, a private key for
/// `private_key_jwt`, a certificate and its key for `tls_client_auth`), with the CA certificates that
/// the authorization server's TLS is checked against.
///
/// The secret may come from the environment so that it stays out of shell history; it is never printed
/// (`--decrypt-with-client-secret` derives decryption keys from it), and neither is a private key. Client
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

    @Option(name: .long, help: ArgumentHelp(
        "Client authentication: basic (client_secret_basic, the default), post (client_secret_post), private_key_jwt (an RFC 7523 assertion signed with --client-key) or tls_client_auth (--client-cert and --client-key on the TLS connection, RFC 8705).",
        valueName: "method"))
    var auth: AuthenticationOption = .basic

    @Option(name: .customLong("client-key"), help: ArgumentHelp(
        "The client's private key: for private_key_jwt a PEM file or a JWK (RSA, EC P-256/P-384/P-521, Ed25519); for tls_client_auth the PEM key of --client-cert.",
        valueName: "pem-or-jwk"))
    var clientKey: String?

    @Option(name: .customLong("client-cert"), help: ArgumentHelp(
        "The client certificate for tls_client_auth, PEM (followed by any intermediate certificates).", valueName: "pem"))
    var clientCert: String?

    @Option(name: .customLong("client-assertion-algorithm"), help: ArgumentHelp(
        "The JWS algorithm of private_key_jwt assertions (default: the key's: RS256 for RSA, ES256/ES384/ES512 by curve, EdDSA, or the JWK's alg).",
        valueName: "alg"))
    var clientAssertionAlgorithm: String?

    @Option(name: .customLong("client-assertion-audience"), help: ArgumentHelp(
        "The aud of private_key_jwt assertions (default: the issuer identifier).", valueName: "aud"))
    var clientAssertionAudience: String?

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp(
        "Trust these CA certificates (PEM) for the authorization server's TLS, instead of the system's (default: $SSL_CERT_FILE when set).", valueName: "pem"))
    var caCert: String?

    @Flag(name: .customLong("decrypt-with-client-secret"), help: ArgumentHelp(
        "Also decrypt with the keys OpenID Connect Core §10.2 derives from the client secret (A128KW ... A256KW, A*GCMKW, dir)."))
    var decryptWithClientSecret = false

    func validate() throws {
        switch auth {
        case .basic, .post:
            if clientKey != nil || clientCert != nil {
                throw ValidationError("--client-key and --client-cert are for --auth private_key_jwt and tls_client_auth, not \(auth.rawValue).")
            }
        case .privateKeyJWT:
            guard clientKey != nil else { throw ValidationError("--auth private_key_jwt needs --client-key.") }
            if clientCert != nil { throw ValidationError("--client-cert is for --auth tls_client_auth, not private_key_jwt.") }
        case .tlsClientAuth:
            guard clientCert != nil, clientKey != nil else { throw ValidationError("--auth tls_client_auth needs --client-cert and --client-key.") }
        }
        if auth != .privateKeyJWT, clientAssertionAlgorithm != nil || clientAssertionAudience != nil {
            throw ValidationError("--client-assertion-algorithm and --client-assertion-audience are for --auth private_key_jwt.")
        }
        _ = try assertionAlgorithm()
    }

    /// The secret from `--client-secret`, else from the environment; a usage error when neither gives one.
    func secret() throws -> String {
        guard let secret = clientSecret ?? ProcessInfo.processInfo.environment[Self.secretVariable], !secret.isEmpty else {
            throw ValidationError("No client secret: give --client-secret or set \(Self.secretVariable).")
        }
        return secret
    }

    /// The secret when the method sends it or `--decrypt-with-client-secret` needs it (a usage error when
    /// there is none), else whatever was given (nil when nothing was).
    func secretIfNeeded() throws -> String? {
        if auth.method.usesClientSecret || decryptWithClientSecret { return try secret() }
        return clientSecret ?? ProcessInfo.processInfo.environment[Self.secretVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `--client-assertion-algorithm`, when given; a usage error for a name that is not a supported JWS
    /// algorithm.
    func assertionAlgorithm() throws -> SignatureAlgorithm? {
        guard let clientAssertionAlgorithm else { return nil }
        guard let algorithm = SignatureAlgorithm(rawValue: clientAssertionAlgorithm) else {
            throw ValidationError(
                "--client-assertion-algorithm: \(clientAssertionAlgorithm) is not one of \(SignatureAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return algorithm
    }

    /// The credentials of `--auth`, loaded from their files once: the assertion maker of
    /// `private_key_jwt` or the certificate of `tls_client_auth`. A file that cannot be used is reported
    /// on standard error (`error: signing_key_unavailable: …`, `error: client_certificate_unusable: …`)
    /// and ends the run with exit status 2 before any request.
    func clientAuthentication(transport: AsyncHTTPClientTransport) throws -> (assertion: ClientAssertion?, certificate: TLSClientCertificate?) {
        switch auth {
        case .basic, .post:
            return (nil, nil)
        case .privateKeyJWT:
            guard let clientKey else { return (nil, nil) }
            let code = IntrospectionJWTError.Code.signingKeyUnavailable
            let bytes = try Self.read(clientKey, kind: "client key", code: code.rawValue)
            do throws(IntrospectionJWTError) {
                let key = try JWTSigningKey(fileContents: bytes)
                return (try ClientAssertion(key: key, algorithm: try? assertionAlgorithm()), nil)
            } catch {
                throw Self.failure("\(error.code): \(clientKey): \(error.message)")
            }
        case .tlsClientAuth:
            guard let clientCert, let clientKey else { return (nil, nil) }
            let code = HTTPTransportError.Code.clientCertificateUnusable.rawValue
            let certificate = TLSClientCertificate(
                certificateChainPEM: try Self.read(clientCert, kind: "client certificate", code: code),
                privateKeyPEM: try Self.read(clientKey, kind: "client key", code: code))
            do throws(HTTPTransportError) {
                // Parsed here once, so that a bad file ends the run before any request.
                _ = try transport.presenting(certificate)
            } catch {
                throw Self.failure("\(code): \(clientCert): \(error.message)")
            }
            return (nil, certificate)
        }
    }

    /// Sets the method and the credentials of `--auth` on `options`, and returns the transport the calls
    /// go through (trusting `--ca-cert`; the certificate of `tls_client_auth` is checked with it). A file
    /// that cannot be used ends the run with exit status 2 before any request.
    func authenticate(_ options: inout IntrospectionClientOptions) throws -> AsyncHTTPClientTransport {
        let transport = try transport()
        let (assertion, certificate) = try clientAuthentication(transport: transport)
        options.authenticationMethod = auth.method
        options.clientAssertion = assertion
        options.clientAssertionAudience = clientAssertionAudience
        options.clientCertificate = certificate
        return transport
    }

    /// The transport of every request: the default one, trusting the `--ca-cert` (or `$SSL_CERT_FILE`)
    /// certificates instead of the system's when given (a file that cannot be used ends the run with exit
    /// status 2).
    func transport() throws -> AsyncHTTPClientTransport {
        // $SSL_CERT_FILE names a CA bundle as it does for OpenSSL and curl; an empty one counts as unset.
        let environment = ProcessInfo.processInfo.environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        guard let caCert = caCert ?? environment else { return AsyncHTTPClientTransport() }
        let pem = try Self.read(caCert, kind: "CA certificate", code: "ca_certificates_unusable")
        do throws(HTTPTransportError) {
            return try AsyncHTTPClientTransport(trustingCertificatesPEM: pem)
        } catch {
            throw Self.failure("ca_certificates_unusable: \(caCert): \(error.message)")
        }
    }

    /// A key or certificate file (at most 1 MiB); one that cannot be read ends the run with `code`.
    private static func read(_ path: String, kind: String, code: String) throws -> [UInt8] {
        do {
            return Array(try KeyLoading.readFile(path, kind: kind, limit: 1 << 20))
        } catch {
            throw failure("\(code): \(error)")
        }
    }

    /// Writes `error: <message>` to standard error; the exit status 2 to throw.
    private static func failure(_ message: String) -> ExitCode {
        StandardError.write("error: \(message)")
        return ExitCode(ExitStatus.usageOrConfiguration)
    }
}

/// `--auth`: the client authentication method.
enum AuthenticationOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case basic
    case post
    case privateKeyJWT = "private_key_jwt"
    case tlsClientAuth = "tls_client_auth"

    var method: ClientAuthenticationMethod {
        switch self {
        case .basic: .clientSecretBasic
        case .post: .clientSecretPost
        case .privateKeyJWT: .privateKeyJWT
        case .tlsClientAuth: .tlsClientAuth
        }
    }
}
