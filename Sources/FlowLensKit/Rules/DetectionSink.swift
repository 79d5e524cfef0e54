import Dispatch
public import FlowCore
public import FlowDetection

/// Feeds a pass's batches to a ``DetectionEngine`` on a thread of its own; the alerts are ready
/// after `finish()`.
///
/// Detection runs beside the statistics instead of after them, so a scan with rules keeps both
/// cores busy. Each batch is matched and applied on the one serial queue, in the order the
/// batches were consumed. Matching used to run on a concurrent queue of its own, overlapping
/// the previous batch's applying; but a scan without rules already keeps both cores busy
/// decoding, so the extra thread bought no wall time, and handing each batch between two
/// threads cost about 80 ns/record of CPU (the records loaded into a second core's caches).
/// At most `maxQueued` batches wait, which bounds memory.
public final class DetectionSink: FlowSink, @unchecked Sendable {
    // The engine is touched only on `queue`, one batch at a time: that is what makes the
    // unchecked Sendable sound.
    public let engine: DetectionEngine
    public private(set) var alerts: [Alert] = []
    private let queue = DispatchQueue(label: "flowlens.detection")
    private let slots: DispatchSemaphore

    public init(engine: DetectionEngine, maxQueued: Int = 8) {
        self.engine = engine
        slots = DispatchSemaphore(value: maxQueued)
    }

    public func consume(_ batch: FlowBatch) {
        slots.wait()
        queue.async { [self] in
            engine.process(batch)
            slots.signal()
        }
    }

    public func finish() {
        queue.sync { alerts = engine.finish() }
    }
}
