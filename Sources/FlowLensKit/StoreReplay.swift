import Dispatch
public import FlowCore
public import FlowStore

/// Runs sinks over a store's records the way a scan runs them over sources, so that `filter`,
/// `ips` and `top` with `--db` print what they print for the logs the store was loaded from.
public enum StoreReplay {
    /// Feeds the store's records, in ingest order, through `filter` to `sinks`, then finishes them.
    ///
    /// - Parameters:
    ///   - since: Only records that start at or after this time (Unix seconds).
    ///   - until: Only records that start before this time.
    ///   - filter: Keeps a record when true (a `--where` expression); nil keeps every record.
    ///   - touching: Addresses that every record the filter keeps has as its `srcaddr` or
    ///     `dstaddr` (``FilterExpression/requiredAddresses``): only their rows are read.
    /// - Returns: The number of records passed to the sinks.
    @discardableResult
    public static func run(
        _ store: FlowStore, since: Int64? = nil, until: Int64? = nil, filter: ((FlowRecord) -> Bool)? = nil,
        touching addresses: Set<IPAddress>? = nil, sinks: [any FlowSink]
    ) throws(StoreError) -> Int {
        // The filter and the sinks run on a thread of their own, a batch behind the reading: on
        // two cores, printing or counting one batch overlaps reading the next. The queue keeps
        // the batches in order, and the sinks are touched only there until `finish`.
        let consumer = Consumer(filter: filter, sinks: sinks)
        defer { consumer.drain() }
        try store.readRecords(since: since, until: until, touching: addresses) { batch in consumer.submit(batch) }
        consumer.drain()
        for sink in sinks { sink.finish() }
        return consumer.kept
    }

    /// The filter and the sinks of a replay, fed on a serial queue; at most four batches wait.
    private final class Consumer: @unchecked Sendable {
        private let filter: ((FlowRecord) -> Bool)?
        private let sinks: [any FlowSink]
        private let queue = DispatchQueue(label: "flowlens.store-replay")
        private let slots = DispatchSemaphore(value: 4)
        /// Written on `queue` only; read after `drain`.
        private(set) var kept = 0

        init(filter: ((FlowRecord) -> Bool)?, sinks: [any FlowSink]) {
            self.filter = filter
            self.sinks = sinks
        }

        func submit(_ batch: FlowBatch) {
            slots.wait()
            queue.async { [self] in
                consume(batch)
                slots.signal()
            }
        }

        /// Waits for every submitted batch.
        func drain() { queue.sync {} }

        private func consume(_ batch: FlowBatch) {
            var batch = batch
            // The reader no longer holds the batch, but the closure that carried it does; a
            // batch the filter keeps whole (all of one address's rows for `addr = X`) goes on
            // as it is, and another is rebuilt from the records kept.
            if let filter, let first = batch.records.firstIndex(where: { !filter($0) }) {
                var matching = Array(batch.records[..<first])
                for record in batch.records[(first + 1)...] where filter(record) { matching.append(record) }
                batch.records = matching
            }
            guard !batch.records.isEmpty else { return }
            kept += batch.records.count
            for sink in sinks { sink.consume(batch) }
        }
    }
}
