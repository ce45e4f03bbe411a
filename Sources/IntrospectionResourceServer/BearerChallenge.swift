/// The `WWW-Authenticate` value of a bearer-token answer (RFC 6750 §3):
///
///     Bearer realm="api", error="insufficient_scope", scope="orders:read orders:write"
///
/// Every value is a quoted string. RFC 6750 §3 limits `error` and `error_description` to the characters
/// %x20-21 / %x23-5B / %x5D-7E and `scope` tokens to %x21 / %x23-5B / %x5D-7E; `realm` is any quoted
/// string (RFC 9110 §11.2). Characters outside those sets are replaced with `?` rather than escaped, a
/// `"` or `\` in the realm is escaped with `\`, so that no value can end the quoted string early or carry
/// a line break. The challenge never contains the token.
public struct BearerChallenge: Sendable, Hashable, CustomStringConvertible {
    /// The protection space (the realm of RFC 9110 §11.5).
    public let realm: String
    /// The error code: nil when the request had no token (RFC 6750 §3.1), else `invalid_request`,
    /// `invalid_token` or `insufficient_scope`.
    public let error: String?
    /// The scopes needed, for `insufficient_scope`.
    public let scopes: [String]

    /// Makes a challenge.
    public init(realm: String, error: String? = nil, scopes: [String] = []) {
        self.realm = realm
        self.error = error
        self.scopes = scopes
    }

    /// The field value.
    public var description: String {
        Self.render("Bearer", realm: realm, error: error, scopes: scopes)
    }

    /// `<scheme> [realm="…"][, algs="…"][, error="…"][, scope="…"]`: the one rendering of both schemes.
    static func render(_ scheme: String, realm: String?, algorithms: [String]? = nil, error: String?, scopes: [String]) -> String {
        var parts: [String] = []
        if let realm {
            parts.append("realm=\"" + quotedStringContent(realm) + "\"")
        }
        if let algorithms {
            parts.append("algs=\"" + algorithms.map { restricted($0, allowSpace: false) }.joined(separator: " ") + "\"")
        }
        if let error {
            parts.append("error=\"" + restricted(error, allowSpace: true) + "\"")
        }
        if !scopes.isEmpty {
            parts.append("scope=\"" + scopes.map { restricted($0, allowSpace: false) }.joined(separator: " ") + "\"")
        }
        return scheme + " " + parts.joined(separator: ", ")
    }

    /// A realm as the inside of a quoted string: `"` and `\` escaped, anything but visible ASCII and space
    /// replaced.
    static func quotedStringContent(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22, 0x5C: result += "\\" + String(scalar)
            case 0x20...0x7E: result.unicodeScalars.append(scalar)
            default: result += "?"
            }
        }
        return result
    }

    /// A value limited to RFC 6750's NQSCHAR (with space) or NQCHAR (without).
    static func restricted(_ text: String, allowSpace: Bool) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let allowed = (value == 0x20 && allowSpace) || value == 0x21 || (0x23...0x5B).contains(value) || (0x5D...0x7E).contains(value)
            if allowed { result.unicodeScalars.append(scalar) } else { result += "?" }
        }
        return result
    }
}

/// The `WWW-Authenticate` value of a DPoP answer (RFC 9449 §7.1), in the form of the RFC's examples and
/// of this package's contract, without a realm (the `Bearer` challenge sent beside it names the realm):
///
///     DPoP algs="ES256 EdDSA", error="invalid_dpop_proof"
///
/// Values are quoted and restricted as in ``BearerChallenge``; `algs` lists the accepted algorithms.
public struct DPoPChallenge: Sendable, Hashable, CustomStringConvertible {
    /// The accepted `alg` values, in order.
    public let algorithms: [String]
    /// The error code: nil for a plain challenge, else `invalid_dpop_proof`, `use_dpop_nonce`,
    /// `invalid_token`, `invalid_request` or `insufficient_scope`.
    public let error: String?
    /// The scopes needed, for `insufficient_scope`.
    public let scopes: [String]

    /// Makes a challenge.
    public init(algorithms: [String], error: String? = nil, scopes: [String] = []) {
        self.algorithms = algorithms
        self.error = error
        self.scopes = scopes
    }

    /// The field value.
    public var description: String {
        BearerChallenge.render("DPoP", realm: nil, algorithms: algorithms, error: error, scopes: scopes)
    }
}
