public import IntrospectionJWT

/// The result of a conformance run: every check of ``ConformanceChecks/all``, in that order.
public struct ConformanceReport: Sendable {
    /// The issuer that was checked.
    public let issuer: String
    /// The URL the metadata was read from, when one was found.
    public let metadataURL: String?
    /// The checks, in report order.
    public let checks: [ConformanceCheck]

    /// Makes a report.
    public init(issuer: String, metadataURL: String?, checks: [ConformanceCheck]) {
        self.issuer = issuer
        self.metadataURL = metadataURL
        self.checks = checks
    }

    /// Whether no MUST / MUST NOT check failed (skipped ones do not count as failures; a skip always
    /// follows a failed check it depends on, or a missing input).
    public var allMustsPass: Bool {
        !checks.contains { $0.level.isMandatory && $0.outcome == .fail }
    }

    /// The check with identifier `id`.
    public subscript(id: String) -> ConformanceCheck? {
        checks.first { $0.id == id }
    }

    /// The identifiers of the checks with `outcome`, in report order.
    public func ids(with outcome: ConformanceOutcome) -> [String] {
        checks.filter { $0.outcome == outcome }.map(\.id)
    }

    /// How many checks have `outcome`.
    public func count(_ outcome: ConformanceOutcome) -> Int {
        checks.filter { $0.outcome == outcome }.count
    }
}

extension ConformanceReport {
    /// The report as one JSON object, for CI pipelines:
    /// `{"issuer", "metadata_url", "conforming", "summary": {"pass", "fail", "skip", "must_failures"},
    /// "checks": [{"id", "title", "section", "level", "outcome", "reason"}]}`.
    public var json: JSONValue {
        func member(_ name: String, _ value: JSONValue) -> JSONObject.Member { .init(name: name, value: value) }
        let mustFailures = checks.filter { $0.level.isMandatory && $0.outcome == .fail }.count
        let summary = JSONObject(members: [
            member("pass", .number(JSONNumber(count(.pass)))),
            member("fail", .number(JSONNumber(count(.fail)))),
            member("skip", .number(JSONNumber(count(.skip)))),
            member("must_failures", .number(JSONNumber(mustFailures))),
        ])
        let entries: [JSONValue] = checks.map { check in
            .object(JSONObject(members: [
                member("id", .string(check.id)),
                member("title", .string(check.title)),
                member("section", .string(check.section)),
                member("level", .string(check.level.rawValue)),
                member("outcome", .string(check.outcome.rawValue)),
                member("reason", .string(check.reason)),
            ]))
        }
        return .object(JSONObject(members: [
            member("issuer", .string(issuer)),
            member("metadata_url", metadataURL.map(JSONValue.string) ?? .null),
            member("conforming", .bool(allMustsPass)),
            member("summary", .object(summary)),
            member("checks", .array(entries)),
        ]))
    }

    /// The report as a readable table: one row per check (outcome, level, id, section, reason), then
    /// a summary line.
    public var text: String {
        let header = ["RESULT", "LEVEL", "CHECK", "SECTION", "REASON"]
        let rows = checks.map { [$0.outcome.rawValue.uppercased(), $0.level.rawValue, $0.id, $0.section, $0.reason] }
        var widths = header.map(\.count)
        for row in rows {
            for column in 0..<4 { widths[column] = max(widths[column], row[column].count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (column, cell) in cells.enumerated() {
                if column < 4 {
                    text += cell + String(repeating: " ", count: widths[column] - cell.count + 2)
                } else {
                    text += cell
                }
            }
            return text
        }
        var lines = ["issuer: \(issuer)", "metadata: \(metadataURL ?? "not found")", "", line(header)]
        lines += rows.map(line)
        let mustFailures = checks.filter { $0.level.isMandatory && $0.outcome == .fail }.count
        lines.append("")
        lines.append(
            "\(count(.pass)) passed, \(count(.fail)) failed (\(mustFailures) MUST), \(count(.skip)) skipped: "
                + (allMustsPass ? "every MUST passes" : "not conforming")
        )
        return lines.joined(separator: "\n")
    }
}
