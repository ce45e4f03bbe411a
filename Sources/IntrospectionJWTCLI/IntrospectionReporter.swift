import Foundation
import IntrospectionJWT
import TokenIntrospectionClient

/// Prints the outcome of `introspect`: the introspection data and, for JWT responses, the verification
/// result. Data of a response that failed verification is never printed as if it were valid.
struct IntrospectionReporter {
    let format: OutputFormat
    let requestedFormat: IntrospectionResponseFormat

    func report(_ response: TokenIntrospectionResponse) {
        switch format {
        case .json: print(json(response))
        case .text:
            let (output, errors) = text(response)
            if !output.isEmpty { print(output) }
            if !errors.isEmpty { StandardError.write(errors) }
        }
    }

    /// One JSON object: `format`, `http_status`, `verified` (JWT only), `active`, `token_introspection`,
    /// `header` and `claims` (JWT only; `header` is the signed JWT's), `encryption` (`{"alg","enc","kid"}`
    /// of an encrypted answer, as `verify` prints it), or `error`, `message` and the error's details.
    func json(_ response: TokenIntrospectionResponse) -> String {
        var members: [JSONObject.Member] = [.init(name: "format", value: .string(requestedFormat.rawValue))]
        members.append(.init(name: "http_status", value: response.httpStatus.map { .number(JSONNumber($0)) } ?? .null))
        if let error = response.error {
            if requestedFormat == .jwt, error.code == .validation { members.append(.init(name: "verified", value: .bool(false))) }
            members.append(.init(name: "error", value: .string(error.code.rawValue)))
            if let code = error.validationError?.code { members.append(.init(name: "code", value: .string(code.rawValue))) }
            if let code = error.errorCode { members.append(.init(name: "error_code", value: .string(code))) }
            if let description = error.errorDescription { members.append(.init(name: "error_description", value: .string(description))) }
            members.append(.init(name: "message", value: .string(error.message)))
        } else {
            if response.jwt != nil { members.append(.init(name: "verified", value: .bool(true))) }
            members.append(.init(name: "active", value: .bool(response.isActive)))
            if let introspection = response.introspection {
                members.append(.init(name: "token_introspection", value: .object(introspection.json)))
            }
            if let jwt = response.jwt {
                members.append(.init(name: "header", value: .object(jwt.header)))
                members.append(.init(name: "claims", value: .object(jwt.claims)))
                if let encryption = jwt.verified?.encryption { members.append(.init(name: "encryption", value: encryption.json)) }
            }
        }
        return JSONWriter.string(for: .object(JSONObject(members: members)))
    }

    /// The text for standard output and for standard error.
    func text(_ response: TokenIntrospectionResponse) -> (output: String, errors: String) {
        if let error = response.error {
            if error.code == .validation {
                return ("verification: invalid: \(error.validationError?.code.rawValue ?? "validation"): \(error.validationError?.message ?? error.message)", "")
            }
            return ("", "error: \(error.code.rawValue): \(error.message)")
        }
        var lines: [String] = []
        if let jwt = response.jwt {
            var details: [String] = []
            if let alg = jwt.header["alg"]?.stringValue { details.append("alg \(alg)") }
            if let kid = jwt.header["kid"]?.stringValue { details.append("kid \(kid)") }
            if let encryption = jwt.verified?.encryption {
                details.append("encrypted \(encryption.algorithm)/\(encryption.contentEncryption) for kid \(encryption.keyID ?? "(none)")")
            }
            if let iss = jwt.claims["iss"]?.stringValue { details.append("iss \(iss)") }
            if let aud = jwt.claims["aud"] { details.append("aud \(aud.stringValue ?? JSONWriter.string(for: aud))") }
            if let iat = jwt.claims["iat"] { details.append("iat \(Self.time(iat))") }
            lines.append("verification: valid (\(details.joined(separator: ", ")))")
        } else {
            lines.append("verification: none (plain JSON response, trusted on TLS alone)")
        }
        for member in response.introspection?.json ?? JSONObject(members: []) {
            let value: String = switch member.name {
            case "exp", "iat", "nbf": Self.time(member.value)
            default: member.value.stringValue ?? JSONWriter.string(for: member.value)
            }
            lines.append("\(member.name): \(value)")
        }
        return (lines.joined(separator: "\n"), "")
    }

    /// A NumericDate with its UTC rendering: `1763740800 (2025-11-21T16:00:00Z)`.
    static func time(_ value: JSONValue) -> String {
        guard let seconds = value.doubleValue else { return JSONWriter.string(for: value) }
        let date = Date(timeIntervalSince1970: seconds)
        return "\(JSONWriter.string(for: value)) (\(date.ISO8601Format()))"
    }
}
