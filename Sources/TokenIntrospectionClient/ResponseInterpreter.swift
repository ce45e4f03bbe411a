import Foundation
import IntrospectionJWT
import IntrospectionRemoteKeys

/// Turns an HTTP answer from the introspection endpoint into a ``TokenIntrospectionResponse``.
///
/// The order of the checks is the security argument:
/// 1. any status but 200 is an error, and nothing in its body is validated or trusted (RFC 7662 §2.3;
///    RFC 9701 §5 answers unauthenticated calls with 400, RFC 6749 §5.2 bad credentials with 401);
/// 2. a 200 must carry the media type that was asked for (compared case-insensitively, parameters
///    ignored); a JWT request answered with anything else is a downgrade (RFC 9701 §8.2);
/// 3. a JWT body goes to the validator, and only what it returns is reported; when encryption is
///    required, a signed-only JWT is a downgrade too (`encryption_required`);
/// 4. a JSON body must be a strict JSON object with a boolean `active`; `error` or `$error` members make
///    it an error.
enum ResponseInterpreter {
    /// Interprets one answer. `validator` is used for JWT responses only.
    static func interpret(
        status: Int,
        contentType: String?,
        body: [UInt8],
        format: IntrospectionResponseFormat,
        validator: (any IntrospectionResponseValidator)?,
        receivedAt: Date
    ) async -> TokenIntrospectionResponse {
        guard status == 200 else {
            return failedStatus(status, contentType: contentType, body: body)
        }
        switch format {
        case .jwt:
            guard MediaType.matches(contentType, IntrospectionResponseFormat.jwt.mediaType) else {
                return downgrade(contentType: contentType, body: body)
            }
            guard let validator else {
                let error = IntrospectionClientError(.configuration, "no validator is configured for JWT responses", httpStatus: status)
                return TokenIntrospectionResponse(error: error, httpStatus: status, contentType: contentType, rawBody: body)
            }
            return await validate(body, contentType: contentType, validator: validator, receivedAt: receivedAt)
        case .json:
            return interpretJSON(body, contentType: contentType)
        }
    }

    // MARK: - Non-200

    private static func failedStatus(_ status: Int, contentType: String?, body: [UInt8]) -> TokenIntrospectionResponse {
        let errorObject = parseObject(body)
        let (code, description) = errorObject.map(errorMembers) ?? (nil, nil)
        var message = "the introspection endpoint answered HTTP \(status)"
        switch status {
        case 400: message += " (an RFC 9701 server answers 400 to calls it cannot authenticate)"
        case 401: message += " (the client credentials were refused)"
        case 300...399: message += " (redirects are not followed)"
        default: break
        }
        message += serverText(code: code, description: description)
        let error = IntrospectionClientError(
            .httpStatus, message, httpStatus: status, errorCode: code, errorDescription: description
        )
        return TokenIntrospectionResponse(error: error, httpStatus: status, contentType: contentType, rawBody: body, json: errorObject)
    }

    // MARK: - JWT

    private static func downgrade(contentType: String?, body: [UInt8]) -> TokenIntrospectionResponse {
        let object = parseObject(body)
        if let object, case let (code, description)? = errorBody(object) {
            // The server reported an error (with the wrong media type): an error, not a downgrade.
            let error = IntrospectionClientError(
                .protocol, "the introspection endpoint answered 200 with an error object" + serverText(code: code, description: description),
                httpStatus: 200, errorCode: code, errorDescription: description
            )
            return TokenIntrospectionResponse(error: error, httpStatus: 200, contentType: contentType, rawBody: body, json: object)
        }
        let received = contentType.map { "\"\($0)\"" } ?? "no Content-Type"
        let explanation = "a JWT (\(IntrospectionResponseFormat.jwt.mediaType)) was asked for, but the 200 response has \(received)"
            + (object != nil ? " and a plain JSON body: the server ignored the request for a signed response (a possible downgrade)" : "")
        let validationError = IntrospectionJWTError(.downgrade, explanation)
        let error = IntrospectionClientError(.validation, explanation, httpStatus: 200, validationError: validationError)
        // The unsigned body is not exposed as `json`: nothing in it was verified.
        return TokenIntrospectionResponse(error: error, httpStatus: 200, contentType: contentType, rawBody: body)
    }

    private static func validate(
        _ body: [UInt8],
        contentType: String?,
        validator: any IntrospectionResponseValidator,
        receivedAt: Date
    ) async -> TokenIntrospectionResponse {
        // The body is the compact JWT (RFC 9701 §5); white space around it (a trailing newline) is not
        // part of it and carries no signed data.
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let trimmed = body.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        let jwt = String(decoding: trimmed, as: UTF8.self)
        do throws(IntrospectionJWTError) {
            let validated = try await validator.validate(jwt, at: receivedAt)
            return TokenIntrospectionResponse(
                error: nil, httpStatus: 200, contentType: contentType, rawBody: body, format: .jwt,
                json: validated.introspection.json, introspection: validated.introspection, jwt: validated
            )
        } catch {
            let message = error.code == .encryptionRequired
                ? "the JWT response is signed but not encrypted, and encryption is required (the client registered it, RFC 9701 §6): a possible downgrade"
                : "the JWT response failed validation: \(error.description)"
            let failure = IntrospectionClientError(.validation, message, httpStatus: 200, validationError: error)
            return TokenIntrospectionResponse(error: failure, httpStatus: 200, contentType: contentType, rawBody: body)
        }
    }

    // MARK: - JSON

    private static func interpretJSON(_ body: [UInt8], contentType: String?) -> TokenIntrospectionResponse {
        func failure(_ message: String, json: JSONObject? = nil, code: String? = nil, description: String? = nil) -> TokenIntrospectionResponse {
            let error = IntrospectionClientError(.protocol, message, httpStatus: 200, errorCode: code, errorDescription: description)
            return TokenIntrospectionResponse(error: error, httpStatus: 200, contentType: contentType, rawBody: body, json: json)
        }
        if let object = parseObject(body), case let (code, description)? = errorBody(object) {
            return failure(
                "the introspection endpoint answered 200 with an error object" + serverText(code: code, description: description),
                json: object, code: code, description: description
            )
        }
        guard MediaType.matches(contentType, IntrospectionResponseFormat.json.mediaType) else {
            let received = contentType.map { "\"\($0)\"" } ?? "no Content-Type"
            return failure("the 200 response has \(received), not application/json")
        }
        // The body is scanned once, into the tape that the introspection data is read from.
        do throws(IntrospectionJWTError) {
            let introspection = try TokenIntrospection(json: body)
            return TokenIntrospectionResponse(
                error: nil, httpStatus: 200, contentType: contentType, rawBody: body, format: .json,
                json: introspection.json, introspection: introspection
            )
        } catch let error where error.code == .malformed {
            return failure("the 200 response body is \(error.message)")
        } catch {
            // A strict JSON object with a member of the wrong type: the object is reported with the error.
            return failure(
                "the 200 response is not an RFC 7662 introspection object: \(error.message)",
                json: (try? JSONValue(parsing: body))?.objectValue)
        }
    }

    // MARK: - Error bodies

    /// The body as a strict JSON object, or nil.
    private static func parseObject(_ body: [UInt8]) -> JSONObject? {
        guard !body.isEmpty, body.count <= 64 * 1024 else { return nil }
        return (try? JSONValue(parsing: body))?.objectValue
    }

    /// `error` and (`error_description` or `$error`), whichever are strings.
    private static func errorMembers(_ object: JSONObject) -> (code: String?, description: String?) {
        (object["error"]?.stringValue, object["error_description"]?.stringValue ?? object["$error"]?.stringValue)
    }

    /// The error members of a 200 body that reports an error instead of introspection data: one with a
    /// `$error` member, or with `error` and no `active`.
    private static func errorBody(_ object: JSONObject) -> (code: String?, description: String?)? {
        let isError = object["$error"] != nil || (object["error"] != nil && object["active"] == nil)
        guard isError else { return nil }
        let (code, description) = errorMembers(object)
        if code == nil, description == nil {
            return (nil, (object["$error"] ?? object["error"]).map { JSONWriter.string(for: $0) })
        }
        return (code, description)
    }

    /// `: code: description`, shortened, for messages.
    private static func serverText(code: String?, description: String?) -> String {
        let parts = [code, description].compactMap { $0 }.map { $0.count > 200 ? String($0.prefix(200)) + "…" : $0 }
        return parts.isEmpty ? "" : ": " + parts.joined(separator: ": ")
    }
}
