/// Every check of the conformance checker, in report order. Identifiers are stable: scripts and CI
/// pipelines may match on them.
///
/// Levels follow the keyword of the cited section. Where the RFC states a value without a keyword
/// (`typ`, the `Content-Type`), or makes a metadata member OPTIONAL that RFC 9701 use relies on
/// (`introspection_endpoint`, `jwks_uri`), the doc comment says why the check is a MUST here.
public enum ConformanceChecks {
    // MARK: - Metadata (RFC 8414, RFC 9701 §7)

    /// The metadata is served at the RFC 8414 location (`/.well-known/oauth-authorization-server`
    /// inserted between host and issuer path). Fails when it is found only at the OpenID Connect
    /// Discovery location (`{issuer}/.well-known/openid-configuration`), or nowhere. RFC 9701 §7
    /// defines its members as RFC 8414 metadata, and RFC 8414 §3 says where that is; the OpenID location
    /// is a widespread fallback, so this is reported as a SHOULD.
    public static let metadataLocation = ConformanceCheckDefinition(
        "metadata.location", "metadata at the RFC 8414 well-known URL", "RFC 8414 §3; RFC 9701 §7", .should)

    /// The first metadata document found has an `issuer` exactly equal (code points) to the issuer the
    /// checker was given. Otherwise RFC 8414 §3.3 says the metadata MUST NOT be used, so every later
    /// check is skipped. Also fails when no metadata document is found at all.
    public static let metadataIssuer = ConformanceCheckDefinition(
        "metadata.issuer", "metadata issuer equals the issuer", "RFC 8414 §3.3", .must)

    /// `introspection_endpoint` is present and an https URL (http only for loopback hosts). RFC 8414 §2
    /// makes the member OPTIONAL in general; an AS offering RFC 9701 responses must let the RS find the
    /// endpoint, and nothing else can be checked without it, so it is a MUST here.
    public static let metadataIntrospectionEndpoint = ConformanceCheckDefinition(
        "metadata.introspection_endpoint", "introspection_endpoint published", "RFC 8414 §2; RFC 7662 §4", .must)

    /// `jwks_uri` is present and an https URL. The RS can verify responses only with keys from the
    /// issuer's `jwks_uri` (RFC 8725 §3.8), so it is a MUST here although RFC 8414 §2 lists it as OPTIONAL.
    public static let metadataJWKSURI = ConformanceCheckDefinition(
        "metadata.jwks_uri", "jwks_uri published", "RFC 8414 §2; RFC 8725 §3.8", .must)

    /// `introspection_signing_alg_values_supported` is a non-empty array of strings without `none`
    /// (RFC 9701 §7: the AS SHOULD publish it; RFC 8414 §2 forbids `none` in the signing lists).
    public static let metadataSigningAlgorithms = ConformanceCheckDefinition(
        "metadata.introspection_signing_alg_values_supported", "signing algorithms advertised", "RFC 9701 §7", .should)

    /// `introspection_endpoint_auth_methods_supported` is a non-empty array of strings that lists the
    /// method the checker authenticates with (`client_secret_basic` unless configured otherwise). RFC 8414
    /// §2 makes the member OPTIONAL, but without it a resource server can only guess how to authenticate
    /// (and RFC 9701 §5 refuses unauthenticated calls), so a missing or incomplete list is reported as a
    /// SHOULD.
    public static let metadataAuthenticationMethods = ConformanceCheckDefinition(
        "metadata.introspection_endpoint_auth_methods_supported", "client authentication methods advertised", "RFC 8414 §2", .should)

    /// `introspection_encryption_alg_values_supported`, when published, does not list `RSA1_5`: RSAES-PKCS1-v1_5
    /// key transport is open to padding-oracle attacks, and RFC 8725 §3.2 says to avoid it (a resource
    /// server that registers it invites them). Passes when the member is absent.
    public static let metadataNoRSA15 = ConformanceCheckDefinition(
        "metadata.no_rsa1_5", "RSA1_5 not advertised for encrypted responses", "RFC 8725 §3.2; RFC 9701 §7", .shouldNot)

    /// The `jwks_uri` answers 200 with a JWK Set holding at least one usable signature key.
    public static let jwksDocument = ConformanceCheckDefinition(
        "jwks.document", "JWK Set retrievable with a signing key", "RFC 8414 §2; RFC 7517 §5", .must)

    // MARK: - JWT answer for the active token (RFC 9701 §4-5)

    /// The JWT request (`Accept: application/token-introspection+jwt`, HTTP Basic) for the active token
    /// is answered with status 200 (RFC 7662 §2.2). Every later `jwt.*` check needs that answer.
    public static let jwtStatus = ConformanceCheckDefinition(
        "jwt.status", "JWT request answered with 200", "RFC 7662 §2.2; RFC 9701 §5", .must)

    /// The answer to the JWT request is not a plain RFC 7662 JSON object: answering with JSON anyway is
    /// the downgrade RFC 9701 §8.2 warns about (the AS returns the JWT, §5).
    public static let jwtNotDowngraded = ConformanceCheckDefinition(
        "jwt.not_downgraded", "JWT request not answered with plain JSON", "RFC 9701 §5, §8.2", .must)

    /// `Content-Type` is `application/token-introspection+jwt` (parameters ignored, case-insensitive).
    /// RFC 9701 §5 defines the response with this media type; a client cannot tell the answer apart
    /// otherwise, so it is a MUST here.
    public static let jwtContentType = ConformanceCheckDefinition(
        "jwt.content_type", "Content-Type application/token-introspection+jwt", "RFC 9701 §5", .must)

    /// The checker was given decryption keys, so the resource server registered encryption: the answer
    /// is a compact JWE (five parts, RFC 7516 §7.1). A plain JWS fails (RFC 9701 §6: a client that
    /// registered `introspection_encrypted_response_alg` gets encrypted answers; §5: signed, then
    /// encrypted); the `jwt.*` checks then run on that JWS. Skipped without decryption keys.
    public static let jweEncrypted = ConformanceCheckDefinition(
        "jwe.encrypted", "answer encrypted for a client that registered encryption", "RFC 9701 §5, §6", .must)

    /// The JWE header's `cty` is `JWT` (any ASCII letter case, `application/` prefix tolerated): the
    /// content is a nested JWT (RFC 7519 §5.2 requires the member then; RFC 9701 §5).
    public static let jweContentType = ConformanceCheckDefinition(
        "jwe.cty", "cty is JWT", "RFC 9701 §5; RFC 7519 §5.2", .must)

    /// The JWE `alg` is a string and one of `introspection_encryption_alg_values_supported`. Skipped when
    /// the metadata does not publish the list.
    public static let jweAlgorithm = ConformanceCheckDefinition(
        "jwe.alg", "alg is one of the advertised encryption algorithms", "RFC 9701 §7; RFC 7516 §4.1.1", .must)

    /// The JWE `enc` is a string and one of `introspection_encryption_enc_values_supported`. Skipped when
    /// the metadata does not publish the list.
    public static let jweContentEncryption = ConformanceCheckDefinition(
        "jwe.enc", "enc is one of the advertised content encryptions", "RFC 9701 §7; RFC 7516 §4.1.2", .must)

    /// The answer decrypts with the resource server's keys, by the verifier's rules: `alg` and `enc`
    /// supported and allowed (never `RSA1_5` or `PBES2-*`), no `zip`, a fitting key, and the content
    /// encryption key, IV and tag all right. The `jwt.*` checks from `jwt.compact` on then run on the
    /// decrypted content.
    public static let jweDecrypts = ConformanceCheckDefinition(
        "jwe.decrypts", "answer decrypts with the resource server's keys", "RFC 9701 §5; RFC 7516 §5.2", .must)

    /// The body is a compact JWS: three base64url parts without padding, the header and payload UTF-8
    /// JSON objects with unique member names (RFC 7515 §7.1, RFC 7519 §7.2). For an encrypted answer it is
    /// the decrypted content, which must be the signed JWT (a nested JWE fails). Without decryption keys
    /// an encrypted answer fails here.
    public static let jwtCompact = ConformanceCheckDefinition(
        "jwt.compact", "body is a compact JWS", "RFC 7515 §7.1; RFC 7519 §7.2", .must)

    /// The header's `typ` is `token-introspection+jwt` (or `application/token-introspection+jwt`, any
    /// letter case, RFC 7515 §4.1.9). RFC 9701 §5 fixes the value; explicit typing is what keeps the
    /// response from passing as another JWT (RFC 8725 §3.11), so a missing or different `typ` fails.
    public static let jwtType = ConformanceCheckDefinition(
        "jwt.typ", "typ is token-introspection+jwt", "RFC 9701 §5; RFC 8725 §3.11", .must)

    /// `alg` is a string, not `none`, and one of `introspection_signing_alg_values_supported`. Skipped
    /// when the metadata does not advertise the list (that is `metadata.introspection_signing_alg_values_supported`).
    public static let jwtAlgorithm = ConformanceCheckDefinition(
        "jwt.alg", "alg is one of the advertised algorithms", "RFC 9701 §7; RFC 7515 §4.1.1", .must)

    /// A key of the issuer's JWK Set fits the header: the key with the header's `kid` (exact match), or,
    /// without `kid`, some key for `alg`. The keys MUST be the issuer's (RFC 8725 §3.8).
    public static let jwtKeyID = ConformanceCheckDefinition(
        "jwt.kid", "signing key found in the JWK Set", "RFC 7515 §4.1.4; RFC 8725 §3.8", .must)

    /// The signature verifies with that key (RFC 7515 §5.2). Skipped for an algorithm this library
    /// does not implement.
    public static let jwtSignature = ConformanceCheckDefinition(
        "jwt.signature", "signature verifies", "RFC 7515 §5.2; RFC 9701 §5", .must)

    /// `iss` is present and exactly the issuer (RFC 9701 §5).
    public static let jwtIssuer = ConformanceCheckDefinition(
        "jwt.iss", "iss is the issuer", "RFC 9701 §5", .must)

    /// `aud` is present, a string or an array of strings, and contains the client id or the audience
    /// given to the checker (RFC 9701 §5: it identifies the RS).
    public static let jwtAudience = ConformanceCheckDefinition(
        "jwt.aud", "aud identifies the resource server", "RFC 9701 §5; RFC 7519 §4.1.3", .must)

    /// `iat` is present, a number, and within the tolerance (60 s by default) of the local clock at the
    /// moment the answer arrived: it is the time the AS made the response (RFC 9701 §5).
    public static let jwtIssuedAt = ConformanceCheckDefinition(
        "jwt.iat", "iat present and close to the local clock", "RFC 9701 §5", .must)

    /// `token_introspection` is present, an object, with `active: true` (the token given as active) and
    /// the RFC 7662 §2.2 member types (`active` boolean; `scope`, `client_id`, ... strings; `exp`, `iat`,
    /// `nbf` numbers; `aud` string or strings).
    public static let jwtTokenIntrospection = ConformanceCheckDefinition(
        "jwt.token_introspection", "token_introspection present, active, RFC 7662 types", "RFC 9701 §5; RFC 7662 §2.2", .must)

    /// No `sub` at the top level (RFC 9701 §5: SHOULD NOT, a defence against use as an access token).
    public static let jwtNoTopLevelSubject = ConformanceCheckDefinition(
        "jwt.no_top_level_sub", "no top-level sub", "RFC 9701 §5", .shouldNot)

    /// No `exp` at the top level (RFC 9701 §5: SHOULD NOT).
    public static let jwtNoTopLevelExpiration = ConformanceCheckDefinition(
        "jwt.no_top_level_exp", "no top-level exp", "RFC 9701 §5", .shouldNot)

    // MARK: - Inactive token (RFC 9701 §5, RFC 7662 §2.2-2.3)

    /// The JWT request for the inactive token (a random one unless given) is answered with 200 and a
    /// compact JWS: an inactive token is not an error (RFC 7662 §2.3). Skipped when the active answer
    /// already failed the JWT structure or key checks, which would fail here the same way.
    public static let inactiveStatus = ConformanceCheckDefinition(
        "inactive.status", "inactive token answered with 200 and a JWT", "RFC 7662 §2.3; RFC 9701 §5", .must)

    /// That JWT's signature verifies with the issuer's keys (RFC 7515 §5.2).
    public static let inactiveSignature = ConformanceCheckDefinition(
        "inactive.signature", "inactive answer signature verifies", "RFC 7515 §5.2; RFC 9701 §5", .must)

    /// Its `token_introspection` is exactly `{"active": false}` (RFC 9701 §5: the AS MUST NOT include any
    /// other member, stricter than RFC 7662 §2.2). Skipped when the active answer has no usable
    /// `token_introspection` (that is `jwt.token_introspection`).
    public static let inactiveExactlyFalse = ConformanceCheckDefinition(
        "inactive.active_false", "inactive token_introspection is exactly {\"active\": false}", "RFC 9701 §5", .must)

    // MARK: - token_type_hint (RFC 7662 §2.1)

    /// The active token, sent with `token_type_hint=refresh_token` (a hint of the wrong type), is still
    /// answered `active: true`: "If the server is unable to locate the token using the given hint, it MUST
    /// extend its search across all of its supported token types" (RFC 7662 §2.1). Skipped unless the
    /// active answer passed `jwt.status`, `jwt.compact` and `jwt.token_introspection`.
    public static let tokenTypeHintWrong = ConformanceCheckDefinition(
        "token_type_hint.wrong", "active token found despite a wrong token_type_hint", "RFC 7662 §2.1", .must)

    /// The active token, sent with a `token_type_hint` no registry defines, is still answered
    /// `active: true` (a 400 `unsupported_token_type`, which RFC 7009 has for revocation, fails): a hint
    /// the server does not know cannot locate the token, so the same MUST applies, and the server MAY
    /// ignore the parameter (RFC 7662 §2.1).
    public static let tokenTypeHintUnknown = ConformanceCheckDefinition(
        "token_type_hint.unknown", "active token found despite an unknown token_type_hint", "RFC 7662 §2.1", .must)

    // MARK: - Plain JSON (RFC 7662)

    /// A request without the JWT media type (`Accept: application/json`) for the active token is still
    /// answered per RFC 7662 §2.2: 200, `application/json`, an object with `active: true` and the
    /// RFC 7662 member types.
    public static let jsonResponse = ConformanceCheckDefinition(
        "json.response", "plain request answered with RFC 7662 JSON", "RFC 7662 §2.2", .must)

    // MARK: - Client authentication

    /// A JWT request without any client authentication is refused with 400 (RFC 9701 §5, §8.2: an AS
    /// supporting RFC 9701 MUST NOT answer unauthenticated calls, and uses 400 for them; RFC 9701 §4).
    public static let authUnauthenticated = ConformanceCheckDefinition(
        "auth.unauthenticated", "unauthenticated request refused with 400", "RFC 9701 §4, §5, §8.2", .must)

    /// Wrong credentials of the configured method are refused with 401 `invalid_client` (RFC 7662 §2.3,
    /// RFC 6749 §5.2): the right client id with a wrong secret (HTTP Basic or in the form), or for
    /// `private_key_jwt` a fresh assertion whose signature does not verify. Skipped for `tls_client_auth`
    /// (the checker holds one certificate only).
    public static let authWrongCredentials = ConformanceCheckDefinition(
        "auth.wrong_credentials", "wrong credentials refused with 401", "RFC 7662 §2.3; RFC 6749 §5.2", .must)

    /// That 401 carries a `WWW-Authenticate` header, which RFC 6749 §5.2 requires when the client
    /// authenticated with the `Authorization` header. Skipped unless the status was 401 and the wrong
    /// credentials were sent in that header (`client_secret_basic`).
    public static let authChallenge = ConformanceCheckDefinition(
        "auth.www_authenticate", "401 carries WWW-Authenticate", "RFC 6749 §5.2", .must)

    /// With `private_key_jwt`: an assertion accepted once is refused when the same one (same `jti`) comes
    /// again. RFC 7523 §3 lets the server keep the `jti` values it has seen until their `exp`; OpenID
    /// Connect Core §9 has the assertion used only once. A replayed assertion accepted is reported as a
    /// SHOULD. Skipped with any other method, or when the first use was not accepted.
    public static let authAssertionReplay = ConformanceCheckDefinition(
        "auth.assertion_replay", "replayed client assertion refused", "RFC 7523 §3; OpenID Connect Core §9", .should)

    /// Every check, in report order.
    public static let all: [ConformanceCheckDefinition] = [
        metadataLocation, metadataIssuer, metadataIntrospectionEndpoint, metadataJWKSURI, metadataSigningAlgorithms,
        metadataAuthenticationMethods, metadataNoRSA15,
        jwksDocument,
        jwtStatus, jwtNotDowngraded, jwtContentType,
        jweEncrypted, jweContentType, jweAlgorithm, jweContentEncryption, jweDecrypts,
        jwtCompact, jwtType, jwtAlgorithm, jwtKeyID, jwtSignature,
        jwtIssuer, jwtAudience, jwtIssuedAt, jwtTokenIntrospection, jwtNoTopLevelSubject, jwtNoTopLevelExpiration,
        inactiveStatus, inactiveSignature, inactiveExactlyFalse,
        tokenTypeHintWrong, tokenTypeHintUnknown,
        jsonResponse,
        authUnauthenticated, authWrongCredentials, authChallenge, authAssertionReplay,
    ]
}
