import Dispatch

/// One row's rollup keys and sums, as ``FlowRowWriter`` hands them to a ``RollupAccumulator``.
///
/// Keys are the values of ``RollupTable`` (``RollupTable/absent`` where the row has none), in
/// the order of ``StoreSchema/rollupDimensions``.
struct RollupRow {
    var hour: Int64
    var src: UInt64
    var dst: UInt64
    var dstport: UInt64
    var proto: UInt64
    var interface: UInt64
    var action: UInt64
    var packets: Int64
    var bytes: Int64
}

extension RollupRow {
    /// One row's rollup keys, from its stored values (`src`/`dst` 0 for an absent address).
    /// Interface and action come from the row's context, so that a row read back gives the same keys.
    @inline(__always)
    init(
        hour: Int64, src: UInt64, dst: UInt64, dstport: UInt64, proto: UInt64, context: Int64, packets: Int64,
        bytes: Int64, lookups: StoreLookups
    ) {
        let a = RollupTable.absent
        let (interface, action) = lookups.rollupKeys(ofContext: context)
        self.init(
            hour: hour, src: src == 0 ? a : src, dst: dst == 0 ? a : dst, dstport: dstport, proto: proto,
            interface: interface, action: action, packets: packets, bytes: bytes)
    }
}

/// Sums rows into a ``RollupTable`` on a thread of its own, so that the writer's thread spends
/// its time in SQLite.
///
/// Six hash-table adds per record, mostly cache misses once a group's table holds millions of
/// keys, took as long as inserting the row (8 of the writer's 28 CPU seconds on 10 M records).
/// Batches are summed in the order they arrive; sums do not depend on it, so rows taken away
/// (``add(_:sign:)`` with -1) may come at any time. ``take()`` waits for every batch handed over
/// before it and returns the sums.
final class RollupAccumulator: @unchecked Sendable {
    // `table` is touched only on `queue`.
    private var table = RollupTable()
    private let queue = DispatchQueue(label: "flowlens.store-rollups")
    /// Batches handed over and not yet summed, at most this many (the writer waits beyond that).
    private let slots = DispatchSemaphore(value: 8)

    /// Adds (`sign` 1) or takes away (`sign` -1) rows, on the accumulator's thread.
    func add(_ rows: [RollupRow], sign: Int64 = 1) {
        guard !rows.isEmpty else { return }
        slots.wait()
        queue.async {
            for row in rows { self.table.add(row, sign: sign) }
            self.slots.signal()
        }
    }

    /// The sums of everything added so far; the accumulator starts again from nothing.
    func take() -> RollupTable {
        queue.sync {
            let taken = table
            // Sized for a group like the last one: growing a table of millions of keys step by
            // step rehashes all of them at every step.
            table = RollupTable(capacity: max(1 << 16, taken.packedCount))
            return taken
        }
    }
}

extension RollupTable {
    /// Adds one row under each of the six hourly dimensions.
    @inline(__always)
    mutating func add(_ row: RollupRow, sign: Int64) {
        let sums = Counts(flows: sign, packets: row.packets &* sign, bytes: row.bytes &* sign)
        add(0, hour: row.hour, value: row.src, sums)
        add(1, hour: row.hour, value: row.dst, sums)
        add(2, hour: row.hour, value: row.dstport, sums)
        add(3, hour: row.hour, value: row.proto, sums)
        add(4, hour: row.hour, value: row.interface, sums)
        add(5, hour: row.hour, value: row.action, sums)
    }
}
