public import Hummingbird
public import HummingbirdAuth
public import IntrospectionResourceServer
import NIOCore

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
/// `BearerTokenAuthorizer` (RFC 6750 §3); the route is not called.
public struct IntrospectionMiddleware<Context: AuthRequestContext>: RouterMiddleware
where Context.Identity == IntrospectionIdentity {
    /// The decision logic.
    public let authorizer: BearerTokenAuthorizer
    /// What the routes behind this middleware require.
    public let requirement: AccessRequirement
    /// The scopes a request adds to ``requirement`` (forward-auth reads them from a header the proxy
    /// sets), or nil. They can only add requirements, never remove one.
    public let additionalScopes: (@Sendable (Request) -> [String])?

    /// Protects the routes behind it with `requirement` (default: any active token) and, per request, the
    /// scopes `additionalScopes` reads from it.
    public init(
        _ authorizer: BearerTokenAuthorizer,
        requirement: AccessRequirement = .activeToken,
        additionalScopes: (@Sendable (Request) -> [String])? = nil
    ) {
        self.authorizer = authorizer
        self.requirement = requirement
        self.additionalScopes = additionalScopes
    }

    /// Decides, then calls the route with the identity in the context, or answers the refusal.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requirement = additionalScopes.map { self.requirement.adding(scopes: $0(request)) } ?? self.requirement
        switch await authorizer.authorize(request.headers, requirement: requirement) {
        case .allowed(let identity):
            var context = context
            context.identity = identity
            return try await next(request, context)
        case .denied(let denial):
            return Response(denial)
        }
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
