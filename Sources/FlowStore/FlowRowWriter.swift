import CSQLite
import FlowCore

/// Binds records to prepared INSERTs into `flow_rows` (and `flow_extras`) and accumulates the
/// hourly rollups.
///
/// Strings and enums become a `contexts` id and addresses `addresses` ids (``StoreLookups``), so
/// a row is a handful of small integers; absent fields are bound as NULL. Rowids are given out
/// here, in order, so that a source is one rowid range.
///
/// Rollups are summed in memory: per source while it is open, then into the group of sources
/// that share the open transaction, and written to `flows_hourly` once per group, just before it
/// commits. Upserting them per source cost more than the rows themselves (a 5-minute file has
/// nearly as many distinct hour/address keys as records).
final class FlowRowWriter {
    private let connection: SQLiteConnection
    let lookups: StoreLookups
    private let insertRow: SQLiteStatement
    private let extrasStatement: SQLiteStatement
    private var sourceRollups: [RollupKey: RollupCounts] = [:]
    private(set) var groupRollups: [RollupKey: RollupCounts]
    /// The rowid of the next row.
    private(set) var nextRow: Int64

    struct RollupKey: Hashable {
        var dimension: UInt8
        var hour: Int64
        /// Address id, port, protocol, interface symbol id or action.
        var value: UInt64
    }

    struct RollupCounts {
        var flows: Int64 = 0
        var packets: Int64 = 0
        var bytes: Int64 = 0
    }

    /// Parameter positions in ``insertRow``: rowid, context, src, dst, the numbers, duration.
    private enum Column {
        static let row: Int32 = 1, context: Int32 = 2, src: Int32 = 3, dst: Int32 = 4, firstNumber: Int32 = 5
        static let duration = firstNumber + Int32(StoreSchema.rowNumberFields.count)
    }

    /// - Parameter groupRollups: Rollups of sources already in the open transaction, carried over
    ///   when a writer is rebuilt after one source rolled back.
    init(connection: SQLiteConnection, groupRollups: [RollupKey: RollupCounts] = [:]) throws(StoreError) {
        self.connection = connection
        self.groupRollups = groupRollups
        lookups = try StoreLookups(connection: connection)
        let numbers = StoreSchema.rowNumberFields.map { StoreSchema.quoted($0.columnName) }
        let names = ["rowid", "context", "src", "dst"] + numbers + ["duration"]
        insertRow = try connection.prepare(
            "INSERT INTO flow_rows (\(names.joined(separator: ", "))) VALUES (?"
                + String(repeating: ", ?", count: names.count - 1) + ")", persistent: true)
        let extras = ["row", "pkt_src", "pkt_dst"] + StoreSchema.extraNumberFields.map { StoreSchema.quoted($0.columnName) }
        extrasStatement = try connection.prepare(
            "INSERT INTO flow_extras (\(extras.joined(separator: ", "))) VALUES (?"
                + String(repeating: ", ?", count: extras.count - 1) + ")", persistent: true)
        // Past every row kept and every range a source ever had: a pruned row's rowid is not
        // given to a new source, so `sources` ranges never overlap.
        let lastRow = try connection.scalar("SELECT max(coalesce((SELECT max(rowid) FROM flow_rows), 0), coalesce((SELECT max(last_row) FROM sources), 0))")
        nextRow = (lastRow ?? 0) + 1
    }

    /// Forgets the open source's rollups (it rolled back).
    func dropSourceRollups() { sourceRollups.removeAll(keepingCapacity: true) }

    /// Adds the committed source's rollups to its transaction's group.
    func keepSourceRollups() {
        for (key, counts) in sourceRollups { groupRollups[key, default: RollupCounts()].add(counts) }
        sourceRollups.removeAll(keepingCapacity: true)
    }

    /// Inserts a batch; returns the earliest start and latest end seen.
    func insert(_ batch: FlowBatch) throws(StoreError) -> (Int64?, Int64?) {
        var first: Int64?
        var last: Int64?
        let handle = insertRow.handle
        for record in batch.records {
            let src = record.has(.srcaddr) ? try lookups.addressID(record.srcaddr) : 0
            let dst = record.has(.dstaddr) ? try lookups.addressID(record.dstaddr) : 0
            let row = nextRow
            sqlite3_bind_int64(handle, Column.row, row)
            sqlite3_bind_int64(handle, Column.context, try lookups.contextID(record))
            sqlite3_bind_int64(handle, Column.src, src)
            sqlite3_bind_int64(handle, Column.dst, dst)
            Self.bindNumbers(StoreSchema.rowNumberFields, of: record, to: handle, from: Column.firstNumber)
            if record.has(.end) {
                sqlite3_bind_int64(handle, Column.duration, record.has(.start) ? record.end &- record.start : record.end)
            } else {
                sqlite3_bind_null(handle, Column.duration)
            }
            let rc = sqlite3_step(handle)
            sqlite3_reset(handle)
            if rc != SQLITE_DONE { throw connection.error(rc) }
            nextRow += 1
            if record.present & StoreSchema.extraFieldsMask != 0 { try writeExtras(record, row: row) }
            if record.has(.start) { first = min(first ?? record.start, record.start) }
            if record.has(.end) { last = max(last ?? record.end, record.end) }
            addRollups(record, src: src, dst: dst)
        }
        return (first, last)
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

    private static let absent = UInt64.max

    @inline(__always)
    private func addRollups(_ record: FlowRecord, src: Int64, dst: Int64) {
        let hour = record.has(.start) ? record.start - ((record.start % 3600) + 3600) % 3600 : 0
        let packets = record.has(.packets) ? Int64(bitPattern: record.packets) : 0
        let bytes = record.has(.bytes) ? Int64(bitPattern: record.bytes) : 0
        func add(_ dimension: UInt8, _ value: UInt64) {
            sourceRollups[RollupKey(dimension: dimension, hour: hour, value: value), default: RollupCounts()]
                .add(packets: packets, bytes: bytes)
        }
        let a = Self.absent
        add(0, src == 0 ? a : UInt64(src))
        add(1, dst == 0 ? a : UInt64(dst))
        add(2, record.has(.dstport) ? UInt64(record.dstport) : a)
        add(3, record.has(.proto) ? UInt64(record.proto) : a)
        add(4, record.has(.interfaceID) ? UInt64(record.interfaceID.id) : a)
        add(5, record.action.map { UInt64($0.rawValue) } ?? a)
    }

    /// Adds the group's rollups into `flows_hourly` (call inside the transaction, before COMMIT).
    func flushRollups() throws(StoreError) {
        guard !groupRollups.isEmpty else { return }
        let statement = try connection.prepare(
            """
            INSERT INTO flows_hourly (hour, dimension, key, flows, packets, bytes) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (dimension, hour, key) DO UPDATE SET flows = flows + excluded.flows,
                packets = packets + excluded.packets, bytes = bytes + excluded.bytes
            """)
        var interfaceNames: [UInt64: String] = [:]
        var addressTexts: [UInt64: String] = [:]
        for (key, counts) in groupRollups {
            let text: String
            if key.value == Self.absent {
                text = "-"
            } else {
                switch key.dimension {
                case 0, 1:
                    if let known = addressTexts[key.value] {
                        text = known
                    } else {
                        text = lookups.addresses[Int(key.value)].description
                        addressTexts[key.value] = text
                    }
                case 4:
                    if let name = interfaceNames[key.value] {
                        text = name
                    } else {
                        text = Symbol(id: UInt32(key.value)).string
                        interfaceNames[key.value] = text
                    }
                case 5: text = key.value == UInt64(FlowAction.reject.rawValue) ? "REJECT" : "ACCEPT"
                default: text = String(key.value)
                }
            }
            statement.reset()
            statement.bind(1, key.hour)
            statement.bind(2, StoreSchema.rollupDimensions[Int(key.dimension)])
            statement.bind(3, text)
            statement.bind(4, counts.flows)
            statement.bind(5, counts.packets)
            statement.bind(6, counts.bytes)
            try statement.step()
        }
        groupRollups.removeAll(keepingCapacity: true)
    }
}

extension FlowRowWriter.RollupCounts {
    mutating func add(_ other: Self) {
        flows += other.flows
        packets &+= other.packets
        bytes &+= other.bytes
    }

    @inline(__always)
    mutating func add(packets: Int64, bytes: Int64) {
        flows += 1
        self.packets &+= packets
        self.bytes &+= bytes
    }
}
