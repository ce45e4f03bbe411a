import Foundation
public import IntrospectionJWT
import NIOConcurrencyHelpers

/// An OAuth 2.0 authorization server for tests and examples, on 127.0.0.1 over real sockets:
///
/// - `POST {issuer}/introspect`: RFC 7662 with HTTP Basic (the exact RFC 6749 §2.3.1 header is required),
///   `client_secret_post`, `private_key_jwt` (RFC 7523: the assertion's signature against the client's
///   registered key, `iss`, `sub`, `aud`, `exp`, `jti`, and a `jti` seen before refused) or, over TLS,
///   `tls_client_auth` (RFC 8705 §2.1: a certificate of the configured CA whose subject DN, SAN or
///   thumbprint is the client's); JSON answers, or RFC 9701 JWT answers when `Accept` asks for
///   `application/token-introspection+jwt`, signed with RS256, PS256, ES256 (or any algorithm
///   ``TestSigningKey`` signs); inactive answers are exactly `{"active":false}`;
/// - `GET {issuer}/jwks`: the published keys, with rotation (``rotateSigningKey(algorithm:retirePrevious:)``);
/// - `GET /.well-known/oauth-authorization-server{issuer path}`: RFC 8414 metadata.
///
/// A client that registered encryption (``Client/encryption``) gets every JWT answer signed, then
/// encrypted to its key (a nested JWT, RFC 9701 §5-6).
///
/// Reference tokens live in memory with their claims (``issueToken(claims:allowedClients:type:)``).
/// ``faults`` switches on deliberate deviations for testing clients and conformance checkers.
public final class LocalAuthorizationServer: StoppableServer {
    /// A registered client (a resource server that may introspect).
    public struct Client: Sendable {
        /// `client_id`.
        public var id: String
        /// `client_secret`.
        public var secret: String
        /// `aud` of the JWT responses this client receives (RFC 9701 §5); its id by default.
        public var audience: String
        /// The RFC 8414 authentication methods the client may use (`client_secret_basic`,
        /// `client_secret_post`, `private_key_jwt`, `tls_client_auth`).
        public var authenticationMethods: Set<String>
        /// How the client registered encrypted responses (RFC 9701 §6), or nil: signed-only answers.
        public var encryption: ClientEncryption?
        /// The key the client registered for `private_key_jwt` (its `jwks`): assertions must verify with
        /// its public half.
        public var assertionKey: TestSigningKey?
        /// How the client's certificate is recognised for `tls_client_auth` (RFC 8705 §2.1.2).
        public var certificateBinding: CertificateBinding?

        /// Makes a client. The methods default to both secret methods, with `private_key_jwt` when an
        /// assertion key is given and `tls_client_auth` when a certificate binding is.
        public init(
            id: String,
            secret: String,
            audience: String? = nil,
            authenticationMethods: Set<String>? = nil,
            encryption: ClientEncryption? = nil,
            assertionKey: TestSigningKey? = nil,
            certificateBinding: CertificateBinding? = nil
        ) {
            self.id = id
            self.secret = secret
            self.audience = audience ?? id
            var methods: Set<String> = ["client_secret_basic", "client_secret_post"]
            if assertionKey != nil { methods.insert("private_key_jwt") }
            if certificateBinding != nil { methods.insert("tls_client_auth") }
            self.authenticationMethods = authenticationMethods ?? methods
            self.encryption = encryption
            self.assertionKey = assertionKey
            self.certificateBinding = certificateBinding
        }
    }

    /// How the server knows a `tls_client_auth` client by its certificate (RFC 8705 §2.1.2), once the
    /// certificate chains to the server's ``TLSSettings/authority``.
    public enum CertificateBinding: Sendable, Hashable {
        /// `tls_client_auth_subject_dn`: the subject, as an RFC 4514 string, equal to this one.
        case subjectDN(String)
        /// `tls_client_auth_san_dns`, `_san_uri`, `_san_ip`, `_san_email`: a subject alternative name
        /// equal to this one.
        case alternativeName(TestCertificate.AlternativeName)
        /// One certificate pinned by its SHA-256 thumbprint (base64url, as `x5t#S256`).
        case thumbprint(String)

        /// Whether `certificate` is the one this binding names.
        func matches(_ certificate: TestCertificate) -> Bool {
            switch self {
            case .subjectDN(let name): certificate.subjectDN == name
            case .alternativeName(let name): certificate.alternativeNames.contains(name)
            case .thumbprint(let thumbprint): certificate.sha256Thumbprint == thumbprint
            }
        }
    }

    /// How the server speaks TLS.
    public struct TLSSettings: Sendable {
        /// The CA that issues the server's certificate (for 127.0.0.1) and that client certificates must
        /// chain to.
        public var authority: TestCertificateAuthority
        /// Publish `mtls_endpoint_aliases` with an `introspection_endpoint` of its own
        /// (`{issuer}/mtls/introspect`, RFC 8705 §5), served like the plain one.
        public var publishesMutualTLSAlias: Bool

        /// Makes TLS settings.
        public init(authority: TestCertificateAuthority, publishesMutualTLSAlias: Bool = false) {
            self.authority = authority
            self.publishesMutualTLSAlias = publishesMutualTLSAlias
        }
    }

    /// How the server starts.
    public struct Configuration: Sendable {
        /// The registered clients.
        public var clients: [Client]
        /// The algorithm of the first signing key.
        public var signingAlgorithm: SignatureAlgorithm
        /// The issuer's path after the host (e.g. `/tenant-a`), empty for a bare origin.
        public var issuerPath: String
        /// The faults active from the start.
        public var faults: Faults
        /// TLS (an `https` issuer, and `tls_client_auth`), or nil: plain HTTP.
        public var tls: TLSSettings?

        /// Makes a configuration.
        public init(
            clients: [Client],
            signingAlgorithm: SignatureAlgorithm = .es256,
            issuerPath: String = "",
            faults: Faults = .none,
            tls: TLSSettings? = nil
        ) {
            self.clients = clients
            self.signingAlgorithm = signingAlgorithm
            self.issuerPath = issuerPath
            self.faults = faults
            self.tls = tls
        }
    }

    /// A stored reference token.
    struct TokenRecord: Sendable {
        var claims: JSONObject
        var allowedClients: Set<String>?
        var revoked = false
        /// `access_token` or `refresh_token` (the RFC 7009 hint values).
        var type = "access_token"
    }

    /// A signing key and the algorithm it signs with.
    struct SigningKey: Sendable {
        let key: TestSigningKey
        let algorithm: SignatureAlgorithm
    }

    /// Everything that changes while the server runs.
    struct State: Sendable {
        var clients: [Client]
        var tokens: [String: TokenRecord] = [:]
        /// The published keys; the last one signs.
        var keys: [SigningKey]
        var faults: Faults
        var keyCount = 1
        /// Keys that sign but are never published (``Faults/signWithUnpublishedKey``).
        var unpublishedKeys: [SignatureAlgorithm: TestSigningKey] = [:]
        /// The `jti` of every accepted client assertion (`client id NUL jti`), with its `exp`.
        var assertionIDs: [String: Double] = [:]
    }

    let state: NIOLockedValueBox<State>
    let http: TestHTTPServer
    /// The issuer identifier: `http://127.0.0.1:<port>` plus the issuer path.
    public let issuer: String
    /// The issuer path (e.g. `/tenant-a`).
    let issuerPath: String
    /// The TLS settings, when the server speaks TLS.
    let tls: TLSSettings?

    private init(http: TestHTTPServer, issuerPath: String, tls: TLSSettings?, state: NIOLockedValueBox<State>) {
        self.http = http
        self.issuerPath = issuerPath
        self.tls = tls
        self.issuer = http.baseURL + issuerPath
        self.state = state
    }

    /// Starts a server on 127.0.0.1 with an ephemeral port.
    public static func start(_ configuration: Configuration) async throws -> LocalAuthorizationServer {
        let firstKey = SigningKey(key: makeKey(for: configuration.signingAlgorithm, keyID: "as-key-1"), algorithm: configuration.signingAlgorithm)
        let state = NIOLockedValueBox(State(clients: configuration.clients, keys: [firstKey], faults: configuration.faults))
        // The handler needs the server, which exists only once the port is known. It holds it weakly:
        // the server owns the HTTP server, which owns the handler, and a strong reference back would be
        // a cycle that keeps every server of a test run alive (LeakSanitizer reports it at exit).
        let box = NIOLockedValueBox(WeakReference<LocalAuthorizationServer>())
        let serverTLS = configuration.tls.map { settings in
            TestHTTPServer.TLS(certificate: settings.authority.issueLoopbackServerCertificate(), requestsClientCertificate: true)
        }
        let http = try await TestHTTPServer.start(tls: serverTLS) { request in
            guard let server = box.withLockedValue({ $0.object }) else { return .status(503) }
            return server.handle(request)
        }
        let server = LocalAuthorizationServer(http: http, issuerPath: configuration.issuerPath, tls: configuration.tls, state: state)
        box.withLockedValue { $0.object = server }
        return server
    }

    /// Starts a server with one client.
    public static func start(
        client: Client,
        signingAlgorithm: SignatureAlgorithm = .es256,
        issuerPath: String = "",
        faults: Faults = .none,
        tls: TLSSettings? = nil
    ) async throws -> LocalAuthorizationServer {
        try await start(Configuration(clients: [client], signingAlgorithm: signingAlgorithm, issuerPath: issuerPath, faults: faults, tls: tls))
    }

    /// Stops the server.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    // MARK: - Addresses

    /// The introspection endpoint.
    public var introspectionEndpoint: String { issuer + "/introspect" }
    /// The introspection endpoint's mutual-TLS alias (``TLSSettings/publishesMutualTLSAlias``).
    public var mutualTLSIntrospectionEndpoint: String { issuer + "/mtls/introspect" }
    /// The JWK Set.
    public var jwksURI: String { issuer + "/jwks" }
    /// Where RFC 8414 puts the metadata: the well-known path between the host and the issuer path.
    public var metadataURL: String { http.baseURL + "/.well-known/oauth-authorization-server" + issuerPath }

    // MARK: - Tokens, keys, faults

    /// Stores a reference token with `claims` (the RFC 7662 members of its active answer, `active` aside)
    /// and returns it. `allowedClients`, when set, limits which clients see it as active; `type` is the
    /// token's type as `token_type_hint` names it (`access_token`, `refresh_token`).
    @discardableResult
    public func issueToken(claims: JSONObject, allowedClients: Set<String>? = nil, type: String = "access_token") -> String {
        let token = Self.randomToken()
        storeToken(token, claims: claims, allowedClients: allowedClients, type: type)
        return token
    }

    /// Stores a reference token with the given members and returns it.
    @discardableResult
    public func issueToken(_ members: KeyValuePairs<String, JSONValue>, allowedClients: Set<String>? = nil) -> String {
        issueToken(claims: JSONObject(members: members.map { JSONObject.Member(name: $0.key, value: $0.value) }), allowedClients: allowedClients)
    }

    /// Realistic RFC 7662 members for an access token of this issuer, valid from a minute ago for `lifetime`
    /// seconds.
    public func accessTokenClaims(
        subject: String = "Z5O3upPC88QrAjx00dis",
        scope: String = "read write",
        clientID: String = "app-7",
        username: String = "jdoe",
        audience: String = "https://rs.example.com",
        lifetime: Int = 3600
    ) -> JSONObject {
        let now = Int(Date().timeIntervalSince1970)
        let members: KeyValuePairs<String, JSONValue> = [
            "scope": .string(scope),
            "client_id": .string(clientID),
            "username": .string(username),
            "token_type": .string("Bearer"),
            "exp": .number(JSONNumber(now + lifetime)),
            "iat": .number(JSONNumber(now - 60)),
            "nbf": .number(JSONNumber(now - 60)),
            "sub": .string(subject),
            "aud": .string(audience),
            "iss": .string(issuer),
            "jti": .string(Self.randomToken()),
        ]
        return JSONObject(members: members.map { JSONObject.Member(name: $0.key, value: $0.value) })
    }

    /// Stores an access token with ``accessTokenClaims(subject:scope:clientID:username:audience:lifetime:)``
    /// and returns it.
    @discardableResult
    public func issueAccessToken(scope: String = "read write", lifetime: Int = 3600) -> String {
        issueToken(claims: accessTokenClaims(scope: scope, lifetime: lifetime))
    }

    /// Stores a sender-constrained access token: its introspection answer has the `cnf` member of
    /// `confirmation` (`jkt` for DPoP, `x5t#S256` for a client certificate).
    @discardableResult
    public func issueAccessToken(scope: String = "read write", lifetime: Int = 3600, confirmation: TokenConfirmation) -> String {
        let claims = accessTokenClaims(scope: scope, lifetime: lifetime)
        return issueToken(claims: JSONObject(members: claims.members + [.init(name: "cnf", value: confirmation.json)]))
    }

    /// Stores `token` with `claims`, as a token of `type` (`access_token` by default).
    public func storeToken(_ token: String, claims: JSONObject, allowedClients: Set<String>? = nil, type: String = "access_token") {
        state.withLockedValue { $0.tokens[token] = TokenRecord(claims: claims, allowedClients: allowedClients, type: type) }
    }

    /// Revokes a token: from now on it is inactive.
    public func revoke(_ token: String) {
        state.withLockedValue { $0.tokens[token]?.revoked = true }
    }

    /// The active faults.
    public var faults: Faults {
        get { state.withLockedValue { $0.faults } }
        set { state.withLockedValue { $0.faults = newValue } }
    }

    /// Changes the active faults.
    public func updateFaults(_ change: (inout Faults) -> Void) {
        state.withLockedValue { change(&$0.faults) }
    }

    /// Makes a new signing key (with a new `kid`) and publishes it; the previous keys stay published
    /// unless `retirePrevious`. Returns the new key's `kid`.
    @discardableResult
    public func rotateSigningKey(algorithm: SignatureAlgorithm? = nil, retirePrevious: Bool = false) -> String {
        let number = state.withLockedValue { state -> Int in
            state.keyCount += 1
            return state.keyCount
        }
        let chosen = algorithm ?? currentAlgorithm
        let key = SigningKey(key: Self.makeKey(for: chosen, keyID: "as-key-\(number)"), algorithm: chosen)
        state.withLockedValue { state in
            if retirePrevious { state.keys.removeAll() }
            state.keys.append(key)
        }
        return key.key.keyID ?? ""
    }

    /// The `kid` of the key that signs now.
    public var currentKeyID: String { state.withLockedValue { $0.keys.last?.key.keyID ?? "" } }
    /// The algorithm that signs now.
    public var currentAlgorithm: SignatureAlgorithm { state.withLockedValue { $0.keys.last?.algorithm ?? .es256 } }

    /// The JWK Set document the server publishes.
    public var jwksDocument: String {
        let keys = state.withLockedValue { $0.keys }
        let jwks = keys.map { key in
            key.key.publicJWK(extra: ["alg": .string(key.algorithm.rawValue), "use": .string("sig")])
        }
        return JSONWriter.string(for: .object(JSONObject(members: [.init(name: "keys", value: .array(jwks))])))
    }

    // MARK: - Requests seen

    /// Every request received so far, in order.
    public var requests: [TestHTTPServer.Request] { http.receivedRequests }
    /// How many requests went to `path` (without the query), e.g. ``jwksPath``.
    public func requestCount(path: String) -> Int { http.requestCount(path: path) }
    /// The most introspection calls the server was handling at once (a delay from
    /// ``Faults/introspectionDelay`` counts as handling).
    public var peakConcurrentIntrospections: Int { http.peakConcurrentRequests(path: introspectionPath) }
    /// How many introspection calls arrived.
    public var introspectionCount: Int { http.requestCount(path: introspectionPath) }
    /// The path of the introspection endpoint.
    public var introspectionPath: String { issuerPath + "/introspect" }
    /// The path of the introspection endpoint's mutual-TLS alias.
    public var mutualTLSIntrospectionPath: String { issuerPath + "/mtls/introspect" }
    /// The path of the JWK Set.
    public var jwksPath: String { issuerPath + "/jwks" }

    // MARK: - Helpers

    static func makeKey(for algorithm: SignatureAlgorithm, keyID: String) -> TestSigningKey {
        switch algorithm {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: return TestSigningKey(.rsa(bits: 2048), keyID: keyID)
        case .es256: return TestSigningKey(.ec(.p256), keyID: keyID)
        case .es384: return TestSigningKey(.ec(.p384), keyID: keyID)
        case .es512: return TestSigningKey(.ec(.p521), keyID: keyID)
        case .edDSA: return TestSigningKey(.ed25519, keyID: keyID)
        }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return TestBase64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}


/// The confirmation (`cnf`, RFC 7800 §3.1) of a sender-constrained token, as its introspection answer
/// carries it.
public struct TokenConfirmation: Sendable, Hashable {
    /// `jkt`: the RFC 7638 thumbprint of the DPoP key the token is bound to (RFC 9449 §6.2).
    public var jwkThumbprint: String?
    /// `x5t#S256`: the base64url SHA-256 of the client certificate's DER (RFC 8705 §3.1).
    public var certificateThumbprint: String?

    /// A confirmation with either member or both.
    public init(jwkThumbprint: String? = nil, certificateThumbprint: String? = nil) {
        self.jwkThumbprint = jwkThumbprint
        self.certificateThumbprint = certificateThumbprint
    }

    /// A DPoP binding: `{"jkt": thumbprint}`.
    public static func dpop(_ thumbprint: String) -> TokenConfirmation { TokenConfirmation(jwkThumbprint: thumbprint) }

    /// A certificate binding: `{"x5t#S256": thumbprint}`.
    public static func certificate(_ thumbprint: String) -> TokenConfirmation { TokenConfirmation(certificateThumbprint: thumbprint) }

    /// The `cnf` object.
    public var json: JSONValue {
        var members: [JSONObject.Member] = []
        if let jwkThumbprint { members.append(.init(name: "jkt", value: .string(jwkThumbprint))) }
        if let certificateThumbprint { members.append(.init(name: "x5t#S256", value: .string(certificateThumbprint))) }
        return .object(JSONObject(members: members))
    }
}
