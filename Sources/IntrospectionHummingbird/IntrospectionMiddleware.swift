public import Hummingbird
public import HummingbirdAuth
public import IntrospectionResourceServer
public import NIOCore
import NIOSSL

/// Hummingbird middleware that lets a request through only with an active bearer token that meets the
/// route's `AccessRequirement`, and puts the caller's `IntrospectionIdentity` in the request
/// context (`context.identity`, hummingbird-auth's `AuthRequestContext`).
///
/// ```swift
/// typealias Context = BasicAuthRequestContext<IntrospectionIdentity>
/// let router = Router(context: Context.self)
/// router.group("orders")
///     .add(middleware: IntrospectionMiddleware(authorizer, requirement: .scope("orders:read")))
///     .get { _, context in try context.requireIdentity().subject ?? "" }
/// ```
///
/// Refusals are answered here, with the status, `WWW-Authenticate` and body of
/// `BearerTokenAuthorizer` (RFC 6750 §3, RFC 9449 §7.1); the route is not called.
///
/// Sender-constrained tokens: the request's method, path and `Host` go to the authorizer for DPoP
/// proofs. With ``IntrospectionRequestContext`` (or any ``ClientCertificateRequestContext``) behind
/// HummingbirdTLS, the connection's client certificate goes too (for `cnf.x5t#S256`), and the scheme
/// is `https`.
public struct IntrospectionMiddleware<Context: AuthRequestContext>: RouterMiddleware
where Context.Identity == IntrospectionIdentity {
    /// The decision logic.
    public let authorizer: BearerTokenAuthorizer
    /// What the routes behind this middleware require.
    public let requirement: AccessRequirement
    /// The scopes a request adds to ``requirement`` (forward-auth reads them from a header the proxy
    /// sets), or nil. They can only add requirements, never remove one.
    public let additionalScopes: (@Sendable (Request) -> [String])?
    /// The request the decision is about, or nil for the request itself (``resourceRequest(_:context:)``).
    /// A forward-auth service decides about the original request its proxy describes:
    /// `{ request, _ in ProtectedResourceRequest(forwardedHeaderFields: request.headers) }`.
    public let describedRequest: (@Sendable (Request, Context) async -> ProtectedResourceRequest)?

    /// Protects the routes behind it with `requirement` (default: any active token) and, per request, the
    /// scopes `additionalScopes` reads from it; decides about `describedRequest` when given (else about
    /// the request itself).
    public init(
        _ authorizer: BearerTokenAuthorizer,
        requirement: AccessRequirement = .activeToken,
        additionalScopes: (@Sendable (Request) -> [String])? = nil,
        describedRequest: (@Sendable (Request, Context) async -> ProtectedResourceRequest)? = nil
    ) {
        self.authorizer = authorizer
        self.requirement = requirement
        self.additionalScopes = additionalScopes
        self.describedRequest = describedRequest
    }

    /// Decides, then calls the route with the identity in the context, or answers the refusal.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requirement = additionalScopes.map { self.requirement.adding(scopes: $0(request)) } ?? self.requirement
        let resourceRequest: ProtectedResourceRequest
        if let describedRequest {
            resourceRequest = await describedRequest(request, context)
        } else {
            resourceRequest = await Self.resourceRequest(request, context: context)
        }
        switch await authorizer.authorize(resourceRequest, requirement: requirement) {
        case .allowed(let identity):
            var context = context
            context.identity = identity
            return try await next(request, context)
        case .denied(let denial):
            return Response(denial)
        }
    }

    /// The request as the authorizer sees it: its method, path, `Host` and header fields, and with a
    /// ``ClientCertificateRequestContext`` on a TLS connection the `https` scheme and the client
    /// certificate.
    public static func resourceRequest(_ request: Request, context: Context) async -> ProtectedResourceRequest {
        var resourceRequest = ProtectedResourceRequest(request.head)
        if let connection = context as? any ClientCertificateRequestContext, let security = await connection.transportSecurity() {
            resourceRequest.scheme = "https"
            resourceRequest.clientCertificate = security.clientCertificate
        }
        return resourceRequest
    }
}

extension Response {
    /// The HTTP answer of a refusal.
    public init(_ denial: AccessDenial) {
        var headers = denial.headerFields
        let body = denial.body
        headers[.contentLength] = String(body.count)
        self.init(status: denial.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension IntrospectionIdentity: PermissionProviding {
    /// The token's scopes, so that hummingbird-auth's `PermissionPolicy` can check them.
    public var permissions: Set<String> { Set(scopes) }
}

/// What the TLS layer of a request's connection established.
public struct TransportSecurity: Sendable {
    /// The DER of the client certificate the TLS handshake verified, nil when the client sent none.
    public let clientCertificate: [UInt8]?

    /// A TLS connection with this client certificate.
    public init(clientCertificate: [UInt8]?) {
        self.clientCertificate = clientCertificate
    }
}

/// A request context that can tell whether its connection is TLS and which client certificate it has
/// (RFC 8705 §3: a certificate-bound token is accepted only over a connection with that certificate).
public protocol ClientCertificateRequestContext: RequestContext {
    /// The TLS state of the request's connection, nil when the connection is not TLS.
    func transportSecurity() async -> TransportSecurity?
}

/// The request context of a resource server with sender-constrained tokens: hummingbird-auth's identity
/// (an ``IntrospectionMiddleware`` fills it) and the connection's TLS client certificate, read from
/// HummingbirdTLS's handler when a token asks for it.
///
/// ```swift
/// var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
/// tls.certificateVerification = .optionalVerification   // or .noHostnameVerification to require one
/// tls.trustRoots = .certificates(clientCAs)
/// let router = Router(context: IntrospectionRequestContext.self)
/// let app = Application(router: router, server: try .tls(.http1(), tlsConfiguration: tls))
/// ```
public struct IntrospectionRequestContext: AuthRequestContext, RequestContext, ClientCertificateRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The caller, once the middleware has let the request through.
    public var identity: IntrospectionIdentity?
    /// The request's connection.
    public let channel: any Channel

    /// The context of a request on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.channel = source.channel
    }

    /// The connection's TLS state: nil without a TLS handler in its pipeline; the client certificate's
    /// DER when the handshake verified one.
    public func transportSecurity() async -> TransportSecurity? {
        let certificate: NIOSSLCertificate?
        do {
            certificate = try await channel.nioSSL_peerCertificate().get()
        } catch {
            return nil  // no TLS handler in the pipeline: a plain connection
        }
        return TransportSecurity(clientCertificate: certificate.flatMap { try? $0.toDERBytes() })
    }
}
