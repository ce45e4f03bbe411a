internal import Foundation  // memchr

/// A JWS in compact serialization (RFC 7515 §7.1), parsed strictly but not yet verified.
struct CompactJWS: Sendable {
    /// Tokens longer than this are refused before any decoding (64 KiB).
    static let maximumTokenByteCount = 64 * 1024

    /// The token, as received (its UTF-8 is what was signed, up to ``signingInputByteCount``).
    let token: String
    /// The length of the signing input, `BASE64URL(header) || '.' || BASE64URL(payload)`, at the start of `token`.
    let signingInputByteCount: Int
    /// The protected header.
    let header: JSONObject
    /// The payload, which for a JWT is the claims set, as its decoded bytes and tape (an empty object when
    /// parsed as opaque bytes): the claims are checked in place, without a tree.
    let payload: JSONTape
    /// The decoded signature (possibly empty).
    let signature: [UInt8]

    /// Whether the payload must be a JSON object (a JWT) or may be any bytes (a bare JWS).
    enum PayloadKind {
        case jsonObject
        case opaque
    }

    /// Parses `header.payload.signature`, refusing anything that is not exactly that.
    ///
    /// The hot path works on the token's own UTF-8 (no copy) and decodes the header and payload into a
    /// temporary buffer that only the JSON parser reads.
    static func parse(_ token: String, payload payloadKind: PayloadKind = .jsonObject) throws(IntrospectionJWTError) -> CompactJWS {
        var token = token
        let byteCount = token.utf8.count
        guard byteCount <= maximumTokenByteCount else {
            throw .malformed("the token is \(byteCount) bytes long, over the limit of \(maximumTokenByteCount)")
        }
        typealias Parts = (header: JSONObject, payload: JSONTape, signature: [UInt8], signingInputByteCount: Int)
        let parsed = token.withUTF8 { buffer in Result { () throws(IntrospectionJWTError) -> Parts in
            // The positions of the first two dots, and how many dots there are (up to 5); memchr, not a
            // loop over every byte: the token is over a kilobyte of base64url.
            var firstDot = -1, secondDot = -1, dots = 0
            if let base = buffer.baseAddress {
                var offset = 0
                while dots <= 4, offset < buffer.count,
                    let found = memchr(base + offset, Int32(UInt8(ascii: ".")), buffer.count - offset) {
                    let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    dots += 1
                    if dots == 1 { firstDot = position } else if dots == 2 { secondDot = position }
                    offset = position + 1
                }
            }
            guard dots == 2 else {
                let parts = dots + 1
                if parts == 5 {
                    throw .malformed("the token has 5 parts: an encrypted (JWE) response, which is not supported")
                }
                throw .malformed("the token has \(parts > 5 ? "more than 5" : String(parts)) part\(parts == 1 ? "" : "s"), a compact JWS has 3")
            }
            let headerPart = UnsafeBufferPointer(rebasing: buffer[0..<firstDot])
            let payloadPart = UnsafeBufferPointer(rebasing: buffer[(firstDot + 1)..<secondDot])
            let signaturePart = UnsafeBufferPointer(rebasing: buffer[(secondDot + 1)...])

            // One tape array serves the header (scanned, turned into a tree, emptied) and then the payload.
            var entries: [TapeEntry] = []
            entries.reserveCapacity(StrictJSONParser.estimatedEntryCount(forByteCount: payloadPart.count))
            let header = try decodeJSONObject(headerPart, name: "header", entries: &entries)
            let payload: JSONTape
            switch payloadKind {
            case .jsonObject:
                payload = try decodeJSONTape(payloadPart, entries: &entries)
            case .opaque:
                guard Base64URL.decode(payloadPart) != nil else {
                    throw .malformed("the payload is not valid unpadded base64url")
                }
                payload = .emptyObject
            }
            guard let signature = Base64URL.decode(signaturePart) else {
                throw .malformed("the signature is not valid unpadded base64url")
            }
            return (header: header, payload: payload, signature: signature, signingInputByteCount: secondDot)
        } }
        let parts = try parsed.get()
        return CompactJWS(
            token: token, signingInputByteCount: parts.signingInputByteCount,
            header: parts.header, payload: parts.payload, signature: parts.signature
        )
    }

    private static func decodeJSONObject(
        _ part: UnsafeBufferPointer<UInt8>,
        name: String,
        entries: inout [TapeEntry]
    ) throws(IntrospectionJWTError) -> JSONObject {
        guard let capacity = Base64URL.decodedByteCount(part.count) else {
            throw .malformed("the \(name) is not valid unpadded base64url")
        }
        let result = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(capacity, 1)) { buffer -> Result<JSONObject, IntrospectionJWTError> in
            guard let count = Base64URL.decode(part, into: buffer) else {
                return .failure(.malformed("the \(name) is not valid unpadded base64url"))
            }
            do throws(JSONParseFailure) {
                return .success(try StrictJSONParser.parseObject(UnsafeBufferPointer(rebasing: buffer[0..<count]), entries: &entries))
            } catch {
                return .failure(.malformed("the \(name) is not a valid JSON object: \(error.reason)"))
            }
        }
        return try result.get()
    }

    /// Decodes the payload into one array, kept with its tape: two allocations for the whole claims set.
    private static func decodeJSONTape(_ part: UnsafeBufferPointer<UInt8>, entries: inout [TapeEntry]) throws(IntrospectionJWTError) -> JSONTape {
        guard let bytes = Base64URL.decode(part) else {
            throw .malformed("the payload is not valid unpadded base64url")
        }
        do throws(JSONParseFailure) {
            return try JSONTape(object: bytes, reusing: &entries)
        } catch {
            throw .malformed("the payload is not a valid JSON object: \(error.reason)")
        }
    }

    /// Calls `body` with the exact ASCII bytes that were signed.
    func withSigningInput<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var token = token  // already native UTF-8 after parse: withUTF8 does not copy
        return try token.withUTF8 { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[0..<signingInputByteCount]))
        }
    }
}
