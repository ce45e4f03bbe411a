import Foundation
import IntrospectionJWT

/// `verify --jobs N`: verifies up to N batches of inputs at once and prints the results in input order.
///
/// Inputs are verified in batches of consecutive lines (one child task per batch, so that the task and
/// reordering overhead is paid per batch, not per line), and each child task also formats its output
/// lines. Memory stays flat however long standard input is: at most N batches run at once, and at most
/// `window` batches are read ahead of the next one to print (batches that finished early wait for it).
enum ParallelVerification {
    /// Consecutive inputs verified by one child task.
    static let batchSize = 32

    /// How many batches may be read ahead of the batch to print next, for `jobs` parallel verifications.
    static func window(jobs: Int) -> Int { 4 * jobs }

    /// One input's outcome: its failure, if any, and its output line.
    typealias Outcome = (failure: IntrospectionJWTError?, line: String)

    /// Verifies every input with at most `jobs` batches in flight; `emit` gets each input's failure (if
    /// any) and output line, in input order.
    static func run(
        inputs: [InputSource],
        jobs: Int,
        verify: @escaping @Sendable (_ name: String, _ token: String) async -> Outcome,
        emit: (_ failure: IntrospectionJWTError?, _ line: String) -> Void
    ) async throws {
        let window = window(jobs: jobs)
        try await withThrowingTaskGroup(of: (Int, [Outcome]).self) { group in
            var running = 0
            var nextBatch = 0
            var nextToPrint = 0
            var finished: [Int: [Outcome]] = [:]
            var batch: [(name: String, token: String)] = []
            batch.reserveCapacity(batchSize)

            func collectOne() async throws {
                guard let (sequence, outcomes) = try await group.next() else { return }
                running -= 1
                finished[sequence] = outcomes
                while let ready = finished.removeValue(forKey: nextToPrint) {
                    for outcome in ready { emit(outcome.failure, outcome.line) }
                    nextToPrint += 1
                }
            }

            func submit() async throws {
                while running >= jobs || nextBatch - nextToPrint >= window {
                    try await collectOne()
                }
                let sequence = nextBatch
                let inputs = batch
                nextBatch += 1
                running += 1
                batch.removeAll(keepingCapacity: true)
                group.addTask {
                    var outcomes: [Outcome] = []
                    outcomes.reserveCapacity(inputs.count)
                    for input in inputs { outcomes.append(await verify(input.name, input.token)) }
                    return (sequence, outcomes)
                }
            }

            var readFailure: (any Error)? = nil
            do {
                try await InputSource.forEachToken(in: inputs) { name, token in
                    batch.append((name, token))
                    if batch.count == batchSize { try await submit() }
                }
            } catch {
                readFailure = error  // as without --jobs: every input before it is still reported
            }
            if !batch.isEmpty { try await submit() }
            while running > 0 {
                try await collectOne()
            }
            if let readFailure { throw readFailure }
        }
    }
}
