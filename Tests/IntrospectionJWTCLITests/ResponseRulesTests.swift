import Foundation
import IntrospectionJWT
import Testing

/// The conformance checker runs the verifier's rules one by one (`ResponseRules`); these tests hold the
/// two to the same verdicts over every introspection vector, so that a rule can never drift between them.
@Suite("Rules one by one agree with the verifier")
struct ResponseRulesTests {
    @Test("On every vector, the rule the verifier failed on fails alone with the same code, and a valid response passes every rule", arguments: VectorCase.all)
    func rulesAgreeWithTheVerifier(vector: VectorCase) throws {
        guard let keys = try? JWKSet(json: vector.jwksText) else { return }  // the key set is the defect
        var allowed = SignatureAlgorithm.allSupported
        if let names = vector.algorithms { allowed = Set(names.compactMap(SignatureAlgorithm.init(rawValue:))) }
        let at = Date(timeIntervalSince1970: vector.at)
        let maximumAge = Duration.seconds(vector.maxAge ?? 300), clockSkew = Duration.seconds(vector.clockSkew ?? 60)

        let rules: ResponseRules
        do {
            rules = try ResponseRules(vector.token)
        } catch {
            #expect(vector.expectedError == "malformed", "only a malformed response fails to split: \(error)")
            return
        }
        func code(_ rule: () throws(IntrospectionJWTError) -> Void) -> String? {
            do {
                try rule()
                return nil
            } catch {
                return error.code.rawValue
            }
        }
        let verdicts: [String: String?] = [
            "typ": code { () throws(IntrospectionJWTError) in _ = try rules.checkType() },
            "alg": code { () throws(IntrospectionJWTError) in _ = try rules.algorithm(allowed: allowed) },
            "signature": code { () throws(IntrospectionJWTError) in _ = try rules.verifySignature(algorithm: try rules.algorithm(allowed: allowed), keys: keys) },
            "iss": code { () throws(IntrospectionJWTError) in try rules.checkIssuer(expected: vector.issuer) },
            "aud": code { () throws(IntrospectionJWTError) in try rules.checkAudience(expected: vector.audiences) },
            "iat": code { () throws(IntrospectionJWTError) in try rules.checkIssuedAt(at: at, maximumAge: maximumAge, clockSkew: clockSkew) },
            "token_introspection": code { () throws(IntrospectionJWTError) in _ = try rules.checkTokenIntrospection() },
        ]
        guard let expected = vector.expectedError else {
            for (rule, verdict) in verdicts { #expect(verdict == nil, "a valid response fails the \(rule) rule: \(verdict ?? "")") }
            return
        }
        // The rule that owns the verifier's code fails with it on its own.
        let owners: [String: [String]] = [
            "wrong_type": ["typ"], "unsupported_algorithm": ["alg"], "unknown_key": ["signature"], "weak_key": ["signature"],
            "bad_signature": ["signature"], "wrong_issuer": ["iss"], "wrong_audience": ["aud"],
            "missing_claim": ["iss", "aud", "iat", "token_introspection"], "invalid_introspection": ["token_introspection"],
            "not_yet_valid": ["iat"], "expired": ["iat"],
        ]
        guard let owning = owners[expected] else { return }  // malformed claims, crit: steps the checker has no rule for
        let failing = owning.filter { verdicts[$0] == .some(expected) }
        if expected == "not_yet_valid" || expected == "expired", failing.isEmpty {
            // `nbf` and a top-level `exp` are the verifier's alone (the checker flags a top-level exp itself).
            let payload = rules.claims
            #expect(payload["nbf"] != nil || payload["exp"] != nil, "\(expected) without an iat, nbf or exp to blame")
            return
        }
        #expect(!failing.isEmpty, "the verifier says \(expected); the rules say \(verdicts)")
    }
}
