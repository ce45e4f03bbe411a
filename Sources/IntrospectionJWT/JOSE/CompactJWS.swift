/// A JWS in compact serialization (RFC 7515 §7.1), parsed strictly but not yet verified.
struct CompactJWS: Sendable {
    /// Tokens longer than this are refused before any decoding (64 KiB).
    static let maximumTokenByteCount = 64 * 1024

    /// The token's bytes, as received.
    let token: [UInt8]
    /// The length of the signing input, `BASE64URL(header) || '.' || BASE64URL(payload)`, at the start of `token`.
    let signingInputByteCount: Int
    /// The protected header.
    let header: JSONObject
    /// The payload, which for a JWT is the claims set (empty when parsed as opaque bytes).
    let payload: JSONObject
    /// The decoded signature (possibly empty).
    let signature: [UInt8]

    /// Whether the payload must be a JSON object (a JWT) or may be any bytes (a bare JWS).
    enum PayloadKind {
        case jsonObject
        case opaque
    }

    /// Parses `header.payload.signature`, refusing anything that is not exactly that.
    static func parse(_ token: String, payload payloadKind: PayloadKind = .jsonObject) throws(IntrospectionJWTError) -> CompactJWS {
        let bytes = Array(token.utf8)
        guard bytes.count <= maximumTokenByteCount else {
            throw .malformed("the token is \(bytes.count) bytes long, over the limit of \(maximumTokenByteCount)")
        }
        return try bytes.withUnsafeBufferPointer { buffer throws(IntrospectionJWTError) in
            var dots: [Int] = []
            for (offset, byte) in buffer.enumerated() where byte == UInt8(ascii: ".") {
                dots.append(offset)
                if dots.count > 4 { break }
            }
            guard dots.count == 2 else {
                let parts = dots.count + 1
                if parts == 5 {
                    throw .malformed("the token has 5 parts: an encrypted (JWE) response, which is not supported")
                }
                throw .malformed("the token has \(parts > 5 ? "more than 5" : String(parts)) part\(parts == 1 ? "" : "s"), a compact JWS has 3")
            }
            let headerPart = UnsafeBufferPointer(rebasing: buffer[0..<dots[0]])
            let payloadPart = UnsafeBufferPointer(rebasing: buffer[(dots[0] + 1)..<dots[1]])
            let signaturePart = UnsafeBufferPointer(rebasing: buffer[(dots[1] + 1)...])

            let header = try decodeJSONObject(headerPart, name: "header")
            let payload: JSONObject
            switch payloadKind {
            case .jsonObject:
                payload = try decodeJSONObject(payloadPart, name: "payload")
            case .opaque:
                guard Base64URL.decode(payloadPart) != nil else {
                    throw .malformed("the payload is not valid unpadded base64url")
                }
                payload = JSONObject(members: [])
            }
            guard let signature = Base64URL.decode(signaturePart) else {
                throw .malformed("the signature is not valid unpadded base64url")
            }
            return CompactJWS(
                token: bytes, signingInputByteCount: dots[1], header: header, payload: payload, signature: signature
            )
        }
    }

    private static func decodeJSONObject(
        _ part: UnsafeBufferPointer<UInt8>,
        name: String
    ) throws(IntrospectionJWTError) -> JSONObject {
        guard let json = Base64URL.decode(part) else {
            throw .malformed("the \(name) is not valid unpadded base64url")
        }
        do {
            return try json.withUnsafeBufferPointer { buffer throws(JSONParseFailure) in
                try StrictJSONParser.parseObject(buffer)
            }
        } catch {
            throw .malformed("the \(name) is not a valid JSON object: \(error.reason)")
        }
    }

    /// Calls `body` with the exact ASCII bytes that were signed.
    func withSigningInput<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try token.withUnsafeBufferPointer { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[0..<signingInputByteCount]))
        }
    }
}
