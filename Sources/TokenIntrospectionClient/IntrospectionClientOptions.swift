public import IntrospectionJWT
public import IntrospectionRemoteKeys

/// How an ``IntrospectionClient`` reaches the authorization server and what it asks for.
///
/// The client secret is kept out of every description of the options (`print`, `dump`, string
/// interpolation), so that logging the options never logs the secret.
public struct IntrospectionClientOptions: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The authorization server's issuer identifier. It is used to discover the introspection endpoint
    /// and the signing keys (RFC 8414), and it is the `iss` a JWT response must carry (RFC 9701 §5).
    /// Required unless ``endpoint`` is set and no JWT response is verified by the default verifier.
    public var issuer: String?
    /// The introspection endpoint. When nil it is discovered from ``issuer``'s metadata
    /// (`introspection_endpoint`).
    public var endpoint: String?
    /// The client identifier the client authenticates with.
    public var clientID: String
    /// The client secret (for ``ClientAuthenticationMethod/clientSecretBasic`` and
    /// ``ClientAuthenticationMethod/clientSecretPost``). Never printed.
    public var clientSecret: String?
    /// How the client authenticates to the introspection endpoint: HTTP Basic by default.
    public var authenticationMethod: ClientAuthenticationMethod
    /// How the assertions of ``ClientAuthenticationMethod/privateKeyJWT`` are made: the client's key,
    /// the algorithm, the lifetime (60 s at most). Each call sends a fresh one, with a new `jti`, issued at
    /// the time of the client's clock. Never printed beyond the key's `kid`, type and size.
    public var clientAssertion: ClientAssertion?
    /// The `aud` of those assertions; nil: the ``issuer`` identifier (RFC 7523 §3 lets the audience be the
    /// authorization server's issuer identifier; the endpoint's URL is the other common choice).
    public var clientAssertionAudience: String?
    /// The certificate presented for ``ClientAuthenticationMethod/tlsClientAuth`` (RFC 8705 §2.1). The
    /// client's transport must be a `ClientCertificateTransport` (the default one is). When the issuer's
    /// metadata publishes `mtls_endpoint_aliases` with an `introspection_endpoint`, that alias is called
    /// instead of the plain endpoint (RFC 8705 §5). Its private key is never printed.
    public var clientCertificate: TLSClientCertificate?
    /// The longest wait a `Retry-After` of a `429` or `503` from the introspection endpoint can impose:
    /// a longer one is cut to this (5 minutes by default), so that a mistaken or hostile value cannot take
    /// the resource server offline for days.
    public var maximumRetryAfter: Duration
    /// What the client asks for: a plain JSON object (RFC 7662) or a signed JWT (RFC 9701).
    public var responseFormat: IntrospectionResponseFormat
    /// What checks a JWT response. When nil and the format is ``IntrospectionResponseFormat/jwt``, the
    /// client builds the full `IntrospectionResponseVerifier` from the issuer's metadata: keys from its
    /// `jwks_uri` (or ``jwksURI``), `iss` equal to ``issuer``, `aud` among ``audiences``. There is no
    /// format-only default: an unverified JWT is never reported as a success.
    public var responseValidator: (any IntrospectionResponseValidator)?
    /// The JWK Set of the issuer, when it should not be discovered (default verifier only).
    public var jwksURI: String?
    /// How the default verifier's remote JWK Set is cached and refreshed (a key rotation is picked up
    /// when a response names an unknown `kid`, within the configuration's rate limit).
    public var keySourceConfiguration: RemoteJWKSConfiguration
    /// The audiences the default verifier accepts in `aud`; nil means ``clientID`` (RFC 9701 §5 leaves the
    /// identifier to the deployment; the client identifier is the common choice).
    public var audiences: [String]?
    /// The algorithms the default verifier accepts. When the issuer's metadata publishes
    /// `introspection_signing_alg_values_supported`, only algorithms in both sets are accepted.
    public var allowedAlgorithms: Set<SignatureAlgorithm>
    /// How old a JWT response (its `iat`) may be, for the default verifier.
    public var maximumAge: Duration
    /// The clock skew the default verifier tolerates.
    public var clockSkew: Duration
    /// The longest an introspection call (and each discovery or key request) may take.
    public var timeout: Duration
    /// Responses with larger bodies are refused.
    public var maximumResponseByteCount: Int
    /// Where the default verifier's key source records every key it fetches (`FileKeyArchive`), so
    /// that stored responses can be audited after the keys have rotated away; nil records nothing.
    public var keyArchive: (any KeyArchive)?
    /// How the default verifier decrypts encrypted responses (RFC 9701 §5-6); nil: none is expected, and
    /// an encrypted answer fails with `decryption_failed`. Once given, a signed-only answer is a downgrade
    /// unless ``ResponseDecryptionOptions/requiresEncryption`` is turned off.
    public var decryption: ResponseDecryptionOptions?

    /// The default timeout: 10 seconds.
    public static let defaultTimeout: Duration = .seconds(10)
    /// The default body limit: 256 KiB.
    public static let defaultMaximumResponseByteCount = 256 * 1024
    /// The default cap on a `Retry-After`: 5 minutes.
    public static let defaultMaximumRetryAfter: Duration = .seconds(300)

    /// Makes options. Give `endpoint`, `issuer`, or both.
    public init(
        issuer: String? = nil,
        endpoint: String? = nil,
        clientID: String,
        clientSecret: String? = nil,
        authenticationMethod: ClientAuthenticationMethod = .clientSecretBasic,
        responseFormat: IntrospectionResponseFormat = .jwt,
        responseValidator: (any IntrospectionResponseValidator)? = nil,
        jwksURI: String? = nil,
        keySourceConfiguration: RemoteJWKSConfiguration = RemoteJWKSConfiguration(),
        audiences: [String]? = nil,
        allowedAlgorithms: Set<SignatureAlgorithm> = SignatureAlgorithm.allSupported,
        maximumAge: Duration = VerificationPolicy.defaultMaximumAge,
        clockSkew: Duration = VerificationPolicy.defaultClockSkew,
        timeout: Duration = defaultTimeout,
        maximumResponseByteCount: Int = defaultMaximumResponseByteCount,
        keyArchive: (any KeyArchive)? = nil,
        decryption: ResponseDecryptionOptions? = nil,
        clientAssertion: ClientAssertion? = nil,
        clientAssertionAudience: String? = nil,
        clientCertificate: TLSClientCertificate? = nil,
        maximumRetryAfter: Duration = defaultMaximumRetryAfter
    ) {
        self.issuer = issuer
        self.endpoint = endpoint
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authenticationMethod = authenticationMethod
        self.responseFormat = responseFormat
        self.responseValidator = responseValidator
        self.jwksURI = jwksURI
        self.keySourceConfiguration = keySourceConfiguration
        self.audiences = audiences
        self.allowedAlgorithms = allowedAlgorithms
        self.maximumAge = maximumAge
        self.clockSkew = clockSkew
        self.timeout = timeout
        self.maximumResponseByteCount = maximumResponseByteCount
        self.keyArchive = keyArchive
        self.decryption = decryption
        self.clientAssertion = clientAssertion
        self.clientAssertionAudience = clientAssertionAudience
        self.clientCertificate = clientCertificate
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// The audiences the default verifier accepts.
    var effectiveAudiences: [String] { audiences ?? [clientID] }

    public var description: String {
        var parts: [String] = []
        if let issuer { parts.append("issuer: \(issuer)") }
        if let endpoint { parts.append("endpoint: \(endpoint)") }
        parts.append("clientID: \(clientID)")
        parts.append("clientSecret: \(clientSecret == nil ? "none" : "<redacted>")")
        parts.append("authenticationMethod: \(authenticationMethod)")
        if let clientAssertion { parts.append("clientAssertion: \(clientAssertion.algorithm) with \(clientAssertion.key)") }
        if let clientCertificate { parts.append("clientCertificate: \(clientCertificate)") }
        parts.append("responseFormat: \(responseFormat)")
        return "IntrospectionClientOptions(" + parts.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }

    /// A mirror without the secret, so that `dump` cannot print it either.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "issuer": issuer as Any,
            "endpoint": endpoint as Any,
            "clientID": clientID,
            "clientSecret": clientSecret == nil ? "none" : "<redacted>",
            "authenticationMethod": authenticationMethod,
            "clientAssertion": clientAssertion.map { "\($0.algorithm) with \($0.key)" } ?? "none",
            "clientCertificate": clientCertificate.map { "\($0)" } ?? "none",
            "responseFormat": responseFormat,
        ])
    }
}

/// How the client authenticates to the introspection endpoint (RFC 7662 §2.1, RFC 6749 §2.3.1,
/// RFC 7523 §2.2, RFC 8705 §2; the RFC 8414 `introspection_endpoint_auth_methods_supported` names).
///
/// An open struct rather than an enum, as `IntrospectionClientError.Code` is: methods are added over time
/// (`private_key_jwt` and `tls_client_auth` were), and a new static member breaks no one's code, where a
/// new enum case breaks every exhaustive `switch`. Compare with `==` or `switch` with a `default`.
/// `init?(rawValue:)` still answers nil for a method the client does not implement, and ``allCases``
/// lists the ones it does.
public struct ClientAuthenticationMethod: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The RFC 8414 name of the method.
    public let rawValue: String

    /// The method with this RFC 8414 name, or nil when the client does not implement it.
    public init?(rawValue: String) {
        guard let known = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = known
    }

    private init(_ rawValue: String) { self.rawValue = rawValue }

    /// HTTP Basic: `Authorization: Basic base64(form(client_id) ":" form(client_secret))`, where `form` is
    /// the `application/x-www-form-urlencoded` encoding RFC 6749 §2.3.1 requires before joining.
    public static let clientSecretBasic = ClientAuthenticationMethod("client_secret_basic")
    /// `client_id` and `client_secret` in the form body (RFC 6749 §2.3.1 allows it; Basic is preferred).
    public static let clientSecretPost = ClientAuthenticationMethod("client_secret_post")
    /// A JWT signed with the client's private key (RFC 7523 §2.2): `client_assertion_type`
    /// `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`, a fresh `client_assertion` for every call
    /// (``IntrospectionClientOptions/clientAssertion``), and `client_id`. No secret is sent.
    public static let privateKeyJWT = ClientAuthenticationMethod("private_key_jwt")
    /// Mutual TLS with a certificate the authorization server knows the client by (RFC 8705 §2.1): the
    /// transport presents ``IntrospectionClientOptions/clientCertificate`` and the form carries
    /// `client_id`. No secret is sent.
    public static let tlsClientAuth = ClientAuthenticationMethod("tls_client_auth")
    /// No client authentication in the request (the transport authenticates by other means). An RFC 9701
    /// server answers 400 to calls it cannot authenticate.
    public static let none = ClientAuthenticationMethod("none")

    /// Every method the client implements.
    public static let allCases: [ClientAuthenticationMethod] = [.clientSecretBasic, .clientSecretPost, .privateKeyJWT, .tlsClientAuth, .none]

    /// Whether the method sends the client secret.
    public var usesClientSecret: Bool { self == .clientSecretBasic || self == .clientSecretPost }

    /// The RFC 8414 name of the method.
    public var description: String { rawValue }
}

/// The response format the client asks for.
public enum IntrospectionResponseFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A plain JSON object, `application/json` (RFC 7662 §2.2).
    case json
    /// A signed JWT, `application/token-introspection+jwt` (RFC 9701 §4-5), verified before use.
    case jwt

    /// The media type sent in `Accept` and required in the response's `Content-Type`.
    public var mediaType: String {
        switch self {
        case .json: "application/json"
        case .jwt: "application/token-introspection+jwt"
        }
    }

    /// `json` or `jwt`.
    public var description: String { rawValue }
}

/// The `token_type_hint` parameter (RFC 7662 §2.1; values from the RFC 7009 registry, or any string).
public struct TokenTypeHint: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The value sent.
    public let rawValue: String

    /// A hint with any value.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A hint from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// `access_token`.
    public static let accessToken = TokenTypeHint(rawValue: "access_token")
    /// `refresh_token`.
    public static let refreshToken = TokenTypeHint(rawValue: "refresh_token")

    public var description: String { rawValue }
}
