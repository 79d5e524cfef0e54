import CSQLite
import FlowCore

/// Binds records to prepared INSERTs into `flow_rows` (and `flow_extras`) and accumulates the
/// hourly rollups.
///
/// Strings and enums become a `contexts` id and addresses `addresses` ids (``StoreLookups``), so
/// a row is a handful of small integers; absent fields are bound as NULL. Rowids follow one
/// another in ingest order (``nextRow``), so that a source is one rowid range. Rows go in by a multi-row INSERT of
/// ``rowsPerInsert`` rows (one statement step per row cost more than the row itself).
///
/// Rollups are summed in memory (by a ``RollupAccumulator``, on a thread of its own) for the
/// group of sources that share the open transaction and written to `flows_hourly` once per
/// group, sorted by key, just before it commits. Upserting them per source cost more than the
/// rows themselves (a 5-minute file has nearly as many distinct hour/address keys as records). A
/// source that rolls back has its rows read back and taken away from the sums before its rows go
/// (``subtractRows(from:)``).
final class FlowRowWriter {
    let connection: SQLiteConnection
    let lookups: StoreLookups
    private let insertRow: SQLiteStatement
    private let insertRows: SQLiteStatement
    /// One row with its rowid given: see ``rowidPastLastRow``.
    private let insertRowWithRowid: SQLiteStatement
    private let extrasStatement: SQLiteStatement
    /// The group's rollups, shared with the writer that replaces this one after a rollback.
    let rollups: RollupAccumulator
    /// The rowid of the next row.
    private(set) var nextRow: Int64
    /// True while ``nextRow`` is past the rowid SQLite would give next (the table's last rowid
    /// plus one), after a prune or rollback of the newest rows: the next row goes in with its
    /// rowid given, and SQLite counts on from it. Rows otherwise go in without a rowid, which
    /// SQLite appends without searching the table (giving every rowid cost 0.34 µs a row, 3.4 s
    /// CPU on the 10 M record benchmark).
    private var rowidPastLastRow: Bool

    /// Rows bound to one step of ``insertRows``.
    static let rowsPerInsert = 64

    /// Parameters per row: context, src, dst, the numbers, duration.
    private static let columnsPerRow = 4 + StoreSchema.rowNumberFields.count

    /// - Parameter rollups: Rollups of sources already in the open transaction, carried over
    ///   when a writer is rebuilt after one source rolled back.
    init(connection: SQLiteConnection, rollups: RollupAccumulator = RollupAccumulator()) throws(StoreError) {
        self.connection = connection
        self.rollups = rollups
        lookups = try StoreLookups(connection: connection)
        let numbers = StoreSchema.rowNumberFields.map { StoreSchema.quoted($0.columnName) }
        let names = ["context", "src", "dst"] + numbers + ["duration"]
        let oneRow = "(?" + String(repeating: ", ?", count: names.count - 1) + ")"
        let insert = "INSERT INTO flow_rows (\(names.joined(separator: ", "))) VALUES "
        insertRow = try connection.prepare(insert + oneRow, persistent: true)
        insertRows = try connection.prepare(
            insert + Array(repeating: oneRow, count: Self.rowsPerInsert).joined(separator: ", "), persistent: true)
        insertRowWithRowid = try connection.prepare(
            "INSERT INTO flow_rows (rowid, \(names.joined(separator: ", "))) VALUES (?, " + oneRow.dropFirst(), persistent: true)
        let extras = ["row", "pkt_src", "pkt_dst"] + StoreSchema.extraNumberFields.map { StoreSchema.quoted($0.columnName) }
        extrasStatement = try connection.prepare(
            "INSERT INTO flow_extras (\(extras.joined(separator: ", "))) VALUES (?"
                + String(repeating: ", ?", count: extras.count - 1) + ")", persistent: true)
        // Past every row kept and every range a source ever had: a pruned row's rowid is not
        // given to a new source, so `sources` ranges never overlap.
        let lastRow = try connection.scalar("SELECT max(coalesce((SELECT max(rowid) FROM flow_rows), 0), coalesce((SELECT max(last_row) FROM sources), 0))")
        nextRow = (lastRow ?? 0) + 1
        rowidPastLastRow = nextRow != (try connection.scalar("SELECT max(rowid) FROM flow_rows") ?? 0) + 1
    }

    /// Inserts a batch; returns the earliest start and latest end seen.
    func insert(_ batch: FlowBatch) throws(StoreError) -> (Int64?, Int64?) {
        var first = Int64.max
        var last = Int64.min
        let many = insertRows.handle
        let one = insertRow.handle
        var rollupRows: [RollupRow] = []
        rollupRows.reserveCapacity(batch.records.count)
        try batch.records.withUnsafeBufferPointer { (records) throws(StoreError) in
            guard let base = records.baseAddress else { return }
            var index = 0
            while index < records.count {
                let fill = records.count - index >= Self.rowsPerInsert && !rowidPastLastRow
                let handle = fill ? many : rowidPastLastRow ? insertRowWithRowid.handle : one
                let rows = fill ? Self.rowsPerInsert : 1
                // The rowid, when given, is the first parameter.
                let firstParameter: Int32 = rowidPastLastRow ? 2 : 1
                if rowidPastLastRow { sqlite3_bind_int64(handle, 1, nextRow) }
                var withExtras = false
                for offset in 0..<rows {
                    // Through a pointer: a FlowRecord copied per row cost more than binding it.
                    let record = base + index + offset
                    let present = record.pointee.present
                    try bind(record, to: handle, at: Int32(offset * Self.columnsPerRow) + firstParameter, rollups: &rollupRows)
                    if present & StoreSchema.extraFieldsMask != 0 { withExtras = true }
                    if present & FlowField.start.bit != 0 { first = min(first, record.pointee.start) }
                    if present & FlowField.end.bit != 0 { last = max(last, record.pointee.end) }
                }
                let rc = sqlite3_step(handle)
                sqlite3_reset(handle)
                if rc != SQLITE_DONE { throw connection.error(rc) }
                rowidPastLastRow = false
                if withExtras {
                    for offset in 0..<rows where records[index + offset].present & StoreSchema.extraFieldsMask != 0 {
                        try writeExtras(base + index + offset, row: nextRow + Int64(offset))
                    }
                }
                nextRow += Int64(rows)
                index += rows
            }
        }
        rollups.add(rollupRows)
        return (first == Int64.max ? nil : first, last == Int64.min ? nil : last)
    }

    /// Binds one record's row from parameter `base` and appends its rollup keys to `rollups`.
    @inline(__always)
    private func bind(
        _ pointer: UnsafePointer<FlowRecord>, to handle: OpaquePointer, at base: Int32, rollups: inout [RollupRow]
    ) throws(StoreError) {
        let present = pointer.pointee.present
        @inline(__always) func has(_ field: FlowField) -> Bool { present & field.bit != 0 }
        let src = has(.srcaddr) ? try lookups.addressID(pointer.pointee.srcaddr) : 0
        let dst = has(.dstaddr) ? try lookups.addressID(pointer.pointee.dstaddr) : 0
        let context = try lookups.contextID(pointer)
        sqlite3_bind_int64(handle, base, context)
        sqlite3_bind_int64(handle, base + 1, src)
        sqlite3_bind_int64(handle, base + 2, dst)
        Self.bindNumbers(StoreSchema.rowNumberFields, of: pointer, to: handle, from: base + 3)
        let duration = base + 3 + Int32(StoreSchema.rowNumberFields.count)
        let start = pointer.pointee.start
        if has(.end) {
            let end = pointer.pointee.end
            sqlite3_bind_int64(handle, duration, has(.start) ? end &- start : end)
        } else {
            sqlite3_bind_null(handle, duration)
        }
        rollups.append(
            RollupRow(
                hour: has(.start) ? Self.hour(start) : 0, src: UInt64(src), dst: UInt64(dst),
                dstport: has(.dstport) ? UInt64(pointer.pointee.dstport) : RollupTable.absent,
                proto: has(.proto) ? UInt64(pointer.pointee.proto) : RollupTable.absent, context: context,
                packets: has(.packets) ? Int64(bitPattern: pointer.pointee.packets) : 0,
                bytes: has(.bytes) ? Int64(bitPattern: pointer.pointee.bytes) : 0, lookups: lookups))
    }

    private func writeExtras(_ pointer: UnsafePointer<FlowRecord>, row: Int64) throws(StoreError) {
        let record = pointer.pointee
        let handle = extrasStatement.handle
        sqlite3_bind_int64(handle, 1, row)
        if record.has(.pktSrcaddr) {
            sqlite3_bind_int64(handle, 2, try lookups.addressID(record.pktSrcaddr))
        } else {
            sqlite3_bind_null(handle, 2)
        }
        if record.has(.pktDstaddr) {
            sqlite3_bind_int64(handle, 3, try lookups.addressID(record.pktDstaddr))
        } else {
            sqlite3_bind_null(handle, 3)
        }
        Self.bindNumbers(StoreSchema.extraNumberFields, of: pointer, to: handle, from: 4)
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        if rc != SQLITE_DONE { throw connection.error(rc) }
    }

    /// Binds `fields` to consecutive parameters from `first`, NULL where absent.
    @inline(__always)
    private static func bindNumbers(
        _ fields: [FlowField], of record: UnsafePointer<FlowRecord>, to handle: OpaquePointer, from first: Int32
    ) {
        var position = first
        let present = record.pointee.present
        for field in fields {
            if present & field.bit != 0 {
                sqlite3_bind_int64(handle, position, number(record, field))
            } else {
                sqlite3_bind_null(handle, position)
            }
            position += 1
        }
    }

    @inline(__always)
    static func number(_ record: UnsafePointer<FlowRecord>, _ field: FlowField) -> Int64 {
        switch field {
        case .srcport: Int64(record.pointee.srcport)
        case .dstport: Int64(record.pointee.dstport)
        case .proto: Int64(record.pointee.proto)
        case .packets: Int64(bitPattern: record.pointee.packets)
        case .bytes: Int64(bitPattern: record.pointee.bytes)
        case .start: record.pointee.start
        case .tcpFlags: Int64(record.pointee.tcpFlags)
        case .packetsLostNoRoute: Int64(bitPattern: record.pointee.packetsLost[0])
        case .packetsLostBlackhole: Int64(bitPattern: record.pointee.packetsLost[1])
        case .packetsLostMTUExceeded: Int64(bitPattern: record.pointee.packetsLost[2])
        case .packetsLostTTLExpired: Int64(bitPattern: record.pointee.packetsLost[3])
        default: 0
        }
    }

    // MARK: rollups

    /// The start of the hour of `start` (rounded down, also before 1970).
    @inline(__always)
    static func hour(_ start: Int64) -> Int64 { start - ((start % 3600) + 3600) % 3600 }

    /// Takes the rows from `firstRow` on (the open source, about to roll back) away from the
    /// rollups, reading them back from the open transaction.
    func subtractRows(from firstRow: Int64) throws(StoreError) {
        let statement = try connection.prepare(
            "SELECT src, dst, dstport, protocol, context, packets, bytes, start FROM flow_rows WHERE rowid >= ?")
        statement.bind(1, firstRow)
        let a = RollupTable.absent
        var rows: [RollupRow] = []
        while try statement.step() {
            rows.append(
                RollupRow(
                    hour: statement.isNull(7) ? 0 : Self.hour(statement.int64(7)), src: UInt64(statement.int64(0)),
                    dst: UInt64(statement.int64(1)), dstport: statement.isNull(2) ? a : UInt64(statement.int64(2)),
                    proto: statement.isNull(3) ? a : UInt64(statement.int64(3)), context: statement.int64(4),
                    packets: statement.int64(5), bytes: statement.int64(6), lookups: lookups))
        }
        rollups.add(rows, sign: -1)
    }
}
