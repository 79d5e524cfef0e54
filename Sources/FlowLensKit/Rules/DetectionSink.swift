public import FlowCore
public import FlowDetection

/// Feeds a pass's batches to a ``DetectionEngine``; the alerts are ready after the pass.
public final class DetectionSink: FlowSink {
    public let engine: DetectionEngine
    public private(set) var alerts: [Alert] = []

    public init(engine: DetectionEngine) { self.engine = engine }

    public func consume(_ batch: FlowBatch) { engine.process(batch) }

    public func finish() { alerts = engine.finish() }
}
