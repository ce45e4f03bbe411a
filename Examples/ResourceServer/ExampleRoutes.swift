import Foundation
import Hummingbird
import HummingbirdAuth
import IntrospectionHummingbird
import IntrospectionJWT
import IntrospectionResourceServer

/// The example's request context: hummingbird-auth's, with the introspection as the identity.
typealias ExampleContext = BasicAuthRequestContext<IntrospectionIdentity>

/// The example's routes:
///
/// - `GET /healthz`: no token needed;
/// - `GET /orders`: needs `orders:read`; answers who is calling, from the verified introspection;
/// - `POST /orders`: needs `orders:write`;
/// - `GET /admin`: needs `orders:read` and `orders:admin`, and a token issued to the client `app-7`.
enum ExampleRoutes {
    static func router(_ authorizer: BearerTokenAuthorizer) -> Router<ExampleContext> {
        let router = Router(context: ExampleContext.self)
        router.get("healthz") { _, _ in "ok\n" }
        router.group("orders")
            .add(middleware: IntrospectionMiddleware(authorizer, requirement: .scope("orders:read")))
            .get { _, context in try caller(context) }
        router.group("orders")
            .add(middleware: IntrospectionMiddleware(authorizer, requirement: .scope("orders:write")))
            .post { _, context in try caller(context) }
        router.group("admin")
            .add(middleware: IntrospectionMiddleware(
                authorizer, requirement: AccessRequirement(scopes: ["orders:read", "orders:admin"]) { $0.clientID == "app-7" }))
            .get { _, context in try caller(context) }
        return router
    }

    /// `{"sub":…,"client_id":…,"scope":…,"exp":…,"signed":true}`: what the handler knows about the caller.
    static func caller(_ context: ExampleContext) throws -> String {
        let identity = try context.requireIdentity()
        var members: [JSONObject.Member] = []
        if let subject = identity.subject { members.append(.init(name: "sub", value: .string(subject))) }
        if let clientID = identity.clientID { members.append(.init(name: "client_id", value: .string(clientID))) }
        members.append(.init(name: "scope", value: .string(identity.scopes.joined(separator: " "))))
        if let expiration = identity.expiration {
            members.append(.init(name: "exp", value: .number(JSONNumber(Int(expiration.timeIntervalSince1970)))))
        }
        members.append(.init(name: "signed", value: .bool(identity.signedResponse != nil)))
        return JSONWriter.string(for: .object(JSONObject(members: members))) + "\n"
    }
}
