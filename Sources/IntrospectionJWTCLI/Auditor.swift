import Foundation
import IntrospectionJWT

/// Judges one stored record: parses the line, picks the keys published at its `received_at`, verifies.
struct Auditor: Sendable {
    let verifier: IntrospectionResponseVerifier
    let keys: PublishedKeys
    let clockSkew: Duration

    /// The verdict on one record line (`number` is its 1-based line number).
    struct Outcome: Sendable {
        var lineNumber: Int
        var id: JSONValue
        var receivedAt: Double?
        var result: Result<VerifiedIntrospectionResponse, IntrospectionJWTError>?
        /// Set when the line is not a usable record.
        var recordProblem: String?
        var extraMembers: [JSONObject.Member]

        var isValid: Bool { recordProblem == nil && (try? result?.get()) != nil }

        var errorCode: String? {
            if recordProblem != nil { return "malformed_record" }
            if case .failure(let error)? = result { return error.code.rawValue }
            return nil
        }

        var keyID: String? {
            if case .success(let response)? = result { return response.header.keyID }
            return nil
        }

        /// `{"id":…,"received_at":…,"valid":…,"error":…,"message":…,"alg":…,"kid":…,"iat":…,"active":…, …echoed members}`.
        var jsonLine: String {
            var members: [JSONObject.Member] = [.init(name: "id", value: id)]
            if recordProblem != nil { members.append(.init(name: "line", value: .number(JSONNumber(lineNumber)))) }
            members.append(.init(name: "received_at", value: receivedAt.map { .number(JSONNumber(seconds: $0)) } ?? .null))
            members.append(.init(name: "valid", value: .bool(isValid)))
            members.append(.init(name: "error", value: errorCode.map(JSONValue.string) ?? .null))
            switch result {
            case .success(let response)?:
                members.append(.init(name: "alg", value: .string(response.header.algorithm.rawValue)))
                members.append(.init(name: "kid", value: response.header.keyID.map(JSONValue.string) ?? .null))
                if let encryption = response.encryption { members.append(.init(name: "encryption", value: encryption.json)) }
                members.append(.init(name: "iat", value: response.claims["iat"] ?? .null))
                members.append(.init(name: "active", value: .bool(response.isActive)))
            case .failure(let error)?:
                members.append(.init(name: "message", value: .string(error.message)))
                members.append(contentsOf: ["alg", "kid", "iat", "active"].map { .init(name: $0, value: .null) })
            case nil:
                members.append(.init(name: "message", value: .string(recordProblem ?? "")))
                members.append(contentsOf: ["alg", "kid", "iat", "active"].map { .init(name: $0, value: .null) })
            }
            members.append(contentsOf: extraMembers)
            return JSONWriter.string(for: .object(JSONObject(members: members)))
        }
    }

    func audit(_ line: RecordReader.Line) -> Outcome {
        var outcome = Outcome(lineNumber: line.number, id: .null, receivedAt: nil, result: nil, recordProblem: nil, extraMembers: [])
        let record: JSONObject
        do {
            guard let object = try JSONValue(parsing: line.bytes).objectValue else {
                outcome.recordProblem = "line \(line.number) is not a JSON object"
                return outcome
            }
            record = object
        } catch {
            outcome.recordProblem = "line \(line.number) is not a JSON record: \(error.message)"
            return outcome
        }
        outcome.id = record["id"] ?? .null
        outcome.extraMembers = record.members.filter { !["id", "received_at", "response"].contains($0.name) }
        guard let receivedAt = record["received_at"]?.doubleValue, receivedAt.isFinite else {
            outcome.recordProblem = "line \(line.number) has no numeric \"received_at\""
            return outcome
        }
        outcome.receivedAt = receivedAt
        guard let response = record["response"]?.stringValue else {
            outcome.recordProblem = "line \(line.number) has no string \"response\""
            return outcome
        }
        let time = Date(timeIntervalSince1970: receivedAt)
        let keySet = keys.keySet(at: time, clockSkew: clockSkew)
        do {
            outcome.result = .success(try verifier.verify(response, using: keySet, at: time))
        } catch {
            outcome.result = .failure(error)
        }
        return outcome
    }
}

extension JSONNumber {
    /// A number from seconds, written as an integer when it is one.
    init(seconds: Double) {
        if seconds == seconds.rounded(), abs(seconds) < 1e15 {
            self.init(Int(seconds))
        } else {
            self = (try? JSONValue(parsing: Array(String(seconds).utf8)).numberValue) ?? JSONNumber(0)
        }
    }
}

extension JSONValue {
    var numberValue: JSONNumber? {
        if case .number(let number) = self { return number }
        return nil
    }
}
