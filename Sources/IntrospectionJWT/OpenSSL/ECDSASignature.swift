// Written by hand: the conversion is a few lines of DER, done in a fixed stack buffer so that an ES*
// verification allocates nothing for it (OpenSSL's ECDSA_SIG route allocates three objects per call).

/// The JWS form of an ECDSA signature, `R || S` with each half exactly the curve's coordinate length
/// (RFC 7518 §3.4), and its conversion to the DER `ECDSA-Sig-Value` that OpenSSL verifies.
enum ECDSASignature {
    /// Room for the DER form on the largest curve (P-521): 2 × (2 + 67) + 3 bytes.
    static let maximumDERByteCount = 144

    /// Writes the DER form of `raw` into `output` and returns its length, or nil when `raw` does not
    /// have exactly twice the coordinate length, or when R or S is zero.
    static func der(
        fromRaw raw: UnsafeBufferPointer<UInt8>,
        coordinateByteCount: Int,
        into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Int? {
        guard raw.count == 2 * coordinateByteCount, output.count >= maximumDERByteCount else { return nil }
        let r = UnsafeBufferPointer(rebasing: raw[0..<coordinateByteCount])
        let s = UnsafeBufferPointer(rebasing: raw[coordinateByteCount...])
        guard let rStart = r.firstIndex(where: { $0 != 0 }), let sStart = s.firstIndex(where: { $0 != 0 }) else {
            return nil  // R or S is zero
        }
        let rLength = r.count - rStart + (r[rStart] & 0x80 != 0 ? 1 : 0)
        let sLength = s.count - sStart + (s[sStart] & 0x80 != 0 ? 1 : 0)
        let contentLength = 2 + rLength + 2 + sLength
        var position = 0
        func put(_ byte: UInt8) {
            output[position] = byte
            position += 1
        }
        put(0x30)  // SEQUENCE
        if contentLength > 0x7F {
            put(0x81)
        }
        put(UInt8(contentLength))
        func putInteger(_ half: UnsafeBufferPointer<UInt8>, from start: Int, length: Int) {
            put(0x02)  // INTEGER
            put(UInt8(length))
            if length > half.count - start { put(0x00) }  // keep the integer positive
            for index in start..<half.count { put(half[index]) }
        }
        putInteger(r, from: rStart, length: rLength)
        putInteger(s, from: sStart, length: sLength)
        return position
    }
}
