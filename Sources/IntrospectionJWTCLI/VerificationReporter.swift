import Foundation
import IntrospectionJWT

/// Prints one line per verified input, as text or as a JSON object.
struct VerificationReporter {
    let format: OutputFormat

    func report(input: String, result: Result<VerifiedIntrospectionResponse, IntrospectionJWTError>) {
        print(line(input: input, result: result))
    }

    /// The line `report` prints (made apart from printing, so that `verify --jobs` formats in parallel).
    func line(input: String, result: Result<VerifiedIntrospectionResponse, IntrospectionJWTError>) -> String {
        switch format {
        case .json: jsonLine(input: input, result: result)
        case .text: textLine(input: input, result: result)
        }
    }

    /// `{"input":...,"valid":true,"alg":...,"kid":...,"token_introspection":{...}}` or
    /// `{"input":...,"valid":false,"error":...,"message":...}`.
    func jsonLine(input: String, result: Result<VerifiedIntrospectionResponse, IntrospectionJWTError>) -> String {
        var members: [JSONObject.Member] = [.init(name: "input", value: .string(input))]
        switch result {
        case .success(let response):
            members.append(.init(name: "valid", value: .bool(true)))
            members.append(.init(name: "alg", value: .string(response.header.algorithm.rawValue)))
            members.append(.init(name: "kid", value: response.header.keyID.map(JSONValue.string) ?? .null))
            if let encryption = response.encryption { members.append(.init(name: "encryption", value: encryption.json)) }
            members.append(.init(name: "token_introspection", value: .object(response.introspection.json)))
        case .failure(let error):
            members.append(.init(name: "valid", value: .bool(false)))
            members.append(.init(name: "error", value: .string(error.code.rawValue)))
            members.append(.init(name: "message", value: .string(error.message)))
        }
        return JSONWriter.string(for: .object(JSONObject(members: members)))
    }

    func textLine(input: String, result: Result<VerifiedIntrospectionResponse, IntrospectionJWTError>) -> String {
        switch result {
        case .success(let response):
            let introspection = response.introspection
            var details = ["alg \(response.header.algorithm.rawValue)"]
            details.append("kid \(response.header.keyID ?? "(none)")")
            if let encryption = response.encryption {
                details.append("encrypted \(encryption.algorithm)/\(encryption.contentEncryption) for kid \(encryption.keyID ?? "(none)")")
            }
            details.append(introspection.isActive ? "active" : "inactive")
            if let subject = introspection.subject { details.append("sub \(subject)") }
            if let clientID = introspection.clientID { details.append("client_id \(clientID)") }
            if !introspection.scopes.isEmpty { details.append("scope \"\(introspection.scopes.joined(separator: " "))\"") }
            return "\(input): valid (\(details.joined(separator: ", ")))"
        case .failure(let error):
            return "\(input): invalid: \(error.code.rawValue): \(error.message)"
        }
    }
}

extension ResponseEncryption {
    /// `{"alg":…,"enc":…,"kid":…|null}`: the JWE's algorithms and kid, as `--output json` and `audit` print them.
    var json: JSONValue {
        .object(JSONObject(members: [
            .init(name: "alg", value: .string(algorithm.rawValue)),
            .init(name: "enc", value: .string(contentEncryption.rawValue)),
            .init(name: "kid", value: keyID.map(JSONValue.string) ?? .null),
        ]))
    }
}
