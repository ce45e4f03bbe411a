package import Foundation
package import HTTPTypes

/// What a response's caching headers say (RFC 9111 §5.2.2, §4.2.1, §5.3), as far as a private cache of
/// one document needs: how long it is fresh, how long it may serve stale on error, and its validators.
package struct HTTPCacheHeaders: Sendable, Equatable {
    /// The freshness lifetime the server advertised: `max-age` minus `Age`, else `Expires` minus `Date`
    /// (or now); zero for `no-store`, `no-cache`, an invalid `Expires` or a date in the past; nil when
    /// the response says nothing.
    package var freshnessLifetime: Duration?
    /// `stale-if-error` (RFC 5861), when present.
    package var staleIfError: Duration?
    /// `ETag`, for `If-None-Match`.
    package var entityTag: String?
    /// `Last-Modified`, for `If-Modified-Since`.
    package var lastModified: String?

    package init(freshnessLifetime: Duration? = nil, staleIfError: Duration? = nil, entityTag: String? = nil, lastModified: String? = nil) {
        self.freshnessLifetime = freshnessLifetime
        self.staleIfError = staleIfError
        self.entityTag = entityTag
        self.lastModified = lastModified
    }

    /// Reads the headers of `response`, received at `now`.
    package init(response: HTTPResponse, now: Date) {
        let fields = response.headerFields
        let directives = Self.directives(fields[.cacheControl] ?? "")
        var lifetime: Duration? = nil
        if directives["no-store"] != nil || directives["no-cache"] != nil {
            lifetime = .zero
        } else if let maxAge = directives["max-age"] {
            let seconds = maxAge.flatMap(Self.deltaSeconds) ?? 0
            let age = fields[.age].flatMap(Self.deltaSeconds) ?? 0
            lifetime = .seconds(max(0, seconds - age))
        } else if let expires = fields[.expires] {
            if let expiry = Self.httpDate(expires) {
                let origin = fields[.date].flatMap(Self.httpDate) ?? now
                lifetime = .seconds(max(0, expiry.timeIntervalSince(origin)))
            } else {
                lifetime = .zero  // RFC 9111 §5.3: an invalid Expires is in the past
            }
        }
        self.freshnessLifetime = lifetime
        self.staleIfError = (directives["stale-if-error"] ?? nil).flatMap(Self.deltaSeconds).map { .seconds($0) }
        self.entityTag = fields[.eTag].flatMap { $0.isEmpty ? nil : $0 }
        self.lastModified = fields[.lastModified].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Cache-Control directives by lowercased name; the first occurrence of a name wins. A value is
    /// unquoted; a directive without `=` maps to nil.
    package static func directives(_ field: String) -> [String: String?] {
        var result: [String: String?] = [:]
        for item in splitOutsideQuotes(field) {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            guard result[name] == nil else { continue }
            if parts.count == 2 {
                var value = parts[1].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                result[name] = .some(value)
            } else {
                result[name] = .some(nil)
            }
        }
        return result
    }

    private static func splitOutsideQuotes(_ field: String) -> [Substring] {
        var items: [Substring] = []
        var start = field.startIndex
        var quoted = false
        var index = field.startIndex
        while index < field.endIndex {
            let character = field[index]
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted {
                items.append(field[start..<index])
                start = field.index(after: index)
            }
            index = field.index(after: index)
        }
        items.append(field[start...])
        return items
    }

    /// A delta-seconds value (RFC 9111 §1.2.2): digits only; values beyond 2^31 are capped.
    package static func deltaSeconds(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(trimmed.prefix(10)).map { min($0, 2_147_483_648) } ?? 2_147_483_648
    }

    /// An HTTP-date in the preferred IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7).
    /// The obsolete RFC 850 and asctime forms are not accepted (they read as invalid, hence expired).
    package static func httpDate(_ text: String) -> Date? {
        let fields = text.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard fields.count == 6, fields[0].count == 4, fields[0].hasSuffix(","), fields[5] == "GMT",
            let day = Int(fields[1]), fields[1].count == 2,
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].firstIndex(of: String(fields[2])),
            let year = Int(fields[3]), fields[3].count == 4
        else { return nil }
        let time = fields[4].split(separator: ":")
        guard time.count == 3, time.allSatisfy({ $0.count == 2 }),
            let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        return date(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
    }

    /// The UTC time of a civil date and time (`month` 1 to 12), proleptic Gregorian calendar.
    package static func date(year: Int, month m: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date {
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = m <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }
}
