import Foundation
import IntrospectionJWT
import IntrospectionRemoteKeys

extension ConformanceRun {
    /// The `jwt.*` checks with the `jwe.*` ones among them, in report order.
    static let jwtChecks: [ConformanceCheckDefinition] = [
        ConformanceChecks.jwtStatus, ConformanceChecks.jwtNotDowngraded, ConformanceChecks.jwtContentType,
    ] + jweChecks + [
        ConformanceChecks.jwtCompact, ConformanceChecks.jwtType, ConformanceChecks.jwtAlgorithm,
        ConformanceChecks.jwtKeyID, ConformanceChecks.jwtSignature, ConformanceChecks.jwtIssuer,
        ConformanceChecks.jwtAudience, ConformanceChecks.jwtIssuedAt, ConformanceChecks.jwtTokenIntrospection,
        ConformanceChecks.jwtNoTopLevelSubject, ConformanceChecks.jwtNoTopLevelExpiration,
    ]

    /// The JWT request for the active token and every `jwt.*` check on its answer (with the `jwe.*` checks
    /// first when the resource server registered encryption).
    func checkActiveJWT(endpoint: String, keys: JWKSet?, advertisedAlgorithms: [String]?, advertisedEncryption: AdvertisedEncryption) async {
        let answer: Received
        switch await sendAuthenticated(endpoint: endpoint, token: configuration.activeToken, accept: ConformanceRequests.jwtMediaType) {
        case .success(let value): answer = value
        case .failure(let error):
            fail(ConformanceChecks.jwtStatus, error.reason)
            skipRest(Self.jwtChecks, "no answer (jwt.status)")
            return
        }
        let receivedAt = clock.now
        guard answer.status == 200 else {
            fail(ConformanceChecks.jwtStatus, Self.describeStatus(answer))
            skipRest(Self.jwtChecks, "no 200 answer (jwt.status)")
            return
        }
        pass(ConformanceChecks.jwtStatus, "status 200")

        let mediaType = answer.mediaType
        if mediaType == "application/json" || (try? JSONValue(parsing: answer.body))?.objectValue != nil {
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

        let body = String(decoding: answer.body, as: UTF8.self)
        var content = SignedContent.plain(body)
        if let decryptionKeys = configuration.decryptionKeys {
            content = checkEncryption(body, keys: decryptionKeys, advertised: advertisedEncryption)
        } else {
            skipRest(Self.jweChecks, "no decryption keys: the resource server did not register encryption")
        }
        let response: ResponseRules
        do throws(IntrospectionJWTError) {
            switch content {
            case .plain(let token):
                if EncryptedResponseRules.isEncrypted(token) {
                    throw IntrospectionJWTError(.malformed, "the answer is encrypted (a compact JWE, 5 parts); give the resource server's decryption keys to check it")
                }
                response = try ResponseRules(token)
            case .decrypted(let plaintext):
                response = try ResponseRules(decryptedContent: plaintext)
            case .none(let reason):
                skipRest(Self.jwtChecks, reason)
                return
            }
        } catch {
            fail(ConformanceChecks.jwtCompact, error.message)
            skipRest(Self.jwtChecks, "the body is not a compact JWS (jwt.compact)")
            return
        }
        if case .decrypted = content {
            pass(ConformanceChecks.jwtCompact, "the decrypted content is a JWS: 3 parts, header and payload JSON objects")
        } else {
            pass(ConformanceChecks.jwtCompact, "3 parts, header and payload JSON objects")
        }

        // Each rule is the verifier's own (ResponseRules); here every outcome is recorded.
        record(ConformanceChecks.jwtType, Self.outcome { () throws(IntrospectionJWTError) in "\"typ\" is \(quoted(try response.checkType()))" })
        checkAlgorithm(response.header, advertised: advertisedAlgorithms)
        checkKeyAndSignature(response, keys: keys, keyCheck: ConformanceChecks.jwtKeyID, signatureCheck: ConformanceChecks.jwtSignature)
        record(ConformanceChecks.jwtIssuer, Self.outcome { () throws(IntrospectionJWTError) in
            try response.checkIssuer(expected: configuration.issuer)
            return "\"iss\" is the issuer"
        })
        record(ConformanceChecks.jwtAudience, Self.outcome { () throws(IntrospectionJWTError) in
            try response.checkAudience(expected: acceptedAudiences)
            return "\"aud\" contains \(acceptedAudiences.map { quoted($0) }.joined(separator: " or "))"
        })
        record(ConformanceChecks.jwtIssuedAt, Self.outcome { () throws(IntrospectionJWTError) in
            // Within the tolerance either way: no maximum age beyond the tolerance itself.
            let tolerance = configuration.issuedAtTolerance
            try response.checkIssuedAt(at: receivedAt, maximumAge: .zero, clockSkew: tolerance)
            return "\"iat\" is within \(tolerance.wholeSeconds) s of the local clock"
        })
        record(ConformanceChecks.jwtTokenIntrospection, Self.checkTokenIntrospection(response))
        let claims = response.claims
        for (check, name) in [(ConformanceChecks.jwtNoTopLevelSubject, "sub"), (ConformanceChecks.jwtNoTopLevelExpiration, "exp")] {
            if let value = claims[name] {
                fail(check, "top-level \"\(name)\" is present: \(quoted(value))")
            } else {
                pass(check, "no top-level \"\(name)\"")
            }
        }
    }

    /// A rule's outcome as a check result: its pass reason, or its error's message.
    static func outcome(_ rule: () throws(IntrospectionJWTError) -> String) -> Result<String, ReasonError> {
        do {
            return .success(try rule())
        } catch {
            return .failure(ReasonError(error.message))
        }
    }

    /// `jwt.alg`: present, a string, not `none`, and among the advertised algorithms (which may include
    /// ones this package does not implement: advertising them is not a fault).
    func checkAlgorithm(_ header: JSONObject, advertised: [String]?) {
        guard header["alg"] != .string("none") else {
            return fail(ConformanceChecks.jwtAlgorithm, "\"alg\" is \"none\": the response is unsigned")
        }
        checkAdvertised(header, member: "alg", in: "header", advertised: advertised, check: ConformanceChecks.jwtAlgorithm,
            list: "metadata.introspection_signing_alg_values_supported")
    }

    /// The audiences `aud` may contain: the client id and the configured audience.
    var acceptedAudiences: [String] {
        [configuration.clientID] + (configuration.audience.map { [$0] } ?? [])
    }

    /// `jwt.token_introspection`: the verifier's rule (present, an object, RFC 7662 types), and `active`
    /// true for the token given as active.
    static func checkTokenIntrospection(_ response: ResponseRules) -> Result<String, ReasonError> {
        let object: JSONObject
        do {
            object = try response.checkTokenIntrospection()
        } catch {
            return .failure(ReasonError(error.message))
        }
        guard object["active"] == .bool(true) else {
            return .failure(ReasonError("\"active\" is false for the token given as active"))
        }
        let names = object.members.map(\.name).joined(separator: ", ")
        return .success("active: true; members \(names)")
    }
}
