import CSQLite
import FlowCore

/// Binds records to prepared INSERTs into `flow_rows` (and `flow_extras`) and accumulates the
/// hourly rollups.
///
/// Strings and enums become a `contexts` id and addresses `addresses` ids (``StoreLookups``), so
/// a row is a handful of small integers; absent fields are bound as NULL. Rowids are given out
/// here, in order, so that a source is one rowid range. Rows go in by a multi-row INSERT of
/// ``rowsPerInsert`` rows (one statement step per row cost more than the row itself).
///
/// Rollups are summed in memory for the group of sources that share the open transaction and
/// written to `flows_hourly` once per group, sorted by key, just before it commits. Upserting
/// them per source cost more than the rows themselves (a 5-minute file has nearly as many
/// distinct hour/address keys as records). A source that rolls back has its rows read back and
/// taken away from the sums before its rows go (``subtractRows(from:)``).
final class FlowRowWriter {
    private let connection: SQLiteConnection
    let lookups: StoreLookups
    private let insertRow: SQLiteStatement
    private let insertRows: SQLiteStatement
    private let extrasStatement: SQLiteStatement
    private(set) var rollups: RollupTable
    /// The rowid of the next row.
    private(set) var nextRow: Int64

    /// Rows bound to one step of ``insertRows``.
    static let rowsPerInsert = 64

    /// Parameters per row: rowid, context, src, dst, the numbers, duration.
    private static let columnsPerRow = 5 + StoreSchema.rowNumberFields.count

    /// - Parameter rollups: Rollups of sources already in the open transaction, carried over
    ///   when a writer is rebuilt after one source rolled back.
    init(connection: SQLiteConnection, rollups: RollupTable = RollupTable()) throws(StoreError) {
        self.connection = connection
        self.rollups = rollups
        lookups = try StoreLookups(connection: connection)
        let numbers = StoreSchema.rowNumberFields.map { StoreSchema.quoted($0.columnName) }
        let names = ["rowid", "context", "src", "dst"] + numbers + ["duration"]
        let oneRow = "(?" + String(repeating: ", ?", count: names.count - 1) + ")"
        let insert = "INSERT INTO flow_rows (\(names.joined(separator: ", "))) VALUES "
        insertRow = try connection.prepare(insert + oneRow, persistent: true)
        insertRows = try connection.prepare(
            insert + Array(repeating: oneRow, count: Self.rowsPerInsert).joined(separator: ", "), persistent: true)
        let extras = ["row", "pkt_src", "pkt_dst"] + StoreSchema.extraNumberFields.map { StoreSchema.quoted($0.columnName) }
        extrasStatement = try connection.prepare(
            "INSERT INTO flow_extras (\(extras.joined(separator: ", "))) VALUES (?"
                + String(repeating: ", ?", count: extras.count - 1) + ")", persistent: true)
        // Past every row kept and every range a source ever had: a pruned row's rowid is not
        // given to a new source, so `sources` ranges never overlap.
        let lastRow = try connection.scalar("SELECT max(coalesce((SELECT max(rowid) FROM flow_rows), 0), coalesce((SELECT max(last_row) FROM sources), 0))")
        nextRow = (lastRow ?? 0) + 1
    }

    /// Inserts a batch; returns the earliest start and latest end seen.
    func insert(_ batch: FlowBatch) throws(StoreError) -> (Int64?, Int64?) {
        var first = Int64.max
        var last = Int64.min
        let many = insertRows.handle
        let one = insertRow.handle
        try batch.records.withUnsafeBufferPointer { (records) throws(StoreError) in
            var index = 0
            while index < records.count {
                let fill = records.count - index >= Self.rowsPerInsert
                let handle = fill ? many : one
                let rows = fill ? Self.rowsPerInsert : 1
                var withExtras = false
                for offset in 0..<rows {
                    let record = records[index + offset]
                    try bind(record, row: nextRow + Int64(offset), to: handle, at: Int32(offset * Self.columnsPerRow + 1))
                    if record.present & StoreSchema.extraFieldsMask != 0 { withExtras = true }
                    if record.has(.start) { first = min(first, record.start) }
                    if record.has(.end) { last = max(last, record.end) }
                }
                let rc = sqlite3_step(handle)
                sqlite3_reset(handle)
                if rc != SQLITE_DONE { throw connection.error(rc) }
                if withExtras {
                    for offset in 0..<rows where records[index + offset].present & StoreSchema.extraFieldsMask != 0 {
                        try writeExtras(records[index + offset], row: nextRow + Int64(offset))
                    }
                }
                nextRow += Int64(rows)
                index += rows
            }
        }
        return (first == Int64.max ? nil : first, last == Int64.min ? nil : last)
    }

    /// Binds one record's row from parameter `base` and adds it to the rollups.
    @inline(__always)
    private func bind(_ record: FlowRecord, row: Int64, to handle: OpaquePointer, at base: Int32) throws(StoreError) {
        let src = record.has(.srcaddr) ? try lookups.addressID(record.srcaddr) : 0
        let dst = record.has(.dstaddr) ? try lookups.addressID(record.dstaddr) : 0
        let context = try lookups.contextID(record)
        sqlite3_bind_int64(handle, base, row)
        sqlite3_bind_int64(handle, base + 1, context)
        sqlite3_bind_int64(handle, base + 2, src)
        sqlite3_bind_int64(handle, base + 3, dst)
        Self.bindNumbers(StoreSchema.rowNumberFields, of: record, to: handle, from: base + 4)
        let duration = base + 4 + Int32(StoreSchema.rowNumberFields.count)
        if record.has(.end) {
            sqlite3_bind_int64(handle, duration, record.has(.start) ? record.end &- record.start : record.end)
        } else {
            sqlite3_bind_null(handle, duration)
        }
        addRollups(
            hour: record.has(.start) ? Self.hour(record.start) : 0, src: src, dst: dst,
            dstport: record.has(.dstport) ? UInt64(record.dstport) : RollupTable.absent,
            proto: record.has(.proto) ? UInt64(record.proto) : RollupTable.absent, context: context,
            packets: record.has(.packets) ? Int64(bitPattern: record.packets) : 0,
            bytes: record.has(.bytes) ? Int64(bitPattern: record.bytes) : 0, sign: 1)
    }

    private func writeExtras(_ record: FlowRecord, row: Int64) throws(StoreError) {
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
        Self.bindNumbers(StoreSchema.extraNumberFields, of: record, to: handle, from: 4)
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        if rc != SQLITE_DONE { throw connection.error(rc) }
    }

    /// Binds `fields` to consecutive parameters from `first`, NULL where absent.
    @inline(__always)
    private static func bindNumbers(_ fields: [FlowField], of record: FlowRecord, to handle: OpaquePointer, from first: Int32) {
        var position = first
        for field in fields {
            if record.has(field) {
                sqlite3_bind_int64(handle, position, number(record, field))
            } else {
                sqlite3_bind_null(handle, position)
            }
            position += 1
        }
    }

    @inline(__always)
    private static func number(_ record: FlowRecord, _ field: FlowField) -> Int64 {
        switch field {
        case .srcport: Int64(record.srcport)
        case .dstport: Int64(record.dstport)
        case .proto: Int64(record.proto)
        case .packets: Int64(bitPattern: record.packets)
        case .bytes: Int64(bitPattern: record.bytes)
        case .start: record.start
        case .tcpFlags: Int64(record.tcpFlags)
        case .packetsLostNoRoute: Int64(bitPattern: record.packetsLost[0])
        case .packetsLostBlackhole: Int64(bitPattern: record.packetsLost[1])
        case .packetsLostMTUExceeded: Int64(bitPattern: record.packetsLost[2])
        case .packetsLostTTLExpired: Int64(bitPattern: record.packetsLost[3])
        default: 0
        }
    }

    // MARK: rollups

    /// The start of the hour of `start` (rounded down, also before 1970).
    @inline(__always)
    static func hour(_ start: Int64) -> Int64 { start - ((start % 3600) + 3600) % 3600 }

    /// Adds (`sign` 1) or takes away (`sign` -1) one row in the six rollup dimensions. Interface
    /// and action come from the row's context, so that a row read back gives the same keys.
    @inline(__always)
    private func addRollups(
        hour: Int64, src: Int64, dst: Int64, dstport: UInt64, proto: UInt64, context: Int64, packets: Int64,
        bytes: Int64, sign: Int64
    ) {
        let a = RollupTable.absent
        let (interface, action) = lookups.rollupKeys(ofContext: context)
        rollups.add(0, hour: hour, value: src == 0 ? a : UInt64(src), packets: packets, bytes: bytes, sign: sign)
        rollups.add(1, hour: hour, value: dst == 0 ? a : UInt64(dst), packets: packets, bytes: bytes, sign: sign)
        rollups.add(2, hour: hour, value: dstport, packets: packets, bytes: bytes, sign: sign)
        rollups.add(3, hour: hour, value: proto, packets: packets, bytes: bytes, sign: sign)
        rollups.add(4, hour: hour, value: interface, packets: packets, bytes: bytes, sign: sign)
        rollups.add(5, hour: hour, value: action, packets: packets, bytes: bytes, sign: sign)
    }

    /// Takes the rows from `firstRow` on (the open source, about to roll back) away from the
    /// rollups, reading them back from the open transaction.
    func subtractRows(from firstRow: Int64) throws(StoreError) {
        let statement = try connection.prepare(
            "SELECT src, dst, dstport, protocol, context, packets, bytes, start FROM flow_rows WHERE rowid >= ?")
        statement.bind(1, firstRow)
        let a = RollupTable.absent
        while try statement.step() {
            addRollups(
                hour: statement.isNull(7) ? 0 : Self.hour(statement.int64(7)), src: statement.int64(0),
                dst: statement.int64(1), dstport: statement.isNull(2) ? a : UInt64(statement.int64(2)),
                proto: statement.isNull(3) ? a : UInt64(statement.int64(3)), context: statement.int64(4),
                packets: statement.int64(5), bytes: statement.int64(6), sign: -1)
        }
    }

    /// Adds the group's rollups into `flows_hourly` and `flows_totals` (call inside the
    /// transaction, before COMMIT), in key order: inserts into a B-tree in order touch each page
    /// once.
    func flushRollups() throws(StoreError) {
        guard !rollups.isEmpty else { return }
        var totals = RollupTable(capacity: max(1 << 16, rollups.packedCount / 4))
        let addressDimension = UInt8(StoreSchema.totalDimensions.count - 1)
        var texts = KeyTexts(lookups: lookups)
        var hourly: [(dimension: String, hour: Int64, key: String, counts: RollupTable.Counts)] = []
        hourly.reserveCapacity(rollups.packedCount)
        try rollups.forEach { (key, counts) throws(StoreError) in
            // Every row of a key taken away again (its source rolled back): nothing to add.
            guard counts.flows != 0 else { return }
            hourly.append((StoreSchema.rollupDimensions[Int(key.dimension)], key.hour, texts.text(key), counts))
            totals.add(key.dimension, hour: 0, value: key.value, counts)
            if key.dimension <= 1 { totals.add(addressDimension, hour: 0, value: key.value, counts) }
        }
        hourly.sort {
            $0.dimension != $1.dimension
                ? $0.dimension < $1.dimension : $0.hour != $1.hour ? $0.hour < $1.hour : $0.key < $1.key
        }
        let insertHourly = try connection.prepare(
            """
            INSERT INTO flows_hourly (hour, dimension, key, flows, packets, bytes) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (dimension, hour, key) DO UPDATE SET flows = flows + excluded.flows,
                packets = packets + excluded.packets, bytes = bytes + excluded.bytes
            """)
        for entry in hourly {
            insertHourly.reset()
            insertHourly.bind(1, entry.hour)
            insertHourly.bind(2, entry.dimension)
            insertHourly.bind(3, entry.key)
            insertHourly.bind(4, entry.counts.flows)
            insertHourly.bind(5, entry.counts.packets)
            insertHourly.bind(6, entry.counts.bytes)
            try insertHourly.step()
        }
        var total: [(dimension: String, key: String, counts: RollupTable.Counts)] = []
        total.reserveCapacity(totals.packedCount)
        try totals.forEach { (key, counts) throws(StoreError) in
            guard counts.flows != 0 else { return }
            total.append((StoreSchema.totalDimensions[Int(key.dimension)], texts.text(key), counts))
        }
        total.sort { $0.dimension != $1.dimension ? $0.dimension < $1.dimension : $0.key < $1.key }
        let insertTotal = try connection.prepare(
            """
            INSERT INTO flows_totals (dimension, key, flows, packets, bytes) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (dimension, key) DO UPDATE SET flows = flows + excluded.flows,
                packets = packets + excluded.packets, bytes = bytes + excluded.bytes
            """)
        for entry in total {
            insertTotal.reset()
            insertTotal.bind(1, entry.dimension)
            insertTotal.bind(2, entry.key)
            insertTotal.bind(3, entry.counts.flows)
            insertTotal.bind(4, entry.counts.packets)
            insertTotal.bind(5, entry.counts.bytes)
            try insertTotal.step()
        }
        rollups.removeAll()
    }
}

/// The text of rollup keys, as `flows_hourly` and `flows_totals` hold them (addresses and
/// interface names looked up once each).
private struct KeyTexts {
    let lookups: StoreLookups
    var interfaceNames: [UInt64: String] = [:]
    var addressTexts: [UInt64: String] = [:]

    init(lookups: StoreLookups) { self.lookups = lookups }

    mutating func text(_ key: RollupTable.Key) -> String {
        if key.value == RollupTable.absent { return "-" }
        // Dimensions by their index in ``StoreSchema/totalDimensions``.
        switch key.dimension {
        case 0, 1, 6:
            if let known = addressTexts[key.value] { return known }
            let text = lookups.addresses[Int(key.value)].description
            addressTexts[key.value] = text
            return text
        case 4:
            if let name = interfaceNames[key.value] { return name }
            let name = Symbol(id: UInt32(key.value)).string
            interfaceNames[key.value] = name
            return name
        case 5: return key.value == UInt64(FlowAction.reject.rawValue) ? "REJECT" : "ACCEPT"
        default: return String(key.value)
        }
    }
}
