import Foundation
import IntrospectionJWT

/// Counts per verdict, per error code and per kid, and the time range covered.
struct AuditSummary {
    private(set) var records = 0
    private(set) var valid = 0
    private(set) var invalid = 0
    private(set) var errors: [String: Int] = [:]
    private(set) var keyIDs: [String: Int] = [:]
    private(set) var firstReceivedAt: Double?
    private(set) var lastReceivedAt: Double?

    mutating func add(_ outcome: Auditor.Outcome) {
        records += 1
        if outcome.isValid {
            valid += 1
            keyIDs[outcome.keyID ?? "(none)", default: 0] += 1
        } else {
            invalid += 1
            errors[outcome.errorCode ?? "unknown", default: 0] += 1
        }
        if let receivedAt = outcome.receivedAt {
            firstReceivedAt = min(firstReceivedAt ?? receivedAt, receivedAt)
            lastReceivedAt = max(lastReceivedAt ?? receivedAt, receivedAt)
        }
    }

    /// `{"summary":{"records":…,"valid":…,"invalid":…,"errors":{…},"kids":{…},"received_at":{"first":…,"last":…}}}`.
    var jsonObject: String {
        func counts(_ dictionary: [String: Int]) -> JSONValue {
            .object(JSONObject(members: dictionary.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: .number(JSONNumber($0.value))) }))
        }
        let range: JSONValue = .object(JSONObject(members: [
            .init(name: "first", value: firstReceivedAt.map { .number(JSONNumber(seconds: $0)) } ?? .null),
            .init(name: "last", value: lastReceivedAt.map { .number(JSONNumber(seconds: $0)) } ?? .null),
        ]))
        let summary: JSONValue = .object(JSONObject(members: [
            .init(name: "records", value: .number(JSONNumber(records))),
            .init(name: "valid", value: .number(JSONNumber(valid))),
            .init(name: "invalid", value: .number(JSONNumber(invalid))),
            .init(name: "errors", value: counts(errors)),
            .init(name: "kids", value: counts(keyIDs)),
            .init(name: "received_at", value: range),
        ]))
        return JSONWriter.string(for: .object(JSONObject(members: [.init(name: "summary", value: summary)])))
    }

    var textTable: String {
        var rows: [(String, String)] = [("records", "\(records)"), ("valid", "\(valid)"), ("invalid", "\(invalid)")]
        for (code, count) in errors.sorted(by: { $0.key < $1.key }) { rows.append(("error \(code)", "\(count)")) }
        for (kid, count) in keyIDs.sorted(by: { $0.key < $1.key }) { rows.append(("kid \(kid)", "\(count)")) }
        rows.append(("first received_at", firstReceivedAt.map(Self.timestamp) ?? "-"))
        rows.append(("last received_at", lastReceivedAt.map(Self.timestamp) ?? "-"))
        let width = rows.map(\.0.count).max() ?? 0
        let lines = rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
        return (["summary"] + lines).joined(separator: "\n")
    }

    static func timestamp(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        return "\(JSONNumber(seconds: seconds)) (\(formatter.string(from: Date(timeIntervalSince1970: seconds))))"
    }
}
