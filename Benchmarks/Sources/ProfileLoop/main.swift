// ProfileLoop ALG SECONDS [ours|limit]: verifies one token in a loop, for perf/callgrind profiles of the
// hot path (package-benchmark's harness would be in the profile too).
import BenchmarkFixtures
import Foundation
@_spi(Benchmarks) import IntrospectionJWT

let arguments = CommandLine.arguments
let algorithm = SignatureAlgorithm(rawValue: arguments.count > 1 ? arguments[1] : "RS256")!
let iterations = arguments.count > 2 ? Int(arguments[2])! : 10_000
let mode = arguments.count > 3 ? arguments[3] : "ours"
let fixtures = try Fixtures()
let keys = try JWKSet(json: fixtures.jwks)
let verifier = IntrospectionResponseVerifier(
    policy: VerificationPolicy(issuer: Fixtures.issuer, audiences: [Fixtures.audience]), keys: keys)
let time = Date(timeIntervalSince1970: TimeInterval(Fixtures.issuedAt))
let token = fixtures.token(algorithm.rawValue)
let key = keys.keys.first { $0.fits(algorithm) }!
let input = key.prehashedInput(of: token, algorithm: algorithm)!
let start = ContinuousClock.now
var ok = 0
for _ in 0..<iterations {
    switch mode {
    case "limit": if key.verifyPrehashed(input) { ok += 1 }
    case "parse": if (try? verifier.verify(token + "x", using: keys, at: time)) == nil { ok += 1 }
    default: if (try? verifier.verify(token, using: keys, at: time)) != nil { ok += 1 }
    }
}
let elapsed = ContinuousClock.now - start
print("\(mode) \(algorithm): \(ok)/\(iterations) in \(elapsed), \(Double(iterations) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) /s")
