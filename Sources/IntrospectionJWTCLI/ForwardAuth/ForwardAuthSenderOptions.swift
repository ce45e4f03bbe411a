import ArgumentParser
import HTTPTypes
import IntrospectionJWT
import IntrospectionResourceServer

/// `forward-auth`'s options for sender-constrained tokens: DPoP (RFC 9449, on unless `--no-dpop`) and the
/// header in which a TLS-terminating proxy passes the client certificate (RFC 8705 §3), trusted only when
/// named.
struct ForwardAuthSenderOptions: ParsableArguments {
    @Flag(name: .customLong("no-dpop"), help: ArgumentHelp(
        "Accept the Bearer scheme alone: no DPoP scheme and no DPoP challenge (a DPoP-bound token is then always refused)."))
    var noDPoP = false

    @Option(name: .customLong("dpop-algorithms"), help: ArgumentHelp(
        "The algorithms a DPoP proof may use, comma separated (default: every asymmetric one supported).", valueName: "ES256,EdDSA"))
    var dpopAlgorithms: String?

    @Option(name: .customLong("dpop-max-age"), help: ArgumentHelp(
        "How long after its iat a DPoP proof is accepted, and its jti remembered against replay, in seconds (default 60).",
        valueName: "seconds"))
    var dpopMaxAge: String?

    @Flag(name: .customLong("dpop-nonce"), help: ArgumentHelp(
        "Require server nonces in DPoP proofs (RFC 9449 §9): 401 use_dpop_nonce with a DPoP-Nonce until a proof carries the current one."))
    var dpopNonce = false

    @Option(name: .customLong("client-cert-header"), help: ArgumentHelp(
        "The request header in which the proxy passes the TLS client certificate (RFC 9440 Client-Cert, or nginx's $ssl_client_escaped_cert); never read unless named.",
        valueName: "name"))
    var clientCertHeader: String?

    func validate() throws {
        _ = try dpop()
        _ = try clientCertificateHeader()
    }

    /// The DPoP options, or nil with `--no-dpop`; a `ValidationError` (exit status 2) for a bad value or a
    /// DPoP option beside `--no-dpop`.
    func dpop() throws -> DPoPOptions? {
        if noDPoP {
            if dpopAlgorithms != nil || dpopMaxAge != nil || dpopNonce {
                throw ValidationError("--no-dpop cannot be combined with --dpop-algorithms, --dpop-max-age or --dpop-nonce.")
            }
            return nil
        }
        var options = DPoPOptions(nonces: dpopNonce ? RotatingDPoPNonces() : nil)
        if let dpopAlgorithms {
            let allowed = try PolicyOptions.parseAlgorithms(dpopAlgorithms, option: "--dpop-algorithms")
            // The challenge's algs in the library's order (elliptic curves first).
            options.allowedAlgorithms = DPoPOptions.defaultAlgorithms.filter(allowed.contains)
        }
        if let dpopMaxAge {
            options.maximumAge = ForwardAuthCacheOptions.duration(try PolicyOptions.seconds(dpopMaxAge, of: "--dpop-max-age", zero: .refused))
        }
        return options
    }

    /// `--client-cert-header` as a field name, or nil when not given.
    func clientCertificateHeader() throws -> HTTPField.Name? {
        guard let clientCertHeader else { return nil }
        guard let name = HTTPField.Name(clientCertHeader) else {
            throw ValidationError("--client-cert-header '\(clientCertHeader)' is not a header field name (RFC 9110 §5.1 token).")
        }
        guard ![.authorization, HTTPField.Name("DPoP")!].contains(name) else {
            throw ValidationError("--client-cert-header cannot name \(clientCertHeader): it carries the token or its proof.")
        }
        return name
    }
}
