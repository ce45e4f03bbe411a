import Foundation
import HTTPTypes
public import IntrospectionAsyncHTTPClient
public import IntrospectionJWT
public import IntrospectionRemoteKeys

/// Checks an authorization server against RFC 9701 (JWT introspection responses), RFC 7662 and the
/// RFC 8414 metadata they rely on, by talking to it as a resource server would.
///
/// It discovers the metadata, fetches the JWK Set, then sends: a JWT request for the active token, one
/// for an inactive token, a plain JSON request, an unauthenticated request and one with a wrong secret.
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
        /// The client id of the resource server (HTTP Basic, RFC 6749 §2.3.1).
        public var clientID: String
        /// Its secret. Never part of a report.
        public var clientSecret: String
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
            allowedContentEncryptionAlgorithms: Set<ContentEncryptionAlgorithm> = ContentEncryptionAlgorithm.allSupported
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

    init(configuration: ConformanceChecker.Configuration, transport: any HTTPTransport, clock: any IntrospectionClock) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
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
        let endpoint = checkIntrospectionEndpoint(metadata)
        let jwksURI = checkJWKSURI(metadata)
        let algorithms = checkSigningAlgorithms(metadata)
        let encryptionAlgorithms = checkEncryptionAlgorithms(metadata)
        var keys: JWKSet? = nil
        if let jwksURI {
            keys = await checkJWKS(jwksURI)
        } else {
            skip(ConformanceChecks.jwksDocument, "no usable jwks_uri (metadata.jwks_uri)")
        }
        guard let endpoint else {
            skipRest(ConformanceChecks.all, "no usable introspection_endpoint (metadata.introspection_endpoint)")
            return
        }
        await checkActiveJWT(endpoint: endpoint, keys: keys, advertisedAlgorithms: algorithms, advertisedEncryption: encryptionAlgorithms)
        await checkInactive(endpoint: endpoint, keys: keys)
        await checkPlainJSON(endpoint: endpoint)
        await checkAuthentication(endpoint: endpoint)
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
    func send(_ request: ConformanceRequests.Request) async -> Result<Received, ReasonError> {
        guard let head = HTTPRequest(method: .post, urlString: request.endpoint, headerFields: request.headerFields) else {
            return .failure(ReasonError("request failed: \(HTTPTransportError.invalidURL.message)"))
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

    /// The basic `Authorization` header of the configured client.
    var basicAuthorization: String {
        FormURLEncoding.basicAuthorization(clientID: configuration.clientID, clientSecret: configuration.clientSecret)
    }
}
