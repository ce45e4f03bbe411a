import Foundation
import HTTPTypes
import IntrospectionJWT
import IntrospectionRemoteKeys

/// Builds the RFC 7662 §2.1 request: `POST`, `application/x-www-form-urlencoded`, `token` and the optional
/// `token_type_hint`, the client's credentials, and the `Accept` that selects the format (RFC 9701 §4).
enum IntrospectionRequest {
    /// Form parameters the client sets itself and that extra parameters may not repeat.
    static let reservedParameters: Set<String> = [
        "token", "token_type_hint", "client_id", "client_secret", "client_assertion", "client_assertion_type",
    ]

    /// The headers and body of one call, or a configuration error. `assertionAudience` and `now` make the
    /// fresh assertion of `private_key_jwt`.
    static func make(
        token: String,
        tokenTypeHint: TokenTypeHint?,
        additionalParameters: [(name: String, value: String)],
        options: IntrospectionClientOptions,
        assertionAudience: String? = nil,
        now: Date = Date()
    ) throws(IntrospectionClientError) -> (headerFields: HTTPFields, body: [UInt8]) {
        for parameter in additionalParameters where reservedParameters.contains(parameter.name) {
            throw IntrospectionClientError(.configuration, "the extra form parameter \"\(parameter.name)\" is set by the client itself")
        }
        var form: [(name: String, value: String)] = [("token", token)]
        if let tokenTypeHint { form.append(("token_type_hint", tokenTypeHint.rawValue)) }
        form.append(contentsOf: additionalParameters)

        var headers: HTTPFields = [
            .contentType: "application/x-www-form-urlencoded",
            .accept: options.responseFormat.mediaType,
        ]
        switch options.authenticationMethod {
        case .clientSecretBasic:
            headers[.authorization] = try basicAuthorization(options)
        case .clientSecretPost:
            form.append(("client_id", options.clientID))
            form.append(("client_secret", try secret(options)))
        case .privateKeyJWT:
            // RFC 7521 §4.2: client_id may accompany the assertion and must name the same client.
            form.append(("client_id", options.clientID))
            form.append(("client_assertion_type", ClientAssertion.assertionType))
            form.append(("client_assertion", try assertion(options, audience: assertionAudience, now: now)))
        case .tlsClientAuth:
            // RFC 8705 §2: the client_id parameter names the client whose certificate the TLS layer checked.
            form.append(("client_id", options.clientID))
        case .none:
            break
        default:
            throw IntrospectionClientError(.configuration, "the client authentication method \(quoted(options.authenticationMethod.rawValue)) is not implemented")
        }
        return (headers, Array(FormURLEncoding.encode(form).utf8))
    }

    /// A fresh RFC 7523 assertion: new `jti`, `iat` now, `exp` within 60 s.
    static func assertion(_ options: IntrospectionClientOptions, audience: String?, now: Date) throws(IntrospectionClientError) -> String {
        guard let clientAssertion = options.clientAssertion else {
            throw IntrospectionClientError(.configuration, "private_key_jwt needs the client's key (clientAssertion)")
        }
        guard let audience = audience ?? options.clientAssertionAudience ?? options.issuer else {
            throw IntrospectionClientError(.configuration, "private_key_jwt needs the assertion's audience: the issuer, or clientAssertionAudience")
        }
        do throws(IntrospectionJWTError) {
            return try clientAssertion.make(clientID: options.clientID, audience: audience, now: now)
        } catch {
            throw IntrospectionClientError(.configuration, "the client assertion could not be signed: \(error.message)")
        }
    }

    /// `Basic base64(form(client_id) ":" form(client_secret))`: RFC 6749 §2.3.1 has the identifier and the
    /// secret form-encoded before they are used as the RFC 7617 user-id and password.
    static func basicAuthorization(_ options: IntrospectionClientOptions) throws(IntrospectionClientError) -> String {
        FormURLEncoding.basicAuthorization(clientID: options.clientID, clientSecret: try secret(options))
    }

    private static func secret(_ options: IntrospectionClientOptions) throws(IntrospectionClientError) -> String {
        guard let secret = options.clientSecret else {
            throw IntrospectionClientError(.configuration, "\(options.authenticationMethod) needs a client secret")
        }
        return secret
    }
}
