import HTTPTypes
public import IntrospectionResourceServer
public import NIOSSL
import SwiftASN1
public import Vapor
import X509

/// Vapor middleware that lets a request through only with an active bearer token that meets the
/// route's `AccessRequirement`, and logs the caller's `IntrospectionIdentity` in (`req.auth`).
///
/// ```swift
/// app.grouped(IntrospectionVaporMiddleware(authorizer, requirement: .scope("orders:read")))
///     .get("orders") { req in try req.auth.require(IntrospectionIdentity.self).subject ?? "" }
/// ```
///
/// Refusals are answered here, with the status, `WWW-Authenticate` and body of
/// `BearerTokenAuthorizer` (RFC 6750 §3, RFC 9449 §7.1); the route is not called.
///
/// Sender-constrained tokens: the request's method, path and `Host` go to the authorizer for DPoP
/// proofs (the scheme is `https` when the server has a TLS configuration), and the client certificate
/// Vapor validated (`req.peerCertificateChain`, present when the server's TLS configuration verifies
/// client certificates through ``clientCertificateVerification(trustRoots:)``) for `cnf.x5t#S256`.
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
        switch await authorizer.authorize(Self.resourceRequest(request), requirement: requirement) {
        case .allowed(let identity):
            request.auth.login(identity)
            return try await next.respond(to: request)
        case .denied(let denial):
            return Response(denial)
        }
    }

    /// What the authorizer needs of a Vapor request.
    static func resourceRequest(_ request: Request) -> ProtectedResourceRequest {
        var fields = HTTPFields()
        for (name, value) in request.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        let secure = request.application.http.server.configuration.tlsConfiguration != nil
        var certificate: [UInt8]? = nil
        if let leaf = request.peerCertificateChain?.leaf {
            var serializer = DER.Serializer()
            if (try? serializer.serialize(leaf)) != nil { certificate = serializer.serializedBytes }
        }
        return ProtectedResourceRequest(
            method: request.method.rawValue, scheme: secure ? "https" : "http", authority: request.headers.first(name: .host),
            path: request.url.string, headerFields: fields, clientCertificate: certificate)
    }

    /// A verification callback for Vapor's TLS server that validates client certificates against
    /// `trustRoots` (RFC 5280 path validation by swift-certificates, at the current time) and hands the
    /// validated chain to Vapor, which then offers it as `req.peerCertificateChain`:
    ///
    /// ```swift
    /// var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
    /// tls.certificateVerification = .noHostnameVerification   // ask for a client certificate
    /// app.http.server.configuration.tlsConfiguration = tls
    /// app.http.server.configuration.customCertificateVerifyCallbackWithMetadata =
    ///     try IntrospectionVaporMiddleware.clientCertificateVerification(trustRoots: clientCAs)
    /// ```
    ///
    /// A certificate that does not chain to a root fails the handshake. Throws when a root is not a
    /// certificate swift-certificates can read.
    public static func clientCertificateVerification(
        trustRoots: [NIOSSLCertificate]
    ) throws -> @Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResultWithMetadata>) -> Void {
        let roots = try trustRoots.map { try X509.Certificate(derEncoded: $0.toDERBytes()) }
        return { presented, promise in
            guard let leaf = presented.first.flatMap({ try? X509.Certificate(derEncoded: $0.toDERBytes()) }) else {
                promise.succeed(.failed)
                return
            }
            let intermediates = presented.dropFirst().compactMap { try? X509.Certificate(derEncoded: $0.toDERBytes()) }
            promise.completeWithTask {
                var verifier = Verifier(rootCertificates: CertificateStore(roots)) { RFC5280Policy(validationTime: Date()) }
                guard case .validCertificate(let chain) = await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates)) else {
                    return .failed
                }
                let certificates = try chain.map { certificate in
                    var serializer = DER.Serializer()
                    try serializer.serialize(certificate)
                    return try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
                }
                return .certificateVerified(VerificationMetadata(NIOSSL.ValidatedCertificateChain(certificates)))
            }
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
