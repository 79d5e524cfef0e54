import CSQLite
import FlowCore
import Glibc

/// A bulk load into a store without flow rows that writes the B-tree pages of `flow_rows`,
/// `flow_extras` and the flow indexes itself, into a copy of the store that replaces it at the end.
///
/// SQLite needed at least 5 s for every B-tree of 10 M entries (the table, and 10-11.5 s for
/// each covering index), three quarters of the benchmark's ingest; laying the same pages out
/// directly costs a sort of the index keys and a pass of record encoding. The copy is built at
/// ``tempPath`` with its schema (and every empty root page) as SQLite created it:
/// - while sources arrive, rows become table leaf pages appended to the file, in rowid order,
///   and their index keys (``BulkRow``, 40 bytes a row) are kept in memory; `addresses` and
///   `contexts` get their ids in memory (``StoreLookups`` with deferred writes), rollups are
///   summed as on SQLite's path, and finished sources are listed;
/// - ``finish()`` writes the tables' interior pages, sorts the index keys and writes the index
///   trees (two at a time), updates the database header, and then lets SQLite (a connection left
///   idle during the load) add the small tables in one transaction and refresh the statistics.
///
/// The file's SQLite connection is idle (no transaction) while pages are written; SQLite sees
/// the new change counter at its next transaction and drops what it had cached, as it does when
/// another process wrote. A source that rolls back takes its pages, keys, rollups and new
/// lookup entries away again (``rollbackSource()``).
final class FlowBulkLoad {
    let tempPath: String
    let connection: SQLiteConnection
    let lookups: StoreLookups
    let rollups = RollupAccumulator()
    let file: PageFile
    private let rowsTree: TableTreeWriter
    private let extrasTree: TableTreeWriter
    /// Root pages of the flow indexes, by name.
    let indexRoots: [String: UInt32]
    /// Root pages of `flows_hourly` and `flows_totals`, when both are empty (and so their trees
    /// may be written here); otherwise the rollups are upserted through SQLite.
    private let rollupRoots: (hourly: UInt32, totals: UInt32)?
    /// Whether ``finish()`` wrote the rollup tables' trees (false: SQLite inserted the rows).
    private(set) var rollupTreesWritten = false
    /// Index keys of every row; row `i` has rowid `i + 1` (the store held no rows).
    var rows: [BulkRow] = []
    /// Sources committed so far, with their ids and last rows.
    private var sources: [(source: FlowStore.PendingSource, id: Int64, lastRow: Int64)] = []
    private var sourceNamesByHash: [String: String] = [:]
    private var snapshot: Snapshot?
    /// Whether 0 and 1 take serial types 8 and 9 (schema format 4).
    let constantTypes: Bool
    private var record: SQLiteRecordEncoder

    private struct Snapshot {
        var pages: UInt32
        var rowsTree: TableTreeWriter.Snapshot
        var extrasTree: TableTreeWriter.Snapshot
        var rows: Int
        var lookups: StoreLookups.Mark
    }

    /// Opens the copy at `tempPath` (already holding the store's schema, no flow rows), with room
    /// for the keys of a little more than `expectedRecords` rows: growing the keys of millions of
    /// rows copied them all at every doubling, into new memory the kernel zeroes first (a tenth of
    /// the 10 M record benchmark's ingest, with decoding held up meanwhile).
    ///
    /// - Returns: nil when the file's layout is one this writer does not produce (another page
    ///   size is fine; reserved bytes per page or auto-vacuum are not).
    init?(tempPath: String, expectedRecords: Int) throws(StoreError) {
        self.tempPath = tempPath
        rows.reserveCapacity(min(expectedRecords + expectedRecords / 8, Self.maximumRows))
        connection = try SQLiteConnection(path: tempPath, readOnly: false, create: false)
        let header = try Self.header(of: connection)
        guard header.reserved == 0, header.autoVacuum == 0, header.pageSize >= 512 else { return nil }
        var roots: [String: UInt32] = [:]
        let statement = try connection.prepare("SELECT name, rootpage FROM sqlite_schema WHERE tbl_name IN ('flow_rows', 'flow_extras') AND rootpage > 0")
        while try statement.step() { roots[statement.text(0)] = UInt32(statement.int64(1)) }
        let indexNames = StoreSchema.flowIndexes.map(\.name)
        guard let rowsRoot = roots["flow_rows"], let extrasRoot = roots["flow_extras"],
            indexNames.allSatisfy({ roots[$0] != nil }), roots.count == 2 + indexNames.count
        else { return nil }
        indexRoots = roots.filter { indexNames.contains($0.key) }
        rollupRoots = try Self.emptyRollupRoots(connection)
        constantTypes = header.schemaFormat >= 4
        record = SQLiteRecordEncoder(constantTypes: constantTypes)
        lookups = try StoreLookups(connection: connection, deferWrites: true)
        file = try PageFile(path: tempPath, pageSize: header.pageSize, pageCount: header.pageCount)
        rowsTree = TableTreeWriter(file: file, root: rowsRoot)
        extrasTree = TableTreeWriter(file: file, root: extrasRoot)
    }

    /// The root pages of `flows_hourly` and `flows_totals` when both tables are empty, else nil.
    private static func emptyRollupRoots(_ connection: SQLiteConnection) throws(StoreError) -> (hourly: UInt32, totals: UInt32)? {
        var roots: [String: UInt32] = [:]
        let statement = try connection.prepare(
            "SELECT name, rootpage FROM sqlite_schema WHERE type = 'table' AND name IN ('flows_hourly', 'flows_totals')")
        while try statement.step() { roots[statement.text(0)] = UInt32(statement.int64(1)) }
        let held = try connection.scalar(
            """
            SELECT (SELECT count(*) FROM (SELECT 1 FROM flows_hourly LIMIT 1))
                + (SELECT count(*) FROM (SELECT 1 FROM flows_totals LIMIT 1))
            """)
        guard held == 0, let hourly = roots["flows_hourly"], let totals = roots["flows_totals"], hourly > 0, totals > 0
        else { return nil }
        return (hourly, totals)
    }

    private static func header(of connection: SQLiteConnection) throws(StoreError) -> (
        pageSize: Int, pageCount: UInt32, reserved: Int, autoVacuum: Int64, schemaFormat: Int64
    ) {
        let pageSize = Int(try connection.scalar("PRAGMA page_size") ?? 0)
        let pageCount = UInt32(try connection.scalar("PRAGMA page_count") ?? 0)
        let autoVacuum = try connection.scalar("PRAGMA auto_vacuum") ?? 0
        // Reserved bytes and the schema format are in the header only.
        var bytes = [UInt8](repeating: 0, count: 100)
        let fd = open(connection.path, O_RDONLY | O_CLOEXEC)
        defer { if fd >= 0 { close(fd) } }
        guard fd >= 0, bytes.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 100, 0) }) == 100 else {
            throw StoreError(.io, "cannot read the header of the store being built", location: connection.path)
        }
        let schemaFormat = Int64(bytes[44]) << 24 | Int64(bytes[45]) << 16 | Int64(bytes[46]) << 8 | Int64(bytes[47])
        return (pageSize, pageCount, Int(bytes[20]), autoVacuum, schemaFormat)
    }

    /// The rowid of the next row.
    var nextRow: Int64 { Int64(rows.count) + 1 }

    /// Rows a bulk load keeps keys of (about 40 bytes each, and twice 32 while sorting).
    static let maximumRows = 400_000_000

    // MARK: sources

    /// The name under which content with this hash was loaded, if it was.
    func knownSource(hash: String) -> String? { sourceNamesByHash[hash] }

    /// The id of the next source.
    var nextSourceID: Int64 { Int64(sources.count) + 1 }

    func beginSource() {
        snapshot = Snapshot(
            pages: file.pageCount, rowsTree: rowsTree.snapshot(), extrasTree: extrasTree.snapshot(), rows: rows.count,
            lookups: lookups.mark())
    }

    func commitSource(_ source: FlowStore.PendingSource, id: Int64) {
        sources.append((source, id, nextRow - 1))
        sourceNamesByHash[source.hash] = source.name
        snapshot = nil
    }

    /// Takes the open source's rows away: from the rollups (while its contexts are still known),
    /// its pages, its keys, and the addresses and contexts it added.
    func rollbackSource() throws(StoreError) {
        guard let snapshot else { return }
        self.snapshot = nil
        var taken: [RollupRow] = []
        taken.reserveCapacity(rows.count - snapshot.rows)
        for row in rows[snapshot.rows...] { taken.append(row.rollupRow(lookups: lookups)) }
        rollups.add(taken, sign: -1)
        try file.truncate(to: snapshot.pages)
        rowsTree.restore(snapshot.rowsTree)
        extrasTree.restore(snapshot.extrasTree)
        rows.removeLast(rows.count - snapshot.rows)
        lookups.rollBack(to: snapshot.lookups)
    }

    // MARK: rows

    /// Writes a batch's rows; returns the earliest start and latest end seen.
    func insert(_ batch: FlowBatch) throws(StoreError) -> (Int64?, Int64?) {
        var first = Int64.max
        var last = Int64.min
        var rollupRows: [RollupRow] = []
        rollupRows.reserveCapacity(batch.records.count)
        try batch.records.withUnsafeBufferPointer { (records) throws(StoreError) in
            guard let base = records.baseAddress else { return }
            var index = 0
            while index < records.count {
                // Rows in the groups in which ``FlowRowWriter`` inserts them, each group's extras
                // after its rows, so that packet addresses get the same ids as on SQLite's path.
                let rowid = nextRow
                let group = records.count - index >= FlowRowWriter.rowsPerInsert ? FlowRowWriter.rowsPerInsert : 1
                var withExtras = false
                for offset in 0..<group {
                    // Through a pointer: a FlowRecord copied per row costs more than writing it.
                    let pointer = base + index + offset
                    let row = try append(pointer)
                    rollupRows.append(row.rollupRow(lookups: lookups))
                    let present = pointer.pointee.present
                    if present & StoreSchema.extraFieldsMask != 0 { withExtras = true }
                    if present & FlowField.start.bit != 0 { first = min(first, pointer.pointee.start) }
                    if present & FlowField.end.bit != 0 { last = max(last, pointer.pointee.end) }
                }
                if withExtras {
                    for offset in 0..<group where records[index + offset].present & StoreSchema.extraFieldsMask != 0 {
                        try appendExtras(base + index + offset, rowid: rowid + Int64(offset))
                    }
                }
                index += group
            }
        }
        rollups.add(rollupRows)
        return (first == Int64.max ? nil : first, last == Int64.min ? nil : last)
    }

    /// One record's `flow_rows` record (context, src, dst, the numbers, duration, as
    /// ``FlowRowWriter`` binds them) and its keys.
    @inline(__always)
    private func append(_ pointer: UnsafePointer<FlowRecord>) throws(StoreError) -> BulkRow {
        let present = pointer.pointee.present
        @inline(__always) func has(_ field: FlowField) -> Bool { present & field.bit != 0 }
        let src = has(.srcaddr) ? try lookups.addressID(pointer.pointee.srcaddr) : 0
        let dst = has(.dstaddr) ? try lookups.addressID(pointer.pointee.dstaddr) : 0
        let context = try lookups.contextID(pointer)
        guard src <= UInt32.max, dst <= UInt32.max, context <= UInt32.max, rows.count < Self.maximumRows else {
            throw StoreError(.io, "too many rows, addresses or contexts for one bulk load", location: tempPath)
        }
        let rowid = nextRow
        record.reset()
        record.append(context)
        record.append(src)
        record.append(dst)
        for field in StoreSchema.rowNumberFields {
            if has(field) { record.append(FlowRowWriter.number(pointer, field)) } else { record.appendNull() }
        }
        let start = pointer.pointee.start
        if has(.end) {
            let end = pointer.pointee.end
            record.append(has(.start) ? end &- start : end)
        } else {
            record.appendNull()
        }
        try rowsTree.append(rowid: rowid, record)

        var flags: UInt32 = 0
        if has(.start) { flags |= BulkRow.startPresent }
        if has(.bytes) { flags |= BulkRow.bytesPresent }
        let srcport = pointer.pointee.srcport
        let dstport = pointer.pointee.dstport
        // The partial index's filter: `srcport IN (22, 3389) OR dstport IN (22, 3389)`, where an
        // absent port (NULL) matches nothing.
        if (has(.srcport) && (srcport == 22 || srcport == 3389)) || (has(.dstport) && (dstport == 22 || dstport == 3389)) {
            flags |= BulkRow.sshOrRDP
        }
        if has(.dstport) { flags |= BulkRow.dstportPresent | UInt32(dstport) << 16 }
        if has(.proto) { flags |= BulkRow.protoPresent | UInt32(truncatingIfNeeded: pointer.pointee.proto) << 8 }
        let row = BulkRow(
            src: UInt32(src), dst: UInt32(dst), context: UInt32(context), flags: flags, start: has(.start) ? start : 0,
            bytes: has(.bytes) ? Int64(bitPattern: pointer.pointee.bytes) : 0,
            packets: has(.packets) ? Int64(bitPattern: pointer.pointee.packets) : 0)
        rows.append(row)
        return row
    }

    /// The `flow_extras` record: `row` is the rowid itself (INTEGER PRIMARY KEY), which SQLite
    /// stores as NULL in the record.
    private func appendExtras(_ pointer: UnsafePointer<FlowRecord>, rowid: Int64) throws(StoreError) {
        let present = pointer.pointee.present
        var extras = SQLiteRecordEncoder(constantTypes: constantTypes)
        extras.appendNull()
        extras.append(present & FlowField.pktSrcaddr.bit != 0 ? try lookups.addressID(pointer.pointee.pktSrcaddr) : nil)
        extras.append(present & FlowField.pktDstaddr.bit != 0 ? try lookups.addressID(pointer.pointee.pktDstaddr) : nil)
        for field in StoreSchema.extraNumberFields {
            if present & field.bit != 0 { extras.append(FlowRowWriter.number(pointer, field)) } else { extras.appendNull() }
        }
        try extrasTree.append(rowid: rowid, extras)
    }

    // MARK: the end

    /// Writes the trees' remaining pages (the rollup tables' too) and the header, then the small
    /// tables through SQLite. The copy is then complete; the caller moves it into place.
    func finish() throws(StoreError) {
        try rowsTree.finish()
        try extrasTree.finish()
        let group = rollups.take()
        // The rollup rows are put in order while the index trees are written: each index thread
        // waits for the file half of the time, a core this work would otherwise leave idle. Both
        // only read the lookups, which nothing changes until the transaction below.
        let lookups = self.lookups
        let preparing = rollupRoots != nil && !group.isEmpty ? BackgroundResult { RollupEntries(group, lookups: lookups) } : nil
        try writeIndexes()
        var entries = preparing?.value()
        if let rollupRoots, var prepared = entries {
            let writer = RollupTreeWriter(
                file: file, hourlyRoot: rollupRoots.hourly, totalsRoot: rollupRoots.totals, constantTypes: constantTypes)
            rollupTreesWritten = try writer.write(&prepared)
            entries = prepared
        }
        try file.finish(sqliteVersion: sqlite3_libversion_number())
        try connection.execute("BEGIN IMMEDIATE")
        do {
            try lookups.writePending()
            for (source, id, lastRow) in sources { try FlowStore.insertSource(source, id: id, lastRow: lastRow, into: connection) }
            if !rollupTreesWritten {
                if var entries {
                    try FlowRowWriter.upsertRollups(&entries, connection: connection)
                } else {
                    try FlowRowWriter.writeRollups(group, lookups: lookups, connection: connection)
                }
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        try FlowStore.refreshStatistics(connection)
    }
}

/// A bulk-loaded row's index and rollup keys (its rowid is its place in ``FlowBulkLoad/rows``).
struct BulkRow {
    var src: UInt32
    var dst: UInt32
    var context: UInt32
    /// Presence bits, the SSH/RDP filter, the protocol (bits 8-15) and `dstport` (bits 16-31).
    var flags: UInt32
    /// 0 when absent, so that absent values compare equal.
    var start: Int64
    var bytes: Int64
    var packets: Int64

    static let startPresent: UInt32 = 1
    static let bytesPresent: UInt32 = 2
    static let sshOrRDP: UInt32 = 4
    static let dstportPresent: UInt32 = 8
    static let protoPresent: UInt32 = 16

    /// The rollup keys of the row, as ``FlowRowWriter`` makes them.
    @inline(__always)
    func rollupRow(lookups: StoreLookups) -> RollupRow {
        let a = RollupTable.absent
        return RollupRow(
            hour: flags & Self.startPresent != 0 ? FlowRowWriter.hour(start) : 0, src: UInt64(src), dst: UInt64(dst),
            dstport: flags & Self.dstportPresent != 0 ? UInt64(flags >> 16) : a,
            proto: flags & Self.protoPresent != 0 ? UInt64(flags >> 8 & 0xFF) : a, context: Int64(context),
            packets: packets, bytes: flags & Self.bytesPresent != 0 ? bytes : 0, lookups: lookups)
    }
}
