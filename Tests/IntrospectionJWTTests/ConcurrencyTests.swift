import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// One key set shared by many concurrent verifications: the OpenSSL keys and their pooled verify
/// contexts are used from several threads at once. Run under ThreadSanitizer by
/// Scripts/ci-tsan-and-fuzz-smoke.sh (`--filter ConcurrencyTests`). No timing is asserted.
@Suite("Concurrent verification")
struct ConcurrencyTests {
    static let at = Date(timeIntervalSince1970: TimeInterval(testTime))

    /// A valid token and a copy with a wrong signature, for each algorithm family.
    static let tokens: [(valid: String, forged: String)] = [SignatureAlgorithm.rs256, .ps256, .es256, .es384, .edDSA].map { algorithm in
        let valid = TokenMinter.response(key: TestKeys.key(for: algorithm), algorithm: algorithm, issuedAt: testTime)
        let other = TokenMinter.response(key: TestKeys.key(for: algorithm), algorithm: algorithm, issuedAt: testTime + 1)
        let parts = valid.split(separator: ".")
        return (valid, parts[0] + "." + parts[1] + "." + other.split(separator: ".")[2])
    }

    @Test("Valid and forged tokens verified from many tasks at once give the same answers as one by one")
    func concurrentVerificationsAgree() async {
        let verifier = makeVerifier()
        let keys = TestKeys.keySet
        let results = await withTaskGroup(of: (Int, Bool, Bool).self) { group in
            for task in 0..<16 {
                group.addTask {
                    var valid = true, forgedRefused = true
                    for round in 0..<25 {
                        let pair = Self.tokens[(task + round) % Self.tokens.count]
                        // The sync API with the shared set, and the async one through the key source.
                        if (try? verifier.verify(pair.valid, using: keys, at: Self.at)) == nil { valid = false }
                        if (try? await verifier.verify(pair.valid, at: Self.at)) == nil { valid = false }
                        do throws(IntrospectionJWTError) {
                            _ = try verifier.verify(pair.forged, using: keys, at: Self.at)
                            forgedRefused = false
                        } catch {
                            if error.code != .badSignature { forgedRefused = false }
                        }
                    }
                    return (task, valid, forgedRefused)
                }
            }
            var results: [(Int, Bool, Bool)] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0.1 }, "a valid token failed under concurrency")
        #expect(results.allSatisfy { $0.2 }, "a forged token was not refused as bad_signature under concurrency")
    }

    @Test("A reused verify context is as good as a fresh one: good, forged, good again, for every algorithm")
    func reusedContextsStayCorrect() {
        let verifier = makeVerifier()
        for pair in Self.tokens {
            for _ in 0..<3 {
                #expect((try? verifier.verify(pair.valid, using: TestKeys.keySet, at: Self.at)) != nil)
                #expect((try? verifier.verify(pair.forged, using: TestKeys.keySet, at: Self.at)) == nil)
            }
        }
    }
}
