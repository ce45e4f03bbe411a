import HTTPTypes
import Hummingbird
import HummingbirdAuth
import IntrospectionHummingbird
import IntrospectionResourceServer
import Logging
import NIOCore
import Prometheus

/// The request context of `forward-auth`: hummingbird-auth's, with the introspection as the identity.
typealias ForwardAuthContext = BasicAuthRequestContext<IntrospectionIdentity>

/// `forward-auth`'s HTTP service: `GET /healthz`, `GET /metrics` (and `HEAD` of both), and on every other request (any
/// method, any path: `/auth` in the snippets) a decision about the original request whose header fields
/// the proxy passed on, made by the Hummingbird middleware (`IntrospectionMiddleware`) with the required
/// scopes of `--require-scope` plus those of `X-Required-Scope`, about the original request that
/// `X-Forwarded-Method`, `-Proto`, `-Host` and `-Uri` describe (and the `--client-cert-header` field).
struct ForwardAuthResponder: HTTPResponder {
    typealias Context = ForwardAuthContext

    /// The decision: the middleware every Hummingbird resource server uses.
    let middleware: IntrospectionMiddleware<Context>
    /// Where `/metrics` comes from.
    let registry: PrometheusCollectorRegistry

    /// A decision service over `introspection` for `requirement`, with DPoP checked as `dpop` says (nil:
    /// Bearer alone); the client certificate is read from the field `clientCertificateHeader` names, and
    /// from no field when it is nil. An answer with a member that cannot be sent in a header field is an
    /// invalid answer (502), decided and counted by the authorizer (`ForwardedIdentity.unsendableMember`).
    init(
        introspection: CachedIntrospection,
        realm: String,
        dpop: DPoPOptions?,
        requirement: AccessRequirement,
        clientCertificateHeader: HTTPField.Name? = nil,
        registry: PrometheusCollectorRegistry,
        logger: Logger
    ) {
        let authorizer = BearerTokenAuthorizer(
            introspection: introspection, realm: realm, dpop: dpop, logger: logger, answerCheck: ForwardedIdentity.unsendableMember)
        self.middleware = IntrospectionMiddleware(
            authorizer, requirement: requirement,
            additionalScopes: { request in ForwardedIdentity.requiredScopes(request.headers) },
            // The original request, as the proxy describes it: X-Forwarded-Method, -Proto, -Host, -Uri.
            describedRequest: { request, _ in
                ProtectedResourceRequest(forwardedHeaderFields: request.headers, clientCertificateHeader: clientCertificateHeader)
            })
        self.registry = registry
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        // GET, and HEAD as GET without the body (RFC 9110 §9.3.2), as Hummingbird's router answers it.
        if request.method == .get || request.method == .head {
            let page: Response? =
                switch request.uri.path {
                case "/healthz": Self.text("ok\n", contentType: "text/plain; charset=utf-8")
                case "/metrics": Self.text(registry.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
                default: nil
                }
            if let page { return request.method == .head ? page.createHeadResponse() : page }
        }
        return try await middleware.handle(request, context: context) { _, context in
            allowed(try context.requireIdentity())
        }
    }

    /// The 200 answer with the identity's header fields (the authorizer has refused, with 502, an answer
    /// whose members cannot all be sent as such).
    private func allowed(_ identity: IntrospectionIdentity) -> Response {
        var fields = ForwardedIdentity.fields(for: identity)
        fields[.contentLength] = "0"
        return Response(status: .ok, headers: fields)
    }

    private static func text(_ text: String, contentType: String) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(text)
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .contentLength: String(buffer.readableBytes)],
            body: ResponseBody(byteBuffer: buffer))
    }
}
