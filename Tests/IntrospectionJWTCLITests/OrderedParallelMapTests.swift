import Foundation
@testable import IntrospectionJWTCLI
import Testing

/// The one ordered, bounded parallel map behind `verify --jobs` and `audit`.
@Suite("OrderedParallelMap")
struct OrderedParallelMapTests {
    struct ReadFailure: Error {}

    /// Counts the transforms running at once, and the most seen.
    final class Gauge: @unchecked Sendable {  // every access under the lock
        private let lock = NSLock()
        private var running = 0
        private var seen = 0
        func enter() { lock.withLock { running += 1; seen = max(seen, running) } }
        func leave() { lock.withLock { running -= 1 } }
        var most: Int { lock.withLock { seen } }
    }

    @Test("Results come out in input order whatever order the batches finish in", arguments: [1, 2, 3, 8])
    func keepsOrder(jobs: Int) async throws {
        var emitted: [Int] = []
        try await OrderedParallelMap.run(
            jobs: jobs,
            produce: { take in for input in 0..<1000 { await take(input) } },
            transform: { input in
                if input % 97 == 0 { try? await Task.sleep(for: .milliseconds(2)) }  // some batches finish late
                return input * 2
            },
            emit: { emitted.append($0) }
        )
        #expect(emitted == (0..<1000).map { $0 * 2 })
    }

    @Test("A producer that fails after some inputs: every input before is emitted, in order, then its error is thrown")
    func readFailureComesAfterEveryEarlierInput() async {
        var emitted: [Int] = []
        await #expect(throws: ReadFailure.self) {
            try await OrderedParallelMap.run(
                jobs: 2,
                produce: { take in
                    for input in 0..<100 { await take(input) }
                    throw ReadFailure()
                },
                transform: { $0 },
                emit: { emitted.append($0) }
            )
        }
        #expect(emitted == Array(0..<100))
    }

    @Test("At most jobs batches run at once, and at most the window of batches is taken ahead of the next to emit")
    func memoryAndParallelismAreBounded() async throws {
        let jobs = 2
        let gauge = Gauge()
        var taken = 0
        var emittedCount = 0
        var mostAhead = 0
        try await OrderedParallelMap.run(
            jobs: jobs,
            produce: { take in
                for input in 0..<5000 {
                    taken += 1
                    mostAhead = max(mostAhead, taken - emittedCount)
                    await take(input)
                }
            },
            transform: { input in
                gauge.enter()
                defer { gauge.leave() }
                if input % OrderedParallelMap.batchSize == 0 { try? await Task.sleep(for: .microseconds(200)) }
                return input
            },
            emit: { _ in emittedCount += 1 }
        )
        #expect(emittedCount == 5000)
        #expect(gauge.most <= jobs)  // a batch transforms its inputs one after another
        // The window of batches held, plus the batch being filled.
        #expect(mostAhead <= (OrderedParallelMap.window(jobs: jobs) + 1) * OrderedParallelMap.batchSize)
    }
}
