// Written by hand: no listed Swift package decrypts JWE with OpenSSL (jwt-kit has no JWE, and issue 13 allows
// no second crypto library such as swift-crypto); OpenSSL does every primitive, this file only the JOSE rules.

internal import Foundation  // memchr

/// A JWE in compact serialization (RFC 7516 §7.1), parsed strictly but not yet decrypted.
struct CompactJWE: Sendable {
    /// Encrypted responses longer than this are refused before any decoding (128 KiB).
    static let maximumTokenByteCount = 128 * 1024

    /// The protected header.
    let header: JSONObject
    /// `ASCII(BASE64URL(UTF8(protected header)))`: the additional authenticated data (RFC 7516 §5.2 step 14).
    let additionalData: [UInt8]
    /// The encrypted key (empty for `dir` and `ECDH-ES`).
    let encryptedKey: [UInt8]
    /// The initialization vector.
    let iv: [UInt8]
    /// The ciphertext.
    let ciphertext: [UInt8]
    /// The authentication tag.
    let tag: [UInt8]

    /// The number of dot-separated parts of `token`, counted up to 6 (6 means "more than 5"): 3 for a
    /// compact JWS, 5 for a compact JWE.
    static func partCount(_ token: String) -> Int {
        var token = token
        return token.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return 1 }
            var dots = 0
            var offset = 0
            while dots <= 4, offset < buffer.count,
                let found = memchr(base + offset, Int32(UInt8(ascii: ".")), buffer.count - offset) {
                dots += 1
                offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return dots + 1
        }
    }

    /// The positions of the four dots of a five-part token, or nil when it has another number of dots.
    private static func dotPositions(in buffer: UnsafeBufferPointer<UInt8>) -> [Int]? {
        guard let base = buffer.baseAddress else { return nil }
        var dots: [Int] = []
        var offset = 0
        while dots.count <= 4, offset < buffer.count,
            let found = memchr(base + offset, Int32(UInt8(ascii: ".")), buffer.count - offset) {
            let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            dots.append(position)
            offset = position + 1
        }
        return dots.count == 4 ? dots : nil
    }

    /// Parses `header.encryptedKey.iv.ciphertext.tag`, refusing anything that is not exactly that: five
    /// parts of strict unpadded base64url, a protected header that is a strict UTF-8 JSON object, at most
    /// 128 KiB in all. Empty key, IV, ciphertext or tag parts are left to the decryption to refuse.
    static func parse(_ token: String) throws(IntrospectionJWTError) -> CompactJWE {
        var token = token
        let byteCount = token.utf8.count
        guard byteCount <= maximumTokenByteCount else {
            throw .malformed("the encrypted token is \(byteCount) bytes long, over the limit of \(maximumTokenByteCount)")
        }
        let parsed = token.withUTF8 { buffer in Result { () throws(IntrospectionJWTError) -> CompactJWE in
            guard let dots = dotPositions(in: buffer) else {
                throw .malformed("the token does not have the 5 parts of a compact JWE")
            }
            func part(_ index: Int) -> UnsafeBufferPointer<UInt8> {
                let start = index == 0 ? 0 : dots[index - 1] + 1
                let end = index == 4 ? buffer.count : dots[index]
                return UnsafeBufferPointer(rebasing: buffer[start..<end])
            }
            let names = ["protected header", "encrypted key", "initialization vector", "ciphertext", "authentication tag"]
            var decoded: [[UInt8]] = []
            for index in 0..<5 {
                guard let bytes = Base64URL.decode(part(index)) else {
                    throw .malformed("the JWE \(names[index]) is not valid unpadded base64url")
                }
                decoded.append(bytes)
            }
            let header: JSONObject
            do throws(JSONParseFailure) {
                var entries: [TapeEntry] = []
                header = try decoded[0].withUnsafeBufferPointer { bytes throws(JSONParseFailure) in
                    try StrictJSONParser.parseObject(bytes, entries: &entries)
                }
            } catch {
                throw .malformed("the JWE protected header is not a valid JSON object: \(error.reason)")
            }
            return CompactJWE(
                header: header, additionalData: Array(part(0)), encryptedKey: decoded[1], iv: decoded[2],
                ciphertext: decoded[3], tag: decoded[4])
        } }
        return try parsed.get()
    }
}
