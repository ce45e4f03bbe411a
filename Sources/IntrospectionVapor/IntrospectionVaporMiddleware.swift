import HTTPTypes
public import IntrospectionResourceServer
public import Vapor

/// Vapor middleware that lets a request through only with an active bearer token that meets the
/// route's `AccessRequirement`, and logs the caller's `IntrospectionIdentity` in (`req.auth`).
///
/// ```swift
/// app.grouped(IntrospectionVaporMiddleware(authorizer, requirement: .scope("orders:read")))
///     .get("orders") { req in try req.auth.require(IntrospectionIdentity.self).subject ?? "" }
/// ```
///
/// Refusals are answered here, with the status, `WWW-Authenticate` and body of
/// `BearerTokenAuthorizer` (RFC 6750 §3); the route is not called.
public struct IntrospectionVaporMiddleware: AsyncMiddleware {
    /// The decision logic.
    public let authorizer: BearerTokenAuthorizer
    /// What the routes behind this middleware require.
    public let requirement: AccessRequirement

    /// Protects the routes behind it with `requirement` (default: any active token).
    public init(_ authorizer: BearerTokenAuthorizer, requirement: AccessRequirement = .activeToken) {
        self.authorizer = authorizer
        self.requirement = requirement
    }

    /// Decides, then logs the identity in and calls the route, or answers the refusal.
    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let values = request.headers[HTTPHeaders.Name.authorization]
        switch await authorizer.authorize(authorizationValues: values, requirement: requirement) {
        case .allowed(let identity):
            request.auth.login(identity)
            return try await next.respond(to: request)
        case .denied(let denial):
            return Response(denial)
        }
    }
}

extension Response {
    /// The HTTP answer of a refusal.
    public convenience init(_ denial: AccessDenial) {
        var headers = HTTPHeaders()
        for field in denial.headerFields { headers.add(name: field.name.rawName, value: field.value) }
        self.init(
            status: HTTPResponseStatus(statusCode: denial.status.code),
            headers: headers,
            body: Response.Body(data: Data(denial.body))
        )
    }
}

extension IntrospectionIdentity: Authenticatable {}
