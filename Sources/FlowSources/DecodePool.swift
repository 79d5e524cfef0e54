import Foundation

/// Threads of the run's own that decode chunks, in the order the readers queue them.
///
/// On the global dispatch queue, nearly every chunk of a scan ran on one of its threads (a
/// profile of `scan` on 10 M records: 1.84 s of decoding on one thread, 0.17 s on the other)
/// while the reader, the consumer and the sinks' threads kept the cores busy, and Dispatch did
/// not add a worker: decoding was one serial stage. The kernel shares the cores among threads
/// of our own as it does among the reader and the consumer.
final class DecodePool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var next = 0
    private var closed = false

    init(threads: Int) {
        for _ in 0..<max(1, threads) {
            let thread = Thread { [self] in work() }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `job` on a thread of the pool; on the caller's thread once the pool is shut down.
    func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        guard !closed else {
            condition.unlock()
            return job()
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads end once the jobs queued are done.
    func shutDown() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while next == jobs.count && !closed { condition.wait() }
            guard next < jobs.count else {
                condition.unlock()
                return
            }
            let job = jobs[next]
            next += 1
            if next == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                next = 0
            }
            condition.unlock()
            job()
        }
    }
}
