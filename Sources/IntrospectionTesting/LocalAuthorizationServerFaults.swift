public import IntrospectionJWT

extension LocalAuthorizationServer {
    /// Deliberate deviations from RFC 7662 / RFC 9701, for testing clients and conformance checkers.
    /// The default, ``none``, is a conforming server.
    public struct Faults: Sendable {
        /// `typ` of JWT responses: nil keeps `token-introspection+jwt`; `.some(nil)` omits it.
        public var type: String?? = nil
        /// `iss` of JWT responses instead of the issuer; `.some(nil)` omits it.
        public var issuer: String?? = nil
        /// `aud` of JWT responses instead of the client's audience; `.some(nil)` omits it.
        public var audience: JSONValue?? = nil
        /// Omit `iat` from JWT responses.
        public var omitIssuedAt = false
        /// Seconds added to `iat` of JWT responses (negative: an old response; positive: from the future).
        public var issuedAtOffset = 0
        /// Omit `token_introspection` from JWT responses.
        public var omitTokenIntrospection = false
        /// Put the token's `sub` at the top level of JWT responses (RFC 9701 §5: SHOULD NOT).
        public var topLevelSubject = false
        /// Put an `exp` (`iat` + this many seconds) at the top level of JWT responses (RFC 9701 §5: SHOULD NOT).
        public var topLevelExpiration: Int? = nil
        /// Extra members in inactive answers (RFC 9701 §5: MUST NOT; RFC 7662 §2.2: SHOULD NOT).
        public var extraMembersWhenInactive: JSONObject? = nil
        /// `active` as this value instead of a boolean (e.g. the string "true").
        public var activeValue: JSONValue? = nil
        /// Answer unauthenticated calls with 401 instead of RFC 9701's 400.
        public var unauthenticatedStatus401 = false
        /// Accept unauthenticated calls (RFC 9701 §4: MUST NOT).
        public var allowUnauthenticated = false
        /// Answer JWT requests with plain JSON (`application/json`): the downgrade of RFC 9701 §8.2.
        public var jsonForJWTRequests = false
        /// `Content-Type` of successful introspection answers instead of the right one.
        public var contentType: String? = nil
        /// Change one character of the payload after signing, so the signature no longer verifies.
        public var tamperPayload = false
        /// Sign JWT responses with a key that the JWKS does not publish (same `kid` scheme, unknown key).
        public var signWithUnpublishedKey = false
        /// `alg` header value instead of the signing algorithm (the signature is still made with the real one).
        public var algorithmHeader: String? = nil
        /// Answer every introspection call with this status and JSON body (e.g. 500 and `{"$error": "..."}`).
        public var errorResponse: (status: Int, body: String)? = nil
        /// Wait this long before answering introspection calls (to make clients time out).
        public var introspectionDelay: Duration? = nil
        /// `issuer` of the metadata document instead of the real one (RFC 8414 §3.3 says the client must not
        /// use such metadata).
        public var metadataIssuer: String? = nil
        /// `introspection_signing_alg_values_supported` of the metadata instead of the signing keys'
        /// algorithms; `.some(nil)` omits the member (RFC 9701 §7: SHOULD publish it).
        public var advertisedSigningAlgorithms: [String]?? = nil
        /// Serve the metadata only at the OpenID Connect Discovery location (`{issuer}/.well-known/openid-configuration`),
        /// not at the RFC 8414 one, as glewlwyd does.
        public var metadataOnlyAtOpenIDLocation = false

        /// Answer clients that registered encryption with a plain JWS, as glewlwyd does for tokens of the
        /// client-credentials grant and for `dir` (RFC 9701 §6: a client that registered encryption gets
        /// encrypted answers).
        public var plainJWSToEncryptingClients = false
        /// `cty` of encrypted answers: nil keeps `JWT`; `.some(nil)` omits it (RFC 7519 §5.2 requires it).
        public var encryptedContentType: String?? = nil
        /// Change one byte of an encrypted answer's ciphertext, so that it no longer decrypts.
        public var tamperCiphertext = false
        /// `introspection_encryption_alg_values_supported` of the metadata instead of every algorithm the
        /// server encrypts with; `.some(nil)` omits the member.
        public var advertisedEncryptionAlgorithms: [String]?? = nil
        /// `introspection_encryption_enc_values_supported` of the metadata instead of every content
        /// encryption the server implements; `.some(nil)` omits the member.
        public var advertisedContentEncryptionAlgorithms: [String]?? = nil

        /// `introspection_endpoint_auth_methods_supported` of the metadata instead of the registered
        /// clients' methods; `.some(nil)` omits the member (RFC 8414 §2).
        public var advertisedAuthenticationMethods: [String]?? = nil
        /// Accept a client assertion whose `jti` was already used, instead of refusing the replay
        /// (RFC 7523 §3 lets the server keep the `jti` values it saw until their `exp`).
        public var acceptReplayedAssertions = false
        /// Look a token up only among tokens of the type `token_type_hint` names, so that a wrong hint
        /// makes an active token inactive (RFC 7662 §2.1: the server MUST extend its search).
        public var tokenTypeHintRestrictsLookup = false
        /// Answer a `token_type_hint` other than `access_token` and `refresh_token` with 400
        /// `unsupported_token_type` (RFC 7662 §2.1: an unknown hint is ignored, the search extended).
        public var refuseUnknownTokenTypeHints = false
        /// Answer every introspection call with this status (429, 503) and `Retry-After` value, and a
        /// `Date` field when `date` is given.
        public var retryAfter: (status: Int, value: String, date: String?)? = nil

        /// A conforming server.
        public static let none = Faults()

        /// Makes a fault set; change members as needed.
        public init() {}
    }
}
