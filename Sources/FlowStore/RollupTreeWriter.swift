/// Writes the B-trees of `flows_hourly` and `flows_totals` for a bulk load (``FlowBulkLoad``)
/// from their rows in key order, as the flow indexes are written (``IndexTreeWriter``).
///
/// Both are WITHOUT ROWID tables: index B-trees whose records hold the primary key's columns
/// first, in key order, then the other columns in table order. So a `flows_hourly` record is
/// (dimension, hour, key, flows, packets, bytes) and a `flows_totals` record (dimension, key,
/// flows, packets, bytes). SQLite's upserts of the 10 M record benchmark's 2.3 M rollup rows took
/// a fifth of its ingest, on one core, after everything else.
///
/// SQLite compares the key columns text by text (BINARY: bytes, then length) and integer by
/// integer. The rows come sorted by ranks of their texts (``RollupEntries``); before any page is
/// written, every row is checked to follow the one before it by those comparisons, and a row
/// this writer cannot lay out (a text longer than a record here takes) makes it write nothing.
struct RollupTreeWriter {
    let file: PageFile
    let hourlyRoot: UInt32
    let totalsRoot: UInt32
    let constantTypes: Bool

    /// Writes both trees into their (empty) root pages; false, with nothing written, when the
    /// rows cannot be written here, for the caller to insert them through SQLite.
    func write(_ entries: inout RollupEntries) throws(StoreError) -> Bool {
        guard let hourly = Rows(entries.hourly, texts: &entries.texts, dimensions: StoreSchema.rollupDimensions, hours: true),
            let totals = Rows(entries.totals, texts: &entries.texts, dimensions: StoreSchema.totalDimensions, hours: false)
        else { return false }
        try write(hourly, root: hourlyRoot)
        try write(totals, root: totalsRoot)
        return true
    }

    private func write(_ rows: Rows, root: UInt32) throws(StoreError) {
        let writer = IndexTreeWriter(file: file, root: root, constantTypes: constantTypes)
        var failure: StoreError?
        rows.bytes.withUnsafeBytes { arena in
            do throws(StoreError) {
                try writer.write(count: rows.rows.count) { index, record in
                    let row = rows.rows[index]
                    record.append(text: UnsafeRawBufferPointer(rebasing: arena[rows.dimensionTexts[row.dimension]]))
                    if rows.hours { record.append(row.hour) }
                    record.append(text: UnsafeRawBufferPointer(rebasing: arena[row.text]))
                    record.append(row.flows)
                    record.append(row.packets)
                    record.append(row.bytes)
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// One table's rows with their texts in one buffer, checked to be in SQLite's key order.
    private struct Rows {
        struct Row {
            var dimension: Int
            var hour: Int64
            var text: Range<Int>
            var flows: Int64
            var packets: Int64
            var bytes: Int64
        }

        var rows: [Row] = []
        var bytes: [UInt8] = []
        /// Where each dimension's name lies in ``bytes``.
        var dimensionTexts: [Range<Int>] = []
        let hours: Bool

        init?(_ entries: [RollupEntries.Entry], texts: inout KeyTexts, dimensions: [String], hours: Bool) {
            self.hours = hours
            for name in dimensions {
                let start = bytes.count
                bytes.append(contentsOf: name.utf8)
                dimensionTexts.append(start..<bytes.count)
            }
            rows.reserveCapacity(entries.count)
            bytes.reserveCapacity(bytes.count + entries.count * 14)
            for entry in entries {
                let start = bytes.count
                bytes.append(contentsOf: texts.text(entry.key).utf8)
                guard bytes.count - start <= SQLiteRecordEncoder.longestText else { return nil }
                let row = Row(
                    dimension: Int(entry.key.dimension), hour: hours ? entry.key.hour : 0, text: start..<bytes.count,
                    flows: entry.counts.flows, packets: entry.counts.packets, bytes: entry.counts.bytes)
                if let previous = rows.last, !precedes(previous, row) { return nil }
                rows.append(row)
            }
        }

        /// SQLite's order of the two rows' keys (dimension, hour, key), strictly.
        private func precedes(_ a: Row, _ b: Row) -> Bool {
            if a.dimension != b.dimension {
                return Self.compare(bytes[dimensionTexts[a.dimension]], bytes[dimensionTexts[b.dimension]]) < 0
            }
            if a.hour != b.hour { return a.hour < b.hour }
            return Self.compare(bytes[a.text], bytes[b.text]) < 0
        }

        /// BINARY collation: the bytes, then the length.
        private static func compare(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
            for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        }
    }
}
