import Dispatch
import Synchronization

/// Runs async work from synchronous code (the CLI and the decoding pipeline are synchronous; the
/// AWS client is async) and waits for its result.
///
/// Must not be called from a task of the cooperative pool: it blocks its thread.
enum BlockingAwait {
    static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
