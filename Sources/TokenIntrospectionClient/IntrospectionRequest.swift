import Foundation
import HTTPTypes
import IntrospectionJWT
import IntrospectionRemoteKeys

/// Builds the RFC 7662 §2.1 request: `POST`, `application/x-www-form-urlencoded`, `token` and the optional
/// `token_type_hint`, the client's credentials, and the `Accept` that selects the format (RFC 9701 §4).
enum IntrospectionRequest {
    /// Form parameters the client sets itself and that extra parameters may not repeat.
    static let reservedParameters: Set<String> = ["token", "token_type_hint", "client_id", "client_secret"]

    /// The headers and body of one call, or a configuration error.
    static func make(
        token: String,
        tokenTypeHint: TokenTypeHint?,
        additionalParameters: [(name: String, value: String)],
        options: IntrospectionClientOptions
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
        case .none:
            break
        }
        return (headers, Array(FormURLEncoding.encode(form).utf8))
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
