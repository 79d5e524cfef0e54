import Dispatch

/// A value computed on a thread of its own while the caller goes on; ``value()`` waits for it.
///
/// For work that overlaps other work of the caller on this 2-core design, such as sorting a bulk
/// load's rollup rows while the flow index trees are written. The closure must only read what the
/// caller leaves untouched until ``value()`` returns.
final class BackgroundResult<Value>: @unchecked Sendable {
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)

    init(_ compute: @escaping () -> Value) {
        let work = Unchecked(compute)
        DispatchQueue.global().async {
            self.result = work.value()
            self.done.signal()
        }
    }

    /// The value, once computed.
    func value() -> Value {
        done.wait()
        done.signal()
        return result!
    }
}

