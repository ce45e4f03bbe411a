import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import NIOConcurrencyHelpers
import Testing

/// Fault injection: verifications for a bounded time against a JWKS server that rotates its keys and, at
/// random (seeded), times out, answers 5xx, sends garbage or hangs up.
extension RemoteKeys {
    @Suite("Soak under faults")
    struct SoakTests {
        /// The server's published keys: one that stays throughout, and a rotating one that changes
        /// every `rotationInterval` (the previous one stays published for one more interval).
        final class KeyRing: Sendable {
            let stable = TestSigningKey(.ec(.p256), keyID: "stable")
            let rotating = (0..<40).map { TestSigningKey(.ec(.p256), keyID: "rotating-\($0)") }
            let neverPublished = TestSigningKey(.ec(.p256), keyID: "stable")  // same kid, unknown key
            let state = NIOLockedValueBox((generation: 0, random: SeededGenerator(seed: 0x50A4)))

            var published: [TestSigningKey] {
                let generation = state.withLockedValue { $0.generation }
                return [stable] + rotating[max(0, generation - 1)...generation]
            }

            func rotate() { state.withLockedValue { $0.generation = min($0.generation + 1, rotating.count - 1) } }

            /// The next answer: mostly the key set (with a short max-age), sometimes a fault.
            func response() -> TestHTTPServer.Response {
                let roll = state.withLockedValue { Int.random(in: 0..<100, using: &$0.random) }
                switch roll {
                case 0..<55: return .json(TokenMinter.jwks(published), headers: [("Cache-Control", "max-age=0")])
                case 55..<65: return .status(roll.isMultiple(of: 2) ? 500 : 503)
                case 65..<72: return .json("{\"keys\": [", headers: [])  // truncated JSON
                case 72..<78: return .text("<html>maintenance</html>", contentType: "text/html")
                case 78..<84: return .hangUp
                case 84..<90: return .json("{\"keys\":[],\"keys\":[]}")  // duplicate members
                default:
                    var slow = TestHTTPServer.Response.json(TokenMinter.jwks(published))
                    slow.delay = .milliseconds(400)  // past the request timeout
                    return slow
                }
            }
        }

        static func attempt(_ verifier: IntrospectionResponseVerifier, _ token: String) async -> Result<VerifiedIntrospectionResponse, IntrospectionJWTError> {
            do throws(IntrospectionJWTError) {
                return .success(try await verifier.verify(token))
            } catch {
                return .failure(error)
            }
        }

        /// How much resident memory the soak may add: 64 MiB, plus AddressSanitizer's quarantine when it is in
        /// the process (freed memory is held back from reuse on purpose, up to 256 MiB by default, so there
        /// the resident size says nothing about leaks; LeakSanitizer checks those at exit).
        static let allowedGrowth: Int = {
            let underAddressSanitizer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
            return (64 + (underAddressSanitizer ? 256 : 0)) * 1024 * 1024
        }()

        /// The process's resident memory in bytes (Linux /proc).
        static func residentBytes() -> Int {
            guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
                let pages = Int(text.split(separator: " ")[1])
            else { return 0 }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        }

        @Test("Under random outages and rotation, no valid response is refused while keys are held, no invalid one passes, memory stays flat")
        func soak() async throws {
            let ring = KeyRing()
            try await TestHTTPServer.start { _ in ring.response() }.shuttingDown { server in
                let source = RemoteJWKSKeySource(
                    url: server.baseURL + "/jwks",
                    configuration: RemoteFixture.configuration(
                        timeToLive: .milliseconds(100), maximumTimeToLive: .milliseconds(100), cooldown: .milliseconds(100),
                        maximumStaleness: .seconds(120), failureBackoff: .milliseconds(50), requestTimeout: .milliseconds(200)
                    ),
                    transport: AsyncHTTPClientTransport(), logger: RemoteFixture.logger
                )
                let verifier = RemoteFixture.verifier(source)
                let issuedAt = RemoteFixture.now
                let stableToken = TokenMinter.response(key: ring.stable, algorithm: .es256, issuedAt: issuedAt)
                let rotatingTokens = ring.rotating.map { TokenMinter.response(key: $0, algorithm: .es256, issuedAt: issuedAt) }
                let forged = TokenMinter.response(key: ring.neverPublished, algorithm: .es256, issuedAt: issuedAt)
                let parts = stableToken.split(separator: ".")
                let tampered = parts[0] + "." + TestBase64URL.encode(TokenMinter.payload(issuedAt: issuedAt, audience: "https://evil.example")) + "." + parts[2]

                struct Tally: Sendable {
                    var stableVerified = 0, stableRefusedWithKeys = 0, stableRefusedBeforeKeys = 0
                    var rotatingVerified = 0, rotatingRefused = 0, rotatingWrongCode: [String] = []
                    var invalidAccepted = 0, invalidRefused = 0
                }
                let tally = NIOLockedValueBox(Tally())
                let deadline = ContinuousClock.now + .seconds(6)
                var baseline = 0

                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {  // the authorization server rotates its keys
                        while ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(300))
                            ring.rotate()
                        }
                    }
                    for worker in 0..<4 {
                        group.addTask {
                            var random = SeededGenerator(seed: UInt64(worker) + 1)
                            while ContinuousClock.now < deadline {
                                let hadKeys = await source.cachedKeySet != nil
                                switch Int.random(in: 0..<10, using: &random) {
                                case 0..<4:
                                    let result = await Self.attempt(verifier, stableToken)
                                    tally.withLockedValue {
                                        switch (result, hadKeys) {
                                        case (.success, _): $0.stableVerified += 1
                                        case (.failure, true): $0.stableRefusedWithKeys += 1
                                        case (.failure, false): $0.stableRefusedBeforeKeys += 1
                                        }
                                    }
                                case 4..<7:
                                    let generation = ring.state.withLockedValue { $0.generation }
                                    let result = await Self.attempt(verifier, rotatingTokens[generation])
                                    tally.withLockedValue {
                                        switch result {
                                        case .success: $0.rotatingVerified += 1
                                        case .failure(let error):
                                            // A key the source has not seen yet (its fetches may be failing) is
                                            // unknown; it must never look like a bad signature.
                                            $0.rotatingRefused += 1
                                            if error.code != .unknownKey && error.code != .jwksUnavailable { $0.rotatingWrongCode.append(error.code.rawValue) }
                                        }
                                    }
                                default:
                                    let token = Bool.random(using: &random) ? forged : String(tampered)
                                    let result = await Self.attempt(verifier, token)
                                    tally.withLockedValue {
                                        if case .success = result { $0.invalidAccepted += 1 } else { $0.invalidRefused += 1 }
                                    }
                                }
                            }
                        }
                    }
                    // Memory after a warm-up second, compared with the end.
                    try await Task.sleep(for: .seconds(1))
                    baseline = Self.residentBytes()
                    try await group.waitForAll()
                }
                let growth = Self.residentBytes() - baseline
                let result = tally.withLockedValue { $0 }
                let requests = server.requestCount

                #expect(result.invalidAccepted == 0)
                #expect(result.stableRefusedWithKeys == 0, "a valid response was refused while good keys were held")
                #expect(result.rotatingWrongCode.isEmpty, "\(result.rotatingWrongCode.prefix(5))")
                #expect(result.stableVerified > 500 && result.invalidRefused > 100 && result.rotatingVerified > 50)
                #expect(requests > 20, "the server saw \(requests) requests: the faults were not exercised")
                #expect(growth < Self.allowedGrowth, "resident memory grew by \(growth / 1024) KiB during the soak")
            }
        }
    }
}
