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

    /// The JWS form (`R || S`, each left-padded to `coordinateByteCount`) of a DER `ECDSA-Sig-Value`, as
    /// OpenSSL's signing produces it; nil when `der` is not exactly one SEQUENCE of two positive
    /// INTEGERs that fit the curve.
    static func raw(fromDER der: [UInt8], coordinateByteCount: Int) -> [UInt8]? {
        var index = 0
        func length() -> Int? {
            guard index < der.count else { return nil }
            let first = der[index]
            index += 1
            if first < 0x80 { return Int(first) }
            guard first == 0x81, index < der.count, der[index] >= 0x80 else { return nil }  // at most 255 bytes here
            defer { index += 1 }
            return Int(der[index])
        }
        func integer() -> [UInt8]? {
            guard index < der.count, der[index] == 0x02 else { return nil }
            index += 1
            guard let count = length(), count > 0, index + count <= der.count else { return nil }
            var value = Array(der[index..<(index + count)])
            index += count
            guard value[0] & 0x80 == 0 else { return nil }  // negative
            while value.count > 1, value[0] == 0 { value.removeFirst() }
            guard value.count <= coordinateByteCount else { return nil }
            return [UInt8](repeating: 0, count: coordinateByteCount - value.count) + value
        }
        guard der.first == 0x30 else { return nil }
        index = 1
        guard let sequenceLength = length(), index + sequenceLength == der.count,
            let r = integer(), let s = integer(), index == der.count
        else { return nil }
        return r + s
    }
}
