// The verification benchmarks: the OpenSSL limit, our full verification, jwt-kit on the same tokens,
// key-set loading and the audit path. `Benchmarks/run.sh` runs them and turns the figures into the
// ratios of RESULTS.md (ours/limit, ours/jwt-kit).
import Benchmark
import BenchmarkFixtures
import Foundation
@_spi(Benchmarks) import IntrospectionJWT
import JWTKit

// MARK: - Shared state, built once

let fixtures = try! Fixtures()
let verificationTime = Date(timeIntervalSince1970: TimeInterval(Fixtures.issuedAt))
let keys = try! JWKSet(json: fixtures.jwks)
let policy = VerificationPolicy(
    issuer: Fixtures.issuer, audiences: [Fixtures.audience],
    allowedAlgorithms: [.rs256, .es256, .ps256],
    maximumAge: .seconds(300), clockSkew: .seconds(60)
)
let verifier = IntrospectionResponseVerifier(policy: policy, keys: keys)

/// The limit's input: the digest and the OpenSSL-form signature of each token, and its key.
func prehashed(_ algorithm: SignatureAlgorithm) -> (VerificationKey, PrehashedSignatureInput) {
    let token = fixtures.token(algorithm.rawValue)
    let key = keys.keys.first { $0.fits(algorithm) }!
    let input = key.prehashedInput(of: token, algorithm: algorithm)!
    precondition(key.verifyPrehashed(input), "the limit's input does not verify")
    return (key, input)
}

// MARK: - jwt-kit, with claim checks equivalent to ours

struct JWTKitIntrospection: Codable, Sendable {
    var active: Bool
    var scope: String?
    var client_id: String?
    var username: String?
    var token_type: String?
    var exp: Double?
    var iat: Double?
    var nbf: Double?
    var sub: String?
    var aud: AudienceClaim?
    var iss: String?
    var jti: String?
}

struct JWTKitResponse: JWTPayload {
    var iss: IssuerClaim
    var aud: AudienceClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?
    var token_introspection: JWTKitIntrospection

    struct ClaimFailure: Error {}

    /// iss exact, aud contains ours, iat within [at - maxAge - skew, at + skew], nbf reached, exp not passed.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard iss.value == Fixtures.issuer else { throw ClaimFailure() }
        try aud.verifyIntendedAudience(includes: Fixtures.audience)
        let at = verificationTime.timeIntervalSince1970
        let issued = iat.value.timeIntervalSince1970
        guard issued <= at + 60, issued >= at - 300 - 60 else { throw ClaimFailure() }
        if let nbf, nbf.value.timeIntervalSince1970 > at + 60 { throw ClaimFailure() }
        if let exp, exp.value.timeIntervalSince1970 <= at - 60 { throw ClaimFailure() }
    }
}

let jwtKitKeys: JWTKeyCollection = {
    let collection = JWTKeyCollection()
    let box = UnsafeSendableBox<JWTKeyCollection?>(nil)
    let semaphore = DispatchSemaphore(value: 0)
    Task {
        _ = try! await collection.add(jwksJSON: fixtures.jwks)
        for testCase in fixtures.cases {
            _ = try! await collection.verify(testCase.token, as: JWTKitResponse.self)
        }
        box.value = collection
        semaphore.signal()
    }
    semaphore.wait()
    return box.value!
}()

final class UnsafeSendableBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

// MARK: - The audit path: one stored record (a JSON line) parsed and verified as of its receipt

func verifyAuditRecord(_ line: String) throws -> VerifiedIntrospectionResponse {
    guard case .object(let record)? = try? JSONValue(parsing: line.utf8),
        let receivedAt = record["received_at"]?.doubleValue,
        let response = record["response"]?.stringValue
    else { throw IntrospectionJWTError(.malformed, "not an audit record") }
    return try verifier.verify(response, using: keys, at: Date(timeIntervalSince1970: receivedAt))
}

// MARK: - The benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 200,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    for algorithm in [SignatureAlgorithm.rs256, .es256, .ps256] {
        let name = algorithm.rawValue
        let token = fixtures.token(name)
        let (key, input) = prehashed(algorithm)
        precondition((try? verifier.verify(token, using: keys, at: verificationTime)) != nil, "\(name) does not verify")

        Benchmark("limit \(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(key.verifyPrehashed(input))
            }
        }

        Benchmark("ours \(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try verifier.verify(token, using: keys, at: verificationTime))
            }
        }

        Benchmark("ours-async \(name)") { benchmark async throws in
            for _ in benchmark.scaledIterations {
                blackHole(try await verifier.verify(token, at: verificationTime))
            }
        }

        let collection = jwtKitKeys
        Benchmark("jwt-kit \(name)") { benchmark async throws in
            for _ in benchmark.scaledIterations {
                blackHole(try await collection.verify(token, as: JWTKitResponse.self))
            }
        }

        let record = fixtures.auditRecord(name)
        Benchmark("audit-record \(name)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try verifyAuditRecord(record))
            }
        }
    }

    let tenKeys = try! Fixtures.tenKeyJWKS()
    Benchmark("jwks-load 10 keys") { benchmark in
        for _ in benchmark.scaledIterations {
            let set = try JWKSet(json: tenKeys)
            precondition(set.keys.count == 10)
            blackHole(set)
        }
    }
}
