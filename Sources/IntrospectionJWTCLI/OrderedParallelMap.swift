/// Runs `transform` on up to `jobs` batches of inputs at a time and emits the results in input order,
/// holding at most a bounded window of inputs in memory.
///
/// Inputs go to the child tasks in batches of consecutive inputs, so that the task, reordering and
/// scheduling overhead of the serial loop is paid once per batch, not once per input.
enum OrderedParallelMap {
    /// Consecutive inputs transformed by one child task.
    static let batchSize = 32

    @concurrent static func run<Input: Sendable, Output: Sendable>(
        jobs: Int,
        next: () -> Input?,
        transform: @escaping @Sendable (Input) -> Output,
        emit: (Output) throws -> Void
    ) async throws {
        let jobs = max(1, jobs)
        // Batches held ahead of the next to emit: 4 per job, so at most 128 × jobs inputs in memory.
        let window = 4 * jobs
        try await withThrowingTaskGroup(of: (Int, [Output]).self) { group in
            var pending: [Int: [Output]] = [:]
            var nextToEmit = 0
            var submitted = 0
            var running = 0
            var exhausted = false
            // At most `jobs` batches run at once (the child tasks would otherwise use every core
            // whatever `jobs` says), and at most `window` batches are held ahead of the next to emit.
            func submitMore() {
                while !exhausted, running < jobs, submitted - nextToEmit < window {
                    var batch: [Input] = []
                    batch.reserveCapacity(batchSize)
                    while batch.count < batchSize, let input = next() { batch.append(input) }
                    if batch.count < batchSize { exhausted = true }
                    guard !batch.isEmpty else { return }
                    let index = submitted
                    group.addTask { (index, batch.map(transform)) }
                    submitted += 1
                    running += 1
                }
            }
            submitMore()
            while let (index, outputs) = try await group.next() {
                running -= 1
                pending[index] = outputs
                while let ready = pending.removeValue(forKey: nextToEmit) {
                    for output in ready { try emit(output) }
                    nextToEmit += 1
                }
                submitMore()
            }
        }
    }
}
