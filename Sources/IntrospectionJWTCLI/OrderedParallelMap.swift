// Written by hand: swift-async-algorithms has no ordered, bounded parallel map; a task group with a
// window of batches does it here in one screen.

/// Runs `transform` on up to `jobs` batches of inputs at a time and emits the results in input order,
/// holding at most a bounded window of inputs in memory. `verify --jobs` and `audit` both use it.
///
/// Inputs go to the child tasks in batches of consecutive inputs, so that the task, reordering and
/// scheduling overhead of the serial loop is paid once per batch, not once per input. Memory stays flat
/// however long the input is: at most `jobs` batches run at once, and at most ``window(jobs:)`` batches
/// are taken ahead of the next one to emit (batches that finished early wait for it).
enum OrderedParallelMap {
    /// Consecutive inputs transformed by one child task.
    static let batchSize = 32

    /// How many batches may be taken ahead of the batch to emit next, for `jobs` parallel batches: 4 per
    /// job, so at most 128 × `jobs` inputs (and their results) in memory.
    static func window(jobs: Int) -> Int { 4 * jobs }

    /// Transforms every input that `produce` hands to its argument, with at most `jobs` batches in flight,
    /// and gives each result to `emit` in input order.
    ///
    /// `produce` is the serial input loop; when it throws (a read failure after some inputs), every input
    /// it handed over before is still transformed and emitted, and then its error is rethrown. (It is
    /// `@escaping` only so that the closure it is given may call `emit`; it runs before `run` returns.)
    @concurrent static func run<Input: Sendable, Output: Sendable>(
        jobs: Int,
        produce: @escaping (_ take: (Input) async -> Void) async throws -> Void,
        transform: @escaping @Sendable (Input) async -> Output,
        emit: (Output) -> Void
    ) async throws {
        let jobs = max(1, jobs)
        let window = window(jobs: jobs)
        let producerFailure: (any Error)? = await withTaskGroup(of: (Int, [Output]).self) { group in
            var running = 0
            var nextBatch = 0
            var nextToEmit = 0
            var finished: [Int: [Output]] = [:]
            var batch: [Input] = []
            batch.reserveCapacity(batchSize)

            func collectOne() async {
                guard let (sequence, outputs) = await group.next() else { return }
                running -= 1
                finished[sequence] = outputs
                while let ready = finished.removeValue(forKey: nextToEmit) {
                    for output in ready { emit(output) }
                    nextToEmit += 1
                }
            }

            func submit() async {
                while running >= jobs || nextBatch - nextToEmit >= window {
                    await collectOne()
                }
                let sequence = nextBatch
                let inputs = batch
                nextBatch += 1
                running += 1
                batch.removeAll(keepingCapacity: true)
                group.addTask {
                    var outputs: [Output] = []
                    outputs.reserveCapacity(inputs.count)
                    for input in inputs { outputs.append(await transform(input)) }
                    return (sequence, outputs)
                }
            }

            var failure: (any Error)? = nil
            do {
                try await produce { input in
                    batch.append(input)
                    if batch.count == batchSize { await submit() }
                }
            } catch {
                failure = error  // every input taken before it is still emitted
            }
            if !batch.isEmpty { await submit() }
            while running > 0 {
                await collectOne()
            }
            return failure
        }
        if let producerFailure { throw producerFailure }
    }
}
