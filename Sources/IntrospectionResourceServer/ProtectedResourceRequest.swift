public import HTTPTypes

/// What the authorizer needs to know about a request to check sender-constrained tokens: its method and
/// target URI (for a DPoP proof's `htm` and `htu`, RFC 9449 §4.3), its header fields (`Authorization`,
/// `DPoP`) and the client certificate of its TLS connection (for `cnf.x5t#S256`, RFC 8705 §3).
///
/// A framework adapter fills it from the connection; a forward-auth service from `X-Forwarded-Method`,
/// `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-Uri` (and a certificate header it was told to
/// trust, read with ``ClientCertificateHeader``). What is unknown stays nil: a DPoP-bound token then
/// fails with 401 `invalid_dpop_proof` (its proof cannot be checked), a certificate-bound one with 401
/// `invalid_token`; bearer tokens are unaffected.
///
/// The value's descriptions never show the header fields (they hold the token and the proof).
public struct ProtectedResourceRequest: Sendable, CustomStringConvertible, CustomReflectable {
    /// The method (`GET`, `POST`, ...), compared with `htm` exactly.
    public var method: String?
    /// `http` or `https`.
    public var scheme: String?
    /// `host[:port]`, as the client addressed it (the `Host` field).
    public var authority: String?
    /// The path, with or without its query (the query is not part of `htu`).
    public var path: String?
    /// Every header field of the request.
    public var headerFields: HTTPFields
    /// The DER of the client certificate the TLS connection authenticated, if any.
    public var clientCertificate: [UInt8]?

    /// A request with what is known of it.
    public init(
        method: String?,
        scheme: String?,
        authority: String?,
        path: String?,
        headerFields: HTTPFields,
        clientCertificate: [UInt8]? = nil
    ) {
        self.method = method
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.headerFields = headerFields
        self.clientCertificate = clientCertificate
    }

    /// A request as swift-http-types holds it (as Hummingbird does), with the certificate of its connection.
    public init(_ request: HTTPRequest, clientCertificate: [UInt8]? = nil) {
        self.init(
            method: request.method.rawValue, scheme: request.scheme, authority: request.authority, path: request.path,
            headerFields: request.headerFields, clientCertificate: clientCertificate)
    }

    /// Header fields alone: method and URI unknown, no certificate (what
    /// `BearerTokenAuthorizer.authorize(_:requirement:)` with `HTTPFields` decides on).
    public init(headerFields: HTTPFields) {
        self.init(method: nil, scheme: nil, authority: nil, path: nil, headerFields: headerFields)
    }

    /// The target URI without query and fragment, normalised (RFC 3986 §6), or why it cannot be had;
    /// `origin` (`scheme://authority`), when given, stands for the request's scheme and authority.
    func targetURI(origin: String? = nil) -> Result<TargetURI, TargetURI.Problem> {
        guard let path else { return .failure(.notAbsolute) }
        let base: String
        if let origin {
            base = origin.hasSuffix("/") ? String(origin.dropLast()) : origin
        } else {
            guard let scheme, let authority, !authority.isEmpty else { return .failure(.notAbsolute) }
            base = scheme + "://" + authority
        }
        let separator = path.hasPrefix("/") || path.isEmpty ? "" : "/"
        return TargetURI.parse(base + separator + path, droppingQuery: true)
    }

    /// `GET https://api.example.com/orders (3 header fields, client certificate)`: no field values.
    public var description: String {
        let target = [scheme.map { $0 + "://" }, authority, path.map { String($0.prefix { $0 != "?" }) }].compactMap { $0 }.joined()
        return "\(method ?? "?") \(target.isEmpty ? "?" : target) (\(headerFields.count) header fields\(clientCertificate == nil ? "" : ", client certificate"))"
    }

    /// A mirror without the header fields, so that `dump` cannot print a token either.
    public var customMirror: Mirror { Mirror(self, children: ["value": description]) }
}

extension ProtectedResourceRequest {
    /// `X-Forwarded-Method`: the original request's method, as Caddy's and Traefik's forward auth send it.
    public static let forwardedMethod = HTTPField.Name("X-Forwarded-Method")!
    /// `X-Forwarded-Proto`: `http` or `https`, as the client reached the proxy.
    public static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    /// `X-Forwarded-Host`: the `Host` the client sent the proxy.
    public static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
    /// `X-Forwarded-Uri`: the original request's path and query.
    public static let forwardedURI = HTTPField.Name("X-Forwarded-Uri")!

    /// The original request a proxy asks a forward-auth service about, read from the header fields the
    /// proxy sets on its subrequest: `X-Forwarded-Method`, `-Proto`, `-Host` and `-Uri` for the method and
    /// target URI, and the client certificate from the field `clientCertificateHeader` names, only when it
    /// names one (RFC 9440 `Client-Cert` or nginx's escaped PEM, read by ``ClientCertificateHeader``).
    ///
    /// A member that is missing, empty, or sent more than once (a client's own field beside the proxy's)
    /// stays unknown, and so does a certificate field that cannot be read: a DPoP-bound token is then
    /// refused with 401 `invalid_dpop_proof`, a certificate-bound one with 401 `invalid_token`. A proxy
    /// that does not overwrite these fields on every request lets a client choose them: trust this only
    /// behind one that does.
    public init(forwardedHeaderFields headerFields: HTTPFields, clientCertificateHeader: HTTPField.Name? = nil) {
        func single(_ name: HTTPField.Name) -> String? {
            let values = headerFields[values: name]
            guard values.count == 1, let value = values.first, !value.isEmpty else { return nil }
            return value
        }
        let scheme = single(Self.forwardedProto).map { $0.lowercased() }
        var certificate: [UInt8]? = nil
        if let clientCertificateHeader {
            certificate = try? ClientCertificateHeader.certificate(fromValues: headerFields[values: clientCertificateHeader])
        }
        self.init(
            method: single(Self.forwardedMethod),
            scheme: scheme == "http" || scheme == "https" ? scheme : nil,
            // A list (`a, b`) names several hops: which one the client addressed is unknown.
            authority: single(Self.forwardedHost).flatMap { $0.contains(",") ? nil : $0 },
            path: single(Self.forwardedURI).flatMap { $0.hasPrefix("/") ? $0 : nil },
            headerFields: headerFields,
            clientCertificate: certificate)
    }
}
