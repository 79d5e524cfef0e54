import Dispatch
public import FlowCore
public import FlowDetection

/// Feeds a pass's batches to a ``DetectionEngine`` on a thread of its own; the alerts are ready
/// after `finish()`.
///
/// Detection runs beside the statistics instead of after them, so a scan with rules keeps both
/// cores busy. Each batch goes through two stages: finding which records each rule matches
/// (stateless, about half the work) runs on a concurrent queue, so that it overlaps with the
/// previous batch's second stage, applying the matches to the rules' state, which runs on one
/// serial queue in the order the batches were consumed. At most `maxQueued` batches wait,
/// which bounds memory.
public final class DetectionSink: FlowSink, @unchecked Sendable {
    // The engine's state is touched only on `queue`, one batch at a time, and the matching
    // stage reads only its compiled rules: that is what makes the unchecked Sendable sound.
    public let engine: DetectionEngine
    public private(set) var alerts: [Alert] = []
    private let queue = DispatchQueue(label: "flowlens.detection")
    private let matchingQueue = DispatchQueue(label: "flowlens.detection.matching", attributes: .concurrent)
    private let slots: DispatchSemaphore

    public init(engine: DetectionEngine, maxQueued: Int = 8) {
        self.engine = engine
        slots = DispatchSemaphore(value: maxQueued)
    }

    public func consume(_ batch: FlowBatch) {
        slots.wait()
        let found = PendingMatches()
        matchingQueue.async(group: found.done) { [self] in found.matches = engine.findMatches(in: batch) }
        queue.async { [self] in
            // Blocks only this serial queue, and keeps the batches in order.
            found.done.wait()
            engine.process(batch, matches: found.matches)
            slots.signal()
        }
    }

    public func finish() {
        queue.sync { alerts = engine.finish() }
    }
}

/// One batch's matches, handed from the matching stage to the applying stage.
private final class PendingMatches: @unchecked Sendable {
    // Written once on the matching queue before `done` leaves, read only after waiting on it.
    var matches = BatchMatches()
    let done = DispatchGroup()
}
