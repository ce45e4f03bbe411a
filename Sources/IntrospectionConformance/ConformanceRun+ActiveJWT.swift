import Foundation
import IntrospectionJWT
import IntrospectionRemoteKeys

extension ConformanceRun {
    /// The `jwt.*` checks, in report order.
    static let jwtChecks: [ConformanceCheckDefinition] = [
        ConformanceChecks.jwtStatus, ConformanceChecks.jwtNotDowngraded, ConformanceChecks.jwtContentType,
        ConformanceChecks.jwtCompact, ConformanceChecks.jwtType, ConformanceChecks.jwtAlgorithm,
        ConformanceChecks.jwtKeyID, ConformanceChecks.jwtSignature, ConformanceChecks.jwtIssuer,
        ConformanceChecks.jwtAudience, ConformanceChecks.jwtIssuedAt, ConformanceChecks.jwtTokenIntrospection,
        ConformanceChecks.jwtNoTopLevelSubject, ConformanceChecks.jwtNoTopLevelExpiration,
    ]

    /// The JWT request for the active token and every `jwt.*` check on its answer.
    func checkActiveJWT(endpoint: String, keys: JWKSet?, advertisedAlgorithms: [String]?) async {
        let request = ConformanceRequests.introspection(
            endpoint: endpoint, token: configuration.activeToken, accept: ConformanceRequests.jwtMediaType,
            authorization: basicAuthorization)
        let response: Received
        switch await send(request) {
        case .success(let value): response = value
        case .failure(let error):
            fail(ConformanceChecks.jwtStatus, error.reason)
            skipRest(Self.jwtChecks, "no answer (jwt.status)")
            return
        }
        let receivedAt = clock.now
        guard response.status == 200 else {
            fail(ConformanceChecks.jwtStatus, Self.describeStatus(response))
            skipRest(Self.jwtChecks, "no 200 answer (jwt.status)")
            return
        }
        pass(ConformanceChecks.jwtStatus, "status 200")

        let mediaType = response.mediaType
        if mediaType == "application/json" || (try? JSONValue(parsing: response.body))?.objectValue != nil {
            fail(ConformanceChecks.jwtNotDowngraded, "answered with a JSON object (Content-Type \(mediaType ?? "none")) instead of a JWT")
            skipRest(Self.jwtChecks, "the answer is plain JSON (jwt.not_downgraded)")
            return
        }
        pass(ConformanceChecks.jwtNotDowngraded, "not a JSON object")

        if mediaType == ConformanceRequests.jwtMediaType {
            pass(ConformanceChecks.jwtContentType, "Content-Type \(mediaType ?? "")")
        } else {
            fail(ConformanceChecks.jwtContentType, mediaType.map { "Content-Type is \(quoted($0))" } ?? "no Content-Type")
        }

        let jws: ReceivedJWS
        switch ReceivedJWS.parse(String(decoding: response.body, as: UTF8.self)) {
        case .success(let value): jws = value
        case .failure(let error):
            fail(ConformanceChecks.jwtCompact, error.reason)
            skipRest(Self.jwtChecks, "the body is not a compact JWS (jwt.compact)")
            return
        }
        pass(ConformanceChecks.jwtCompact, "3 parts, header and payload JSON objects")

        record(ConformanceChecks.jwtType, Self.checkType(jws.header))
        checkAlgorithm(jws.header, advertised: advertisedAlgorithms)
        checkKeyAndSignature(jws, keys: keys, keyCheck: ConformanceChecks.jwtKeyID, signatureCheck: ConformanceChecks.jwtSignature)
        record(ConformanceChecks.jwtIssuer, checkIssuer(jws.claims))
        record(ConformanceChecks.jwtAudience, checkAudience(jws.claims))
        record(ConformanceChecks.jwtIssuedAt, checkIssuedAt(jws.claims, receivedAt: receivedAt))
        record(ConformanceChecks.jwtTokenIntrospection, Self.checkTokenIntrospection(jws.claims))
        for (check, name) in [(ConformanceChecks.jwtNoTopLevelSubject, "sub"), (ConformanceChecks.jwtNoTopLevelExpiration, "exp")] {
            if let value = jws.claims[name] {
                fail(check, "top-level \"\(name)\" is present: \(quoted(value))")
            } else {
                pass(check, "no top-level \"\(name)\"")
            }
        }
    }

    /// `jwt.typ`.
    static func checkType(_ header: JSONObject) -> Result<String, ReasonError> {
        guard let value = header["typ"] else { return .failure(ReasonError("the header has no \"typ\"")) }
        guard let type = value.stringValue else { return .failure(ReasonError("\"typ\" is a \(value.typeName), not a string")) }
        let lowered = type.lowercased()
        guard lowered == "token-introspection+jwt" || lowered == "application/token-introspection+jwt" else {
            return .failure(ReasonError("\"typ\" is \(quoted(type))"))
        }
        return .success("\"typ\" is \(quoted(type))")
    }

    /// `jwt.alg`.
    func checkAlgorithm(_ header: JSONObject, advertised: [String]?) {
        let check = ConformanceChecks.jwtAlgorithm
        guard let value = header["alg"] else { return fail(check, "the header has no \"alg\"") }
        guard let name = value.stringValue else { return fail(check, "\"alg\" is a \(value.typeName), not a string") }
        guard name != "none" else { return fail(check, "\"alg\" is \"none\": the response is unsigned") }
        guard let advertised else {
            return skip(check, "\"alg\" is \(quoted(name)); no advertised list to compare with (metadata.introspection_signing_alg_values_supported)")
        }
        if advertised.contains(where: { $0.utf8.elementsEqual(name.utf8) }) {
            pass(check, "\(quoted(name)) is advertised")
        } else {
            fail(check, "\(quoted(name)) is not among the advertised \(advertised.joined(separator: ", "))")
        }
    }

    /// The key check and the signature check of `jws` (for the active or the inactive answer).
    func checkKeyAndSignature(
        _ jws: ReceivedJWS, keys: JWKSet?, keyCheck: ConformanceCheckDefinition, signatureCheck: ConformanceCheckDefinition
    ) {
        guard let keys else {
            skip(keyCheck, "no JWK Set (jwks.document)")
            skip(signatureCheck, "no JWK Set (jwks.document)")
            return
        }
        let candidates: [VerificationKey]
        switch Self.selectKeys(for: jws, in: keys) {
        case .success(let selection):
            pass(keyCheck, selection.reason)
            candidates = selection.keys
        case .failure(let error):
            fail(keyCheck, error.reason)
            skip(signatureCheck, "no key to verify with (\(keyCheck.id))")
            return
        }
        let name = jws.header["alg"]?.stringValue ?? ""
        if SignatureAlgorithm(rawValue: name) == nil, name != "none", !name.hasPrefix("HS") {
            return skip(signatureCheck, "alg \(quoted(name)) is not one this checker implements")
        }
        record(signatureCheck, Self.verifySignature(of: jws, with: candidates))
    }

    /// `jwt.iss`.
    func checkIssuer(_ claims: JSONObject) -> Result<String, ReasonError> {
        guard let value = claims["iss"] else { return .failure(ReasonError("no \"iss\" claim")) }
        guard let issuer = value.stringValue else { return .failure(ReasonError("\"iss\" is a \(value.typeName), not a string")) }
        guard issuer.utf8.elementsEqual(configuration.issuer.utf8) else {
            return .failure(ReasonError("\"iss\" is \(quoted(issuer)), not \(quoted(configuration.issuer))"))
        }
        return .success("\"iss\" is the issuer")
    }

    /// The audiences `aud` may contain: the client id and the configured audience.
    var acceptedAudiences: [String] {
        [configuration.clientID] + (configuration.audience.map { [$0] } ?? [])
    }

    /// `jwt.aud`.
    func checkAudience(_ claims: JSONObject) -> Result<String, ReasonError> {
        guard let value = claims["aud"] else { return .failure(ReasonError("no \"aud\" claim")) }
        let audiences: [String]
        switch value {
        case .string(let audience): audiences = [audience]
        case .array(let entries):
            audiences = entries.compactMap(\.stringValue)
            guard audiences.count == entries.count else {
                return .failure(ReasonError("\"aud\" holds values that are not strings: \(quoted(value))"))
            }
        default: return .failure(ReasonError("\"aud\" is a \(value.typeName), not a string or an array of strings"))
        }
        let accepted = acceptedAudiences
        guard let match = audiences.first(where: { audience in accepted.contains { $0.utf8.elementsEqual(audience.utf8) } }) else {
            let expected = accepted.map { quoted($0) }.joined(separator: " or ")
            return .failure(ReasonError("\"aud\" \(quoted(value)) contains neither \(expected)"))
        }
        return .success("\"aud\" contains \(quoted(match))")
    }

    /// `jwt.iat`.
    func checkIssuedAt(_ claims: JSONObject, receivedAt: Date) -> Result<String, ReasonError> {
        guard let value = claims["iat"] else { return .failure(ReasonError("no \"iat\" claim")) }
        guard let issuedAt = value.doubleValue else { return .failure(ReasonError("\"iat\" is a \(value.typeName), not a number")) }
        let difference = issuedAt - receivedAt.timeIntervalSince1970
        let tolerance = configuration.issuedAtTolerance.secondsValue
        let distance = Int(abs(difference).rounded())
        let direction = difference > 0 ? "ahead of" : "behind"
        guard abs(difference) <= tolerance else {
            return .failure(ReasonError("\"iat\" \(quoted(value)) is \(distance) s \(direction) the local clock (tolerance \(Int(tolerance)) s)"))
        }
        return .success("\"iat\" is within \(distance) s of the local clock")
    }

    /// `jwt.token_introspection`.
    static func checkTokenIntrospection(_ claims: JSONObject) -> Result<String, ReasonError> {
        guard let value = claims["token_introspection"] else { return .failure(ReasonError("no \"token_introspection\" claim")) }
        guard let object = value.objectValue else {
            return .failure(ReasonError("\"token_introspection\" is a \(value.typeName), not an object"))
        }
        let introspection: TokenIntrospection
        do {
            introspection = try TokenIntrospection(validating: object)
        } catch {
            return .failure(ReasonError(error.message))
        }
        guard introspection.isActive else {
            return .failure(ReasonError("\"active\" is false for the token given as active"))
        }
        let names = object.members.map(\.name).joined(separator: ", ")
        return .success("active: true; members \(names)")
    }
}
