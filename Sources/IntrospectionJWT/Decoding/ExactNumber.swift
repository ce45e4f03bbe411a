// Written by hand: the standard library parses integers only from plain digit strings and floating-point
// numbers only through their text; a JSON number such as `1.7e9` or `1763740800.0` is an exact integer
// that neither reads as one, and Foundation's JSONDecoder would re-parse the whole text by its own rules.

/// What the text of a JSON number is, read as an integer of a given type.
enum ExactInteger<T: FixedWidthInteger> {
    /// The number is exactly this integer.
    case value(T)
    /// The number has a fraction that is not zero.
    case notAnInteger
    /// The number is an integer outside `T`'s range.
    case outOfRange

    /// Reads `text`, a JSON number the strict scanner accepted (`-? int frac? exp?`), exactly: `1.7e9`,
    /// `17E8` and `1700000000.000` are all the integer 1700000000; `1.5` is not an integer; `1e30` does
    /// not fit in 64 bits.
    init(_ text: UnsafeBufferPointer<UInt8>) {
        var position = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { position = 1 }
        // The significant digits (integer and fraction parts, leading zeros dropped) and the power of ten
        // they are scaled by.
        var digits: [UInt8] = []
        var scale = 0
        var inFraction = false
        while position < text.count {
            let byte = text[position]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                break
            } else {
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte &- UInt8(ascii: "0")) }
                if inFraction { scale -= 1 }
            }
            position += 1
        }
        if position < text.count {
            // The exponent, clamped: anything past ±10,000 decides the outcome the same way.
            position += 1
            var exponentIsNegative = false
            if text[position] == UInt8(ascii: "-") || text[position] == UInt8(ascii: "+") {
                exponentIsNegative = text[position] == UInt8(ascii: "-")
                position += 1
            }
            var exponent = 0
            while position < text.count {
                exponent = min(exponent * 10 + Int(text[position] &- UInt8(ascii: "0")), 10_000)
                position += 1
            }
            scale += exponentIsNegative ? -exponent : exponent
        }
        // A fraction part's leading zeros were counted in the scale but not kept: `0.05` is [5] × 10⁻².
        while let last = digits.last, last == 0 {
            digits.removeLast()
            scale += 1
        }
        guard !digits.isEmpty else {
            self = .value(0)  // 0, -0, 0.000, 0e99
            return
        }
        guard scale >= 0 else {
            self = .notAnInteger
            return
        }
        guard digits.count + scale <= 20 else {  // more than 20 digits is over UInt64.max
            self = .outOfRange
            return
        }
        var magnitude: UInt64 = 0
        for digit in digits + [UInt8](repeating: 0, count: scale) {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow, !carry else {
                self = .outOfRange
                return
            }
            magnitude = sum
        }
        if !negative {
            self = T(exactly: magnitude).map(ExactInteger.value) ?? .outOfRange
        } else if T.isSigned, magnitude <= UInt64(T.max) + 1 {
            // -(T.max + 1) is T.min, which has no positive counterpart in T.
            self = .value(magnitude == UInt64(T.max) + 1 ? T.min : 0 - T(magnitude))
        } else {
            self = .outOfRange
        }
    }
}
