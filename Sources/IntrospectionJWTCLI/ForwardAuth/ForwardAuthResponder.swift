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
    let logger: Logger

    /// A decision service for `authorizer` and `requirement`; the client certificate is read from the field
    /// `clientCertificateHeader` names, and from no field when it is nil.
    init(
        authorizer: BearerTokenAuthorizer,
        requirement: AccessRequirement,
        clientCertificateHeader: HTTPField.Name? = nil,
        registry: PrometheusCollectorRegistry,
        logger: Logger
    ) {
        self.middleware = IntrospectionMiddleware(
            authorizer, requirement: requirement,
            additionalScopes: { request in ForwardedIdentity.requiredScopes(request.headers) },
            // The original request, as the proxy describes it: X-Forwarded-Method, -Proto, -Host, -Uri.
            describedRequest: { request, _ in
                ProtectedResourceRequest(forwardedHeaderFields: request.headers, clientCertificateHeader: clientCertificateHeader)
            })
        self.registry = registry
        self.logger = logger
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

    /// The 200 answer with the identity's header fields. The authorizer has already refused (502) an answer
    /// with a member that cannot be sent as one (`ForwardedIdentity.unsendableMember`); the 502 here only
    /// keeps that true for an authorizer made without the check.
    private func allowed(_ identity: IntrospectionIdentity) -> Response {
        switch ForwardedIdentity.fields(for: identity) {
        case .success(var fields):
            fields[.contentLength] = "0"
            return Response(status: .ok, headers: fields)
        case .failure(let failure):
            logger.error("the authorization server's answer cannot be passed on: answering 502", metadata: ["error": "\(failure.message)"])
            return Response(middleware.authorizer.denial(.invalidAnswer, failure: failure))
        }
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
