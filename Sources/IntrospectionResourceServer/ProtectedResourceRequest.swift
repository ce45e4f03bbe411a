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
