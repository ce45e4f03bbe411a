import Foundation
import IntrospectionJWT

/// `verify --jobs N`: verifies up to N inputs at once and prints the results in input order.
///
/// Memory stays flat however long standard input is: at most N verifications run at once, and at most
/// `window` inputs are read ahead of the next line to print (results that finished early wait for it).
enum ParallelVerification {
    /// One input's outcome.
    typealias Outcome = (sequence: Int, failure: IntrospectionJWTError?, line: String)

    /// How many inputs may be read ahead of the line to print next, for `jobs` parallel verifications.
    static func window(jobs: Int) -> Int { max(64, 16 * jobs) }

    /// Verifies every input with `jobs` verifications at most in flight; each child task also formats its
    /// output line, and `emit` gets the lines (with the failure, if any) in input order.
    static func run(
        inputs: [InputSource],
        jobs: Int,
        verify: @escaping @Sendable (_ name: String, _ token: String) async -> (failure: IntrospectionJWTError?, line: String),
        emit: (_ failure: IntrospectionJWTError?, _ line: String) -> Void
    ) async throws {
        let window = window(jobs: jobs)
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var running = 0
            var nextSequence = 0
            var nextToPrint = 0
            var finished: [Int: Outcome] = [:]

            func collectOne() async throws {
                guard let outcome = try await group.next() else { return }
                running -= 1
                finished[outcome.sequence] = outcome
                while let ready = finished.removeValue(forKey: nextToPrint) {
                    emit(ready.failure, ready.line)
                    nextToPrint += 1
                }
            }

            var readFailure: (any Error)? = nil
            do {
                try await InputSource.forEachToken(in: inputs) { name, token in
                    while running >= jobs || nextSequence - nextToPrint >= window {
                        try await collectOne()
                    }
                    let sequence = nextSequence
                    nextSequence += 1
                    running += 1
                    group.addTask {
                        let (failure, line) = await verify(name, token)
                        return (sequence, failure, line)
                    }
                }
            } catch {
                readFailure = error  // as without --jobs: every input before it is still reported
            }
            while running > 0 {
                try await collectOne()
            }
            if let readFailure { throw readFailure }
        }
    }
}
