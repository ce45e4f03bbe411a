// Written by hand: Foundation's base64 decoder accepts padding and the standard alphabet and does not
// insist on canonical trailing bits, all of which RFC 7515 §2 (and our strict parsing) must refuse.

/// Strict unpadded base64url (RFC 4648 §5, RFC 7515 §2, Appendix C).
package enum Base64URL {
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Decodes unpadded base64url; nil when a character is outside the alphabet (including `=`, `+`, `/`
    /// and white space), when the length cannot be an encoding (n mod 4 = 1), or when unused trailing
    /// bits are not zero (a non-canonical encoding).
    package static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let capacity = decodedByteCount(input.count) else { return nil }
        var valid = false
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            if let count = decode(input, into: buffer) {
                initialized = count
                valid = true
            } else {
                initialized = 0
            }
        }
        return valid ? output : nil
    }

    /// The number of bytes `count` base64url characters decode to, or nil when no encoding has that length.
    static func decodedByteCount(_ count: Int) -> Int? {
        count % 4 == 1 ? nil : count / 4 * 3 + max(0, count % 4 - 1)
    }

    /// Decodes unpadded base64url into `output` (at least ``decodedByteCount(_:)`` bytes) and returns the
    /// number of bytes written; nil on the same inputs as ``decode(_:)-(UnsafeBufferPointer<UInt8>)``.
    /// The hot path: no allocation.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let count = input.count
        guard let expected = decodedByteCount(count), output.count >= expected else { return nil }
        return decodeTable.withUnsafeBufferPointer { table -> Int? in
            var index = 0
            var position = 0
            // Invalid characters (0xFF in the table) are collected in `invalid` and checked once after the
            // loop: no branch per group of four on the hot path (a token's two kilobytes of base64url).
            var invalid: UInt8 = 0
            while index + 4 <= count {
                let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                let c = table[Int(input[index + 2])], d = table[Int(input[index + 3])]
                invalid |= a | b | c | d
                let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                output[position] = UInt8(truncatingIfNeeded: group >> 16)
                output[position + 1] = UInt8(truncatingIfNeeded: group >> 8)
                output[position + 2] = UInt8(truncatingIfNeeded: group)
                position += 3
                index += 4
            }
            if invalid & 0xC0 != 0 { return nil }
            switch count - index {
            case 0:
                break
            case 2:
                let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                if (a | b) & 0xC0 != 0 || b & 0x0F != 0 { return nil }
                output[position] = a << 2 | b >> 4
                position += 1
            case 3:
                let a = table[Int(input[index])], b = table[Int(input[index + 1])], c = table[Int(input[index + 2])]
                if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 { return nil }
                output[position] = a << 2 | b >> 4
                output[position + 1] = b << 4 | c >> 2
                position += 2
            default:
                return nil
            }
            return position
        }
    }

    /// Decodes a string (see ``decode(_:)-(UnsafeBufferPointer<UInt8>)``).
    package static func decode(_ string: String) -> [UInt8]? {
        var string = string
        return string.withUTF8 { decode($0) }
    }

    /// Encodes bytes as unpadded base64url.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 0x3F)])
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(6 - bits)) & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
