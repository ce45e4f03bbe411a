/// Runs `transform` on up to `jobs` inputs at a time and emits the results in input order, holding at
/// most a bounded window of inputs in memory.
enum OrderedParallelMap {
    @concurrent static func run<Input: Sendable, Output: Sendable>(
        jobs: Int,
        next: () -> Input?,
        transform: @escaping @Sendable (Input) -> Output,
        emit: (Output) throws -> Void
    ) async throws {
        let window = max(1, jobs) * 16
        try await withThrowingTaskGroup(of: (Int, Output).self) { group in
            var pending: [Int: Output] = [:]
            var nextToEmit = 0
            var submitted = 0
            var running = 0
            var exhausted = false
            // At most `jobs` transforms run at once (the child tasks would otherwise use every core
            // whatever `jobs` says), and at most `window` inputs are held ahead of the next to emit.
            func submitMore() {
                while !exhausted, running < max(1, jobs), submitted - nextToEmit < window {
                    guard let input = next() else {
                        exhausted = true
                        return
                    }
                    let index = submitted
                    group.addTask { (index, transform(input)) }
                    submitted += 1
                    running += 1
                }
            }
            submitMore()
            while let (index, output) = try await group.next() {
                running -= 1
                pending[index] = output
                while let ready = pending.removeValue(forKey: nextToEmit) {
                    try emit(ready)
                    nextToEmit += 1
                }
                submitMore()
            }
        }
    }
}
