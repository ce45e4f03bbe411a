import Foundation
import IntrospectionJWT
import NIOConcurrencyHelpers

extension LocalAuthorizationServer {
    /// The `client_assertion_type` of JWT client assertions (RFC 7523 §2.2).
    static let jwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// How far in the future an assertion's `exp` may be: 5 minutes (RFC 7523 §3 lets the server refuse an
    /// unreasonably distant one).
    static let maximumAssertionLifetime: Double = 300
    /// Leeway for `exp`, `nbf` and `iat` of assertions, in seconds.
    static let assertionClockSkew: Double = 5

    // MARK: - private_key_jwt (RFC 7523 §2.2, §3; RFC 7521 §4.2)

    /// The client a JWT assertion authenticates, or 401 `invalid_client` (RFC 7521 §4.2.1) naming the
    /// first check that failed: the assertion type, the compact form, `iss`/`sub` (and `client_id`),
    /// the registered key and the signature, `aud`, `exp`, `nbf`, `iat`, `jti`, and a `jti` already used.
    func authenticateAssertion(
        _ assertion: String?,
        type: String?,
        clientID: String?,
        clients: [Client],
        faults: Faults
    ) -> Result<Client, ResponseError> {
        func refuse(_ description: String) -> Result<Client, ResponseError> {
            .failure(ResponseError(Self.invalidClient("client assertion refused: " + description, challenge: false)))
        }
        guard type == Self.jwtBearerAssertionType else {
            return refuse("client_assertion_type is \(type.map { "\"\($0)\"" } ?? "missing"), not \(Self.jwtBearerAssertionType)")
        }
        guard let assertion else { return refuse("no client_assertion") }
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerBytes = Self.base64URLDecode(parts[0]), let payloadBytes = Self.base64URLDecode(parts[1]),
            let signature = Self.base64URLDecode(parts[2]),
            let header = (try? JSONValue(parsing: headerBytes))?.objectValue,
            let claims = (try? JSONValue(parsing: payloadBytes))?.objectValue
        else { return refuse("not a compact JWS with JSON header and claims") }

        guard let issuer = claims["iss"]?.stringValue, let subject = claims["sub"]?.stringValue, issuer == subject else {
            return refuse("iss and sub must both be the client id")
        }
        if let clientID, clientID != issuer { return refuse("client_id \(clientID) is not the assertion's iss \(issuer)") }
        guard let client = clients.first(where: { $0.id == issuer }), client.authenticationMethods.contains("private_key_jwt"),
            let key = client.assertionKey
        else { return refuse("no client \(issuer) registered for private_key_jwt") }

        guard let algorithmName = header["alg"]?.stringValue, let algorithm = SignatureAlgorithm(rawValue: algorithmName) else {
            return refuse("alg \(header["alg"].map { JSONWriter.string(for: $0) } ?? "missing") is not an asymmetric JWS algorithm")
        }
        let signingInput = Array((parts[0] + "." + parts[1]).utf8)
        guard key.verify(signature: signature, message: signingInput, algorithm: algorithm) else {
            return refuse("the \(algorithm) signature does not verify with the client's registered key")
        }

        let audiences: [String] = switch claims["aud"] {
        case .string(let value)?: [value]
        case .array(let values)?: values.compactMap(\.stringValue)
        default: []
        }
        guard audiences.contains(issuer: self.issuer, endpoint: introspectionEndpoint) else {
            return refuse("aud \(audiences) names neither the issuer nor the introspection endpoint")
        }
        let now = Date().timeIntervalSince1970
        guard let expiration = claims["exp"]?.doubleValue else { return refuse("no numeric exp") }
        guard expiration > now - Self.assertionClockSkew else { return refuse("exp has passed") }
        guard expiration <= now + Self.maximumAssertionLifetime else { return refuse("exp is more than 5 minutes away") }
        if let notBefore = claims["nbf"] {
            guard let value = notBefore.doubleValue, value <= now + Self.assertionClockSkew else { return refuse("nbf is in the future") }
        }
        if let issuedAt = claims["iat"] {
            guard let value = issuedAt.doubleValue, value <= now + Self.assertionClockSkew else { return refuse("iat is in the future") }
        }
        guard let jwtID = claims["jti"]?.stringValue, !jwtID.isEmpty else { return refuse("no jti") }

        // RFC 7523 §3: the server may keep the jti values it saw until their exp, and refuse them again.
        let replayed = state.withLockedValue { state -> Bool in
            state.assertionIDs = state.assertionIDs.filter { $0.value > now - Self.assertionClockSkew }
            let key = client.id + "\u{0}" + jwtID
            if state.assertionIDs[key] != nil, !faults.acceptReplayedAssertions { return true }
            state.assertionIDs[key] = expiration
            return false
        }
        if replayed { return refuse("the jti \(jwtID) was already used (a replayed assertion)") }
        return .success(client)
    }

    /// Unpadded base64url, decoded apart from the library's decoder.
    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        guard !text.contains("="), !text.contains("+"), !text.contains("/") else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }

    // MARK: - tls_client_auth (RFC 8705 §2.1)

    /// The client whose registered certificate binding the connection's certificate meets, or 401
    /// `invalid_client`: no certificate, one that does not chain to the server's CA (or has expired,
    /// or may not authenticate a client), or one that names another subject.
    func authenticateCertificate(_ request: TestHTTPServer.Request, client: Client) -> Result<Client, ResponseError> {
        func refuse(_ description: String) -> Result<Client, ResponseError> {
            .failure(ResponseError(Self.invalidClient("client certificate refused: " + description, challenge: false)))
        }
        guard let tls else { return refuse("the server does not speak TLS") }
        guard let certificate = request.clientCertificate else { return refuse("no certificate on the TLS connection") }
        if let refusal = tls.authority.refusal(ofClientCertificate: certificate.der) {
            return refuse("not a valid certificate of the server's CA: \(refusal)")
        }
        guard let binding = client.certificateBinding, binding.matches(certificate) else {
            return refuse("the certificate (subject \(certificate.subjectDN)) is not the one registered for \(client.id)")
        }
        return .success(client)
    }
}

extension [String] {
    /// Whether the audiences name the authorization server: its issuer identifier or the endpoint's URL.
    fileprivate func contains(issuer: String, endpoint: String) -> Bool {
        contains(issuer) || contains(endpoint)
    }
}
