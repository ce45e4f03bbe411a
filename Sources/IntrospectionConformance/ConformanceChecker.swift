import Foundation
import HTTPTypes
public import IntrospectionAsyncHTTPClient
public import IntrospectionJWT
public import IntrospectionRemoteKeys
public import TokenIntrospectionClient

/// Checks an authorization server against RFC 9701 (JWT introspection responses), RFC 7662 and the
/// RFC 8414 metadata they rely on, by talking to it as a resource server would.
///
/// It discovers the metadata, fetches the JWK Set, then sends: a JWT request for the active token, one
/// for an inactive token, two with a `token_type_hint` that does not fit the token, a plain JSON request,
/// an unauthenticated request and one with wrong credentials (with `private_key_jwt`, also a replayed
/// assertion). It authenticates as ``Configuration/authenticationMethod`` says (HTTP Basic by default).
/// Given the resource server's decryption keys (``Configuration/decryptionKeys``), it expects the JWT
/// answers encrypted, decrypts them and checks the signed JWT inside.
/// Each finding is a ``ConformanceCheck`` of ``ConformanceChecks/all``; a check whose input is missing
/// because an earlier check failed is skipped with a reason, never guessed.
///
/// ```swift
/// let checker = ConformanceChecker(configuration: .init(
///     issuer: "https://as.example.com", clientID: "rs", clientSecret: secret, activeToken: token))
/// let report = await checker.run()
/// if !report.allMustsPass { print(report.text) }
/// ```
public struct ConformanceChecker: Sendable {
    /// What to check and with which credentials.
    public struct Configuration: Sendable {
        /// The issuer identifier of the authorization server.
        public var issuer: String
        /// The client id of the resource server.
        public var clientID: String
        /// Its secret, for `client_secret_basic` and `client_secret_post` (empty for the other methods).
        /// Never part of a report.
        public var clientSecret: String
        /// How the checker authenticates (`client_secret_basic` by default; `client_secret_post`,
        /// `private_key_jwt` with ``clientAssertion``, `tls_client_auth` with ``clientCertificate``).
        public var authenticationMethod: ClientAuthenticationMethod
        /// The client's key and algorithm for `private_key_jwt`: every request gets a fresh assertion.
        public var clientAssertion: ClientAssertion?
        /// The `aud` of those assertions; nil: the issuer identifier.
        public var clientAssertionAudience: String?
        /// The certificate presented for `tls_client_auth`; the transport must be a
        /// `ClientCertificateTransport` (the default one is).
        public var clientCertificate: TLSClientCertificate?
        /// A token the server considers active for this client.
        public var activeToken: String
        /// A token the server considers inactive; a random string when nil.
        public var inactiveToken: String?
        /// An accepted `aud` besides the client id.
        public var audience: String?
        /// The timeout of each HTTP request.
        public var timeout: Duration
        /// How far the response's `iat` may be from the local clock.
        public var issuedAtTolerance: Duration
        /// The resource server's decryption keys. When set (even to an empty set), the resource server
        /// registered encryption (RFC 9701 §6): the `jwe.*` checks expect encrypted answers and decrypt
        /// them, and the `jwt.*` checks run on the signed JWT inside. When nil they are skipped, and an
        /// encrypted answer fails `jwt.compact`.
        public var decryptionKeys: DecryptionKeySet?
        /// The JWE `alg` values the resource server accepts (`jwe.decrypts`); every supported one by default.
        public var allowedKeyManagementAlgorithms: Set<KeyManagementAlgorithm>
        /// The JWE `enc` values the resource server accepts (`jwe.decrypts`); every supported one by default.
        public var allowedContentEncryptionAlgorithms: Set<ContentEncryptionAlgorithm>

        /// Makes a configuration.
        public init(
            issuer: String,
            clientID: String,
            clientSecret: String,
            activeToken: String,
            inactiveToken: String? = nil,
            audience: String? = nil,
            timeout: Duration = .seconds(10),
            issuedAtTolerance: Duration = .seconds(60),
            decryptionKeys: DecryptionKeySet? = nil,
            allowedKeyManagementAlgorithms: Set<KeyManagementAlgorithm> = KeyManagementAlgorithm.allSupported,
            allowedContentEncryptionAlgorithms: Set<ContentEncryptionAlgorithm> = ContentEncryptionAlgorithm.allSupported,
            authenticationMethod: ClientAuthenticationMethod = .clientSecretBasic,
            clientAssertion: ClientAssertion? = nil,
            clientAssertionAudience: String? = nil,
            clientCertificate: TLSClientCertificate? = nil
        ) {
            self.issuer = issuer
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.activeToken = activeToken
            self.inactiveToken = inactiveToken
            self.audience = audience
            self.timeout = timeout
            self.issuedAtTolerance = issuedAtTolerance
            self.decryptionKeys = decryptionKeys
            self.allowedKeyManagementAlgorithms = allowedKeyManagementAlgorithms
            self.allowedContentEncryptionAlgorithms = allowedContentEncryptionAlgorithms
            self.authenticationMethod = authenticationMethod
            self.clientAssertion = clientAssertion
            self.clientAssertionAudience = clientAssertionAudience
            self.clientCertificate = clientCertificate
        }
    }

    /// What to check.
    public let configuration: Configuration
    let transport: any HTTPTransport
    let clock: any IntrospectionClock

    /// Makes a checker that sends its requests through `transport` (`AsyncHTTPClientTransport` by
    /// default) and reads the local time from `clock`.
    public init(
        configuration: Configuration,
        transport: any HTTPTransport = AsyncHTTPClientTransport(),
        clock: any IntrospectionClock = .system
    ) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
    }

    /// Runs every check and returns the report. It never throws: a failed request is a failed check.
    public func run() async -> ConformanceReport {
        let run = ConformanceRun(configuration: configuration, transport: transport, clock: clock)
        await run.execute()
        return run.report()
    }
}

/// One run of the checks: the outcomes so far and what later checks need from earlier ones.
final class ConformanceRun {
    let configuration: ConformanceChecker.Configuration
    let transport: any HTTPTransport
    let clock: any IntrospectionClock
    private var outcomes: [String: (outcome: ConformanceOutcome, reason: String)] = [:]
    var metadataURL: String?
    /// The transport of authenticated introspection requests: one that presents the client certificate
    /// for `tls_client_auth`, else ``transport``; or why there is none.
    let authenticatedTransport: Result<any HTTPTransport, ReasonError>

    init(configuration: ConformanceChecker.Configuration, transport: any HTTPTransport, clock: any IntrospectionClock) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.authenticatedTransport = Self.authenticatedTransport(configuration: configuration, transport: transport)
    }

    private static func authenticatedTransport(
        configuration: ConformanceChecker.Configuration,
        transport: any HTTPTransport
    ) -> Result<any HTTPTransport, ReasonError> {
        guard configuration.authenticationMethod == .tlsClientAuth else { return .success(transport) }
        guard let certificate = configuration.clientCertificate else {
            return .failure(ReasonError("tls_client_auth needs the client certificate"))
        }
        guard let capable = transport as? any ClientCertificateTransport else {
            return .failure(ReasonError("tls_client_auth needs a transport that presents client certificates"))
        }
        do throws(HTTPTransportError) {
            return .success(try capable.presenting(certificate))
        } catch {
            return .failure(ReasonError("the client certificate cannot be used: \(error.message)"))
        }
    }

    /// The checks in catalogue order; a check that was never reached is a skip.
    func report() -> ConformanceReport {
        let checks = ConformanceChecks.all.map { definition in
            let result = outcomes[definition.id] ?? (.skip, "not reached")
            return ConformanceCheck(definition, result.outcome, result.reason)
        }
        return ConformanceReport(issuer: configuration.issuer, metadataURL: metadataURL, checks: checks)
    }

    // MARK: - Recording

    func pass(_ check: ConformanceCheckDefinition, _ reason: String) { record(check, .pass, reason) }
    func fail(_ check: ConformanceCheckDefinition, _ reason: String) { record(check, .fail, reason) }
    func skip(_ check: ConformanceCheckDefinition, _ reason: String) { record(check, .skip, reason) }

    /// Records `outcome` once per check; later calls for the same check are ignored.
    func record(_ check: ConformanceCheckDefinition, _ outcome: ConformanceOutcome, _ reason: String) {
        if outcomes[check.id] == nil { outcomes[check.id] = (outcome, reason) }
    }

    /// Records pass or fail from a result.
    func record(_ check: ConformanceCheckDefinition, _ result: Result<String, ReasonError>) {
        switch result {
        case .success(let reason): pass(check, reason)
        case .failure(let error): fail(check, error.reason)
        }
    }

    /// Skips every check of `checks` not yet recorded.
    func skipRest(_ checks: [ConformanceCheckDefinition], _ reason: String) {
        for check in checks { skip(check, reason) }
    }

    /// Whether `check` passed.
    func passed(_ check: ConformanceCheckDefinition) -> Bool { outcomes[check.id]?.outcome == .pass }

    /// The first of `checks` that did not pass.
    func firstNotPassed(_ checks: [ConformanceCheckDefinition]) -> ConformanceCheckDefinition? {
        checks.first { !passed($0) }
    }

    // MARK: - The run

    func execute() async {
        guard let metadata = await checkMetadata() else {
            skipRest(ConformanceChecks.all, "the metadata cannot be used (metadata.issuer)")
            return
        }
        var endpoint = checkIntrospectionEndpoint(metadata)
        let jwksURI = checkJWKSURI(metadata)
        let algorithms = checkSigningAlgorithms(metadata)
        checkAuthenticationMethods(metadata)
        let encryptionAlgorithms = checkEncryptionAlgorithms(metadata)
        var keys: JWKSet? = nil
        if let jwksURI {
            keys = await checkJWKS(jwksURI)
        } else {
            skip(ConformanceChecks.jwksDocument, "no usable jwks_uri (metadata.jwks_uri)")
        }
        if endpoint != nil, let alias = mutualTLSAlias(metadata) { endpoint = alias }
        guard let endpoint else {
            skipRest(ConformanceChecks.all, "no usable introspection_endpoint (metadata.introspection_endpoint)")
            return
        }
        await checkActiveJWT(endpoint: endpoint, keys: keys, advertisedAlgorithms: algorithms, advertisedEncryption: encryptionAlgorithms)
        await checkInactive(endpoint: endpoint, keys: keys)
        await checkTokenTypeHints(endpoint: endpoint)
        await checkPlainJSON(endpoint: endpoint)
        await checkAuthentication(endpoint: endpoint)
        await checkAssertionReplay(endpoint: endpoint)
    }

    /// With `tls_client_auth`, the `mtls_endpoint_aliases.introspection_endpoint` of the metadata when it is
    /// a usable URL (RFC 8705 §5): the endpoint a mutual-TLS client calls.
    private func mutualTLSAlias(_ metadata: JSONObject) -> String? {
        guard configuration.authenticationMethod == .tlsClientAuth,
            let alias = metadata["mtls_endpoint_aliases"]?.objectValue?["introspection_endpoint"]?.stringValue,
            HTTPURLPolicy.refusal(for: alias) == nil
        else { return nil }
        return alias
    }

    // MARK: - HTTP

    /// An answer as the checks read it.
    struct Received {
        /// The status code.
        let status: Int
        /// The header fields.
        let headerFields: HTTPFields
        /// The body.
        let body: [UInt8]

        /// The essence of `Content-Type` (`application/json`), or nil.
        var mediaType: String? {
            headerFields[.contentType].map(MediaType.essence(of:)).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Sends one introspection request (no redirects followed); a transport failure is a one-line reason.
    /// An authenticated request goes through ``authenticatedTransport``.
    func send(_ request: ConformanceRequests.Request) async -> Result<Received, ReasonError> {
        guard let head = HTTPRequest(method: .post, urlString: request.endpoint, headerFields: request.headerFields) else {
            return .failure(ReasonError("request failed: \(HTTPTransportError.invalidURL.message)"))
        }
        let transport: any HTTPTransport
        switch request.isAuthenticated ? authenticatedTransport : .success(self.transport) {
        case .success(let value): transport = value
        case .failure(let error): return .failure(error)
        }
        do {
            let answer = try await transport.sendOnce(head, body: request.body, timeout: configuration.timeout, maximumBodyByteCount: 1 << 20)
            return .success(Received(status: answer.response.status.code, headerFields: answer.response.headerFields, body: answer.body))
        } catch {
            return .failure(ReasonError("request failed: \(error.message)"))
        }
    }

    /// `status N`, with the OAuth `error` code of a JSON body when there is one.
    static func describeStatus(_ response: Received) -> String {
        var text = "status \(response.status)"
        if let object = (try? JSONValue(parsing: response.body))?.objectValue, let code = object["error"]?.stringValue {
            text += " (error \"\(code)\")"
        } else if response.body.isEmpty {
            text += ", empty body"
        }
        return text
    }

    /// The configured client's credentials for one request: fresh each time (a new assertion for
    /// `private_key_jwt`), or the reason they cannot be made.
    func credentials() -> Result<ConformanceRequests.Credentials, ReasonError> {
        let clientID = configuration.clientID
        switch configuration.authenticationMethod {
        case .clientSecretPost:
            return .success(.form([("client_id", clientID), ("client_secret", configuration.clientSecret)]))
        case .privateKeyJWT:
            return assertion().map { .form([("client_id", clientID), ("client_assertion_type", ClientAssertion.assertionType), ("client_assertion", $0)]) }
        case .tlsClientAuth:
            return .success(.form([("client_id", clientID)]))
        case .none:
            return .success(.none)
        default:
            return .success(.basic(FormURLEncoding.basicAuthorization(clientID: clientID, clientSecret: configuration.clientSecret)))
        }
    }

    /// A fresh client assertion (RFC 7523 §2.2), issued at the clock's time.
    func assertion() -> Result<String, ReasonError> {
        guard let clientAssertion = configuration.clientAssertion else {
            return .failure(ReasonError("private_key_jwt needs the client's key"))
        }
        do throws(IntrospectionJWTError) {
            return .success(try clientAssertion.make(
                clientID: configuration.clientID, audience: configuration.clientAssertionAudience ?? configuration.issuer, now: clock.now))
        } catch {
            return .failure(ReasonError("the client assertion could not be signed: \(error.message)"))
        }
    }

    /// An introspection request for `token` with the configured credentials, or why it cannot be made.
    func authenticatedRequest(
        endpoint: String,
        token: String,
        accept: String,
        extraParameters: [(String, String)] = []
    ) -> Result<ConformanceRequests.Request, ReasonError> {
        credentials().map { credentials in
            ConformanceRequests.introspection(
                endpoint: endpoint, token: token, accept: accept, credentials: credentials, extraParameters: extraParameters)
        }
    }

    /// Sends an authenticated request for `token`.
    func sendAuthenticated(
        endpoint: String,
        token: String,
        accept: String,
        extraParameters: [(String, String)] = []
    ) async -> Result<Received, ReasonError> {
        switch authenticatedRequest(endpoint: endpoint, token: token, accept: accept, extraParameters: extraParameters) {
        case .success(let request): await send(request)
        case .failure(let error): .failure(error)
        }
    }
}
