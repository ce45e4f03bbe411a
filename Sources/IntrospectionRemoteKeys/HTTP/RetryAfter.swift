package import Foundation

/// The `Retry-After` field of a `429` or `503` answer (RFC 9110 §10.2.3, RFC 6585 §4): how long the server
/// asks the client to wait before its next request.
package enum RetryAfter {
    /// The month names of HTTP dates.
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The delay `field` asks for: delta-seconds as they are, or an HTTP-date minus the response's own
    /// `Date` (`responseDate`, the server's clock, so that a skew between the two clocks does not count),
    /// or minus `now` when the response has no usable `Date`. Zero for a date in the past; nil for a value
    /// that is neither.
    package static func delay(_ field: String, responseDate: String?, now: Date) -> Duration? {
        let value = field.trimmingCharacters(in: .whitespaces)
        if let seconds = HTTPCacheHeaders.deltaSeconds(value) { return .seconds(seconds) }
        guard let date = httpDate(value, now: now) else { return nil }
        let origin = responseDate.flatMap { httpDate($0, now: now) } ?? now
        let seconds = date.timeIntervalSince(origin)
        guard seconds > 0 else { return .zero }
        return .milliseconds(Int64((min(seconds, 2_147_483_648) * 1000).rounded(.up)))
    }

    /// An HTTP-date in any of the three forms a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`,
    /// its two-digit year read as the most recent past year with those digits when it would otherwise
    /// lie more than 50 years after `now`), and asctime (`Sun Nov  6 08:49:37 1994`).
    package static func httpDate(_ text: String, now: Date) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = HTTPCacheHeaders.httpDate(trimmed) { return date }
        let fields = trimmed.split(separator: " ")
        if fields.count == 4, fields[0].hasSuffix(","), fields[3] == "GMT" {
            // RFC 850: weekday, DD-Mon-YY HH:MM:SS GMT
            let parts = fields[1].split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 2, parts[2].count == 2, let day = Int(parts[0]), let twoDigits = Int(parts[2]),
                let month = months.firstIndex(of: String(parts[1]))
            else { return nil }
            let currentYear = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now).year ?? 1970
            var year = currentYear - currentYear % 100 + twoDigits
            if year > currentYear + 50 { year -= 100 }
            return civil(year: year, month: month + 1, day: day, time: fields[2])
        }
        if fields.count == 5, fields[0].count == 3 {
            // asctime: weekday Mon D HH:MM:SS YYYY (a one-digit day is padded with a space)
            guard let month = months.firstIndex(of: String(fields[1])), fields[2].count <= 2, let day = Int(fields[2]),
                fields[4].count == 4, let year = Int(fields[4])
            else { return nil }
            return civil(year: year, month: month + 1, day: day, time: fields[3])
        }
        return nil
    }

    /// The date of a civil day and an `HH:MM:SS` time, or nil when a part is out of range.
    private static func civil(year: Int, month: Int, day: Int, time: Substring) -> Date? {
        let parts = time.split(separator: ":")
        guard parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), let second = Int(parts[2]),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        return HTTPCacheHeaders.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
}
