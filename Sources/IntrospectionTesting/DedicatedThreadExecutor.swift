import Foundation

/// A task executor with threads of its own, outside Swift's cooperative pool, for the test servers.
///
/// A test suite runs CPU-bound tests (vectors, fuzz seeds, thousands of verifications) in parallel with
/// tests that call a server in the same process. On a machine with few cores those tests can hold every
/// thread of the cooperative pool for seconds; a server whose handlers ran there would then answer late,
/// and the code under test would time out for a reason that has nothing to do with it. The servers'
/// tasks prefer this executor (SE-0417), so they are served whatever the rest of the process is doing.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` is only touched under `condition`'s lock.
    /// The executor of every test server in the process.
    static let shared = DedicatedThreadExecutor(threadCount: 2, name: "test-server")

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(threadCount: Int, name: String) {
        for index in 0..<threadCount {
            let thread = Thread { [unowned self] in self.runJobs() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
