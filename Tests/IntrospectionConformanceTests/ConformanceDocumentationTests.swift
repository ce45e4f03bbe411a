import Foundation
import IntrospectionConformance
import Testing

/// The documented table of checks (the DocC article "The checks") is `ConformanceChecks.all`: same
/// identifiers, levels and sections, in the same order. A check added, removed, renamed, re-levelled or
/// moved in the code fails here until the table says the same.
@Suite("Conformance documentation")
struct ConformanceDocumentationTests {
    /// The article, from the package root.
    static let article = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/IntrospectionConformance/Documentation.docc/TheChecks.md")

    /// One row of the table as written: identifier (without its code voice), level, section.
    struct Row: Equatable, CustomStringConvertible {
        let id: String
        let level: String
        let section: String

        var description: String { "\(id) | \(level) | \(section)" }
    }

    /// The rows of the table whose header is `| id | level | section | passes when |`.
    static func documentedRows(in text: String) -> [Row]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let header = lines.firstIndex(where: { cells(of: $0) == ["id", "level", "section", "passes when"] }),
            header + 1 < lines.count, lines[header + 1].hasPrefix("| ---")
        else { return nil }
        return lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { line in
            let row = cells(of: line)
            func cell(_ index: Int) -> String { index < row.count ? row[index] : "" }
            return Row(id: cell(0).trimmingCharacters(in: CharacterSet(charactersIn: "`")), level: cell(1), section: cell(2))
        }
    }

    /// The cells of a Markdown table row (`\|` inside a cell is not a separator).
    static func cells(of line: String) -> [String] {
        guard line.hasPrefix("|") else { return [] }
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in line.dropFirst() {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "|" {
                cells.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        return cells
    }

    @Test("The table of checks in the documentation is ConformanceChecks.all, row by row")
    func tableMatchesTheCode() throws {
        let text = try String(contentsOf: Self.article, encoding: .utf8)
        let documented = try #require(
            Self.documentedRows(in: text), "no table headed | id | level | section | passes when | in \(Self.article.path)")
        let code = ConformanceChecks.all.map { Row(id: $0.id, level: $0.level.rawValue, section: $0.section) }

        let documentedIDs = documented.map(\.id)
        let codeIDs = code.map(\.id)
        let missing = codeIDs.filter { !documentedIDs.contains($0) }
        let extra = documentedIDs.filter { !codeIDs.contains($0) }
        #expect(missing.isEmpty, "checks missing from the documented table: \(missing)")
        #expect(extra.isEmpty, "documented checks that ConformanceChecks.all does not have: \(extra)")
        #expect(documentedIDs == codeIDs, "the documented order differs from ConformanceChecks.all")
        for (row, expected) in zip(documented, code) where row != expected {
            Issue.record("documented row \(row) differs from the code: \(expected)")
        }
    }

    @Test("The table parser reads cells, escaped bars and a missing table")
    func parser() {
        #expect(Self.cells(of: "| `a.b` | MUST | RFC 1 §2 | x \\| y |") == ["`a.b`", "MUST", "RFC 1 §2", "x \\| y"])
        let table = """
            text
            | id | level | section | passes when |
            | --- | --- | --- | --- |
            | `a.b` | MUST | RFC 1 §2 | x |
            | `c` | SHOULD NOT | RFC 3 | y |

            | other | table |
            """
        #expect(Self.documentedRows(in: table) == [
            Row(id: "a.b", level: "MUST", section: "RFC 1 §2"), Row(id: "c", level: "SHOULD NOT", section: "RFC 3"),
        ])
        #expect(Self.documentedRows(in: "| id | title |\n| --- | --- |") == nil)
    }
}
