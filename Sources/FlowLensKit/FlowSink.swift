public import FlowCore

/// A consumer of decoded batches in a run (detection, a store, an exporter).
///
/// Batches arrive on one thread, in source order, after `--where` filtering; `finish()` is called
/// once at end of input so that windowed state can be flushed.
public protocol FlowSink: AnyObject {
    func consume(_ batch: FlowBatch)
    func finish()
}
