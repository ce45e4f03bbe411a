import IntrospectionJWT

/// A compact JWS as received, split and decoded but not judged: each check looks at the part it is
/// about, so that one defect fails one check.
struct ReceivedJWS {
    /// The protected header.
    let header: JSONObject
    /// The claims.
    let claims: JSONObject
    /// The decoded signature.
    let signature: [UInt8]
    /// `BASE64URL(header) '.' BASE64URL(payload)`, exactly as received.
    let signingInput: [UInt8]

    /// Splits `text` into three base64url parts and decodes the header and payload as strict JSON
    /// objects; the error is a one-line reason.
    static func parse(_ text: String) -> Result<ReceivedJWS, ReasonError> {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            if parts.count == 5 { return .failure(ReasonError("5 parts: an encrypted JWE, which this checker cannot read")) }
            if parts.count == 1 { return .failure(ReasonError("not a JWS (\(parts.count) part, \(text.utf8.count) bytes)")) }
            return .failure(ReasonError("\(parts.count) parts, a compact JWS has 3"))
        }
        func object(_ part: Substring, _ name: String) -> Result<JSONObject, ReasonError> {
            guard let bytes = Base64URL.decode(String(part)) else {
                return .failure(ReasonError("the \(name) is not unpadded base64url"))
            }
            do {
                let value = try JSONValue(parsing: bytes)
                guard let object = value.objectValue else {
                    return .failure(ReasonError("the \(name) is a JSON \(value.typeName), not an object"))
                }
                return .success(object)
            } catch {
                return .failure(ReasonError("the \(name) is \(error.message)"))
            }
        }
        let header: JSONObject
        let claims: JSONObject
        switch object(parts[0], "header") {
        case .success(let value): header = value
        case .failure(let reason): return .failure(reason)
        }
        switch object(parts[1], "payload") {
        case .success(let value): claims = value
        case .failure(let reason): return .failure(reason)
        }
        guard let signature = Base64URL.decode(String(parts[2])) else {
            return .failure(ReasonError("the signature is not unpadded base64url"))
        }
        let signingInput = Array(text.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        return .success(ReceivedJWS(header: header, claims: claims, signature: signature, signingInput: signingInput))
    }
}

/// A one-line reason a check failed.
struct ReasonError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
