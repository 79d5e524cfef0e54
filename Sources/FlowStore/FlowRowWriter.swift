import CSQLite
import FlowCore
import Glibc

/// Binds records to prepared INSERTs and accumulates the hourly rollups of the open source.
///
/// One statement is prepared per set of present fields (a file's records nearly all share one),
/// so absent fields are never bound and stay NULL. Interned strings are copied to C once per
/// symbol and bound without copying; addresses are formatted into a scratch buffer.
final class FlowRowWriter {
    private let connection: SQLiteConnection
    private var statements: [UInt64: (SQLiteStatement, [FlowField])] = [:]
    private var symbolText: [UnsafeMutablePointer<CChar>?] = []
    private var symbolLength: [Int32] = []
    private let scratch = UnsafeMutablePointer<CChar>.allocate(capacity: 64)
    private var rollups: [RollupKey: RollupCounts] = [:]

    struct RollupKey: Hashable {
        var dimension: UInt8
        var hour: Int64
        var high: UInt64
        var low: UInt64
    }

    struct RollupCounts {
        var flows: Int64 = 0
        var packets: Int64 = 0
        var bytes: Int64 = 0
    }

    init(connection: SQLiteConnection) { self.connection = connection }

    deinit {
        for pointer in symbolText { free(pointer) }
        scratch.deallocate()
    }

    func resetRollups() { rollups.removeAll(keepingCapacity: true) }

    private func statement(for mask: UInt64) throws(StoreError) -> (SQLiteStatement, [FlowField]) {
        if let cached = statements[mask] { return cached }
        let fields = FlowField.allCases.filter { mask & $0.bit != 0 }
        let names = ["source_id"] + fields.map { StoreSchema.quoted($0.columnName) }
        let sql =
            "INSERT INTO flows (\(names.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: names.count).joined(separator: ", ") + ")"
        let prepared = (try connection.prepare(sql, persistent: true), fields)
        statements[mask] = prepared
        return prepared
    }

    /// Inserts a batch; returns the earliest start and latest end seen.
    func insert(_ batch: FlowBatch, sourceID: Int64) throws(StoreError) -> (Int64?, Int64?) {
        var first: Int64?
        var last: Int64?
        var currentMask: UInt64 = .max
        var current: (SQLiteStatement, [FlowField])?
        for record in batch.records {
            if record.present != currentMask {
                currentMask = record.present
                current = try statement(for: record.present)
            }
            let (statement, fields) = current!
            let handle = statement.handle
            sqlite3_bind_int64(handle, 1, sourceID)
            var index: Int32 = 2
            for field in fields {
                bind(record, field, handle, index)
                index += 1
            }
            let rc = sqlite3_step(handle)
            sqlite3_reset(handle)
            if rc != SQLITE_DONE { throw connection.error(rc) }
            if record.has(.start) { first = min(first ?? record.start, record.start) }
            if record.has(.end) { last = max(last ?? record.end, record.end) }
            addRollups(record)
        }
        return (first, last)
    }

    @inline(__always)
    private func bind(_ record: FlowRecord, _ field: FlowField, _ handle: OpaquePointer, _ index: Int32) {
        switch field {
        case .version: sqlite3_bind_int64(handle, index, Int64(record.version))
        case .proto: sqlite3_bind_int64(handle, index, Int64(record.proto))
        case .srcport: sqlite3_bind_int64(handle, index, Int64(record.srcport))
        case .dstport: sqlite3_bind_int64(handle, index, Int64(record.dstport))
        case .packets: sqlite3_bind_int64(handle, index, Int64(bitPattern: record.packets))
        case .bytes: sqlite3_bind_int64(handle, index, Int64(bitPattern: record.bytes))
        case .tcpFlags: sqlite3_bind_int64(handle, index, Int64(record.tcpFlags))
        case .trafficPath: sqlite3_bind_int64(handle, index, Int64(record.trafficPath))
        case .encryptionStatus: sqlite3_bind_int64(handle, index, Int64(record.encryptionStatus))
        case .packetsLostNoRoute: sqlite3_bind_int64(handle, index, Int64(bitPattern: record.packetsLost[0]))
        case .packetsLostBlackhole: sqlite3_bind_int64(handle, index, Int64(bitPattern: record.packetsLost[1]))
        case .packetsLostMTUExceeded: sqlite3_bind_int64(handle, index, Int64(bitPattern: record.packetsLost[2]))
        case .packetsLostTTLExpired: sqlite3_bind_int64(handle, index, Int64(bitPattern: record.packetsLost[3]))
        case .start: sqlite3_bind_int64(handle, index, record.start)
        case .end: sqlite3_bind_int64(handle, index, record.end)
        case .srcaddr: bindAddress(record.srcaddr, handle, index)
        case .dstaddr: bindAddress(record.dstaddr, handle, index)
        case .pktSrcaddr: bindAddress(record.pktSrcaddr, handle, index)
        case .pktDstaddr: bindAddress(record.pktDstaddr, handle, index)
        case .action: bindStatic(record.action == .reject ? "REJECT" : "ACCEPT", handle, index)
        case .logStatus:
            switch record.logStatus {
            case .noData: bindStatic("NODATA", handle, index)
            case .skipData: bindStatic("SKIPDATA", handle, index)
            default: bindStatic("OK", handle, index)
            }
        case .flowDirection: bindStatic(record.flowDirection == .egress ? "egress" : "ingress", handle, index)
        default: bindSymbol(record[text: field], handle, index)
        }
    }

    @inline(__always)
    private func bindStatic(_ text: StaticString, _ handle: OpaquePointer, _ index: Int32) {
        text.withUTF8Buffer { buffer in
            _ = buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                sqlite3_bind_text(handle, index, $0, Int32(buffer.count), nil)
            }
        }
    }

    private func bindSymbol(_ symbol: Symbol, _ handle: OpaquePointer, _ index: Int32) {
        let id = Int(symbol.id)
        if id >= symbolText.count || symbolText[id] == nil {
            if id >= symbolText.count {
                symbolText.append(contentsOf: repeatElement(nil, count: id + 1 - symbolText.count))
                symbolLength.append(contentsOf: repeatElement(0, count: id + 1 - symbolLength.count))
            }
            let text = symbol.string
            symbolText[id] = strdup(text)
            symbolLength[id] = Int32(text.utf8.count)
        }
        sqlite3_bind_text(handle, index, symbolText[id], symbolLength[id], nil)
    }

    private func bindAddress(_ address: IPAddress, _ handle: OpaquePointer, _ index: Int32) {
        if address.isIPv4 {
            let length = Self.formatIPv4(address.ipv4Value, into: scratch)
            sqlite3_bind_text(handle, index, scratch, Int32(length), SQLiteStatement.transient)
        } else {
            sqlite3_bind_text(handle, index, address.description, -1, SQLiteStatement.transient)
        }
    }

    /// Dotted-quad text of an IPv4 address, without allocating; returns the length.
    static func formatIPv4(_ value: UInt32, into buffer: UnsafeMutablePointer<CChar>) -> Int {
        var position = 0
        for shift in stride(from: 24, through: 0, by: -8) {
            let octet = Int((value >> UInt32(shift)) & 0xFF)
            if octet >= 100 {
                buffer[position] = CChar(48 + octet / 100)
                position += 1
            }
            if octet >= 10 {
                buffer[position] = CChar(48 + (octet / 10) % 10)
                position += 1
            }
            buffer[position] = CChar(48 + octet % 10)
            position += 1
            if shift > 0 {
                buffer[position] = CChar(46)
                position += 1
            }
        }
        return position
    }

    // MARK: rollups

    private static let absent = UInt64.max

    @inline(__always)
    private func addRollups(_ record: FlowRecord) {
        let hour = record.has(.start) ? record.start - ((record.start % 3600) + 3600) % 3600 : 0
        let packets = record.has(.packets) ? Int64(bitPattern: record.packets) : 0
        let bytes = record.has(.bytes) ? Int64(bitPattern: record.bytes) : 0
        func add(_ dimension: UInt8, _ high: UInt64, _ low: UInt64) {
            rollups[RollupKey(dimension: dimension, hour: hour, high: high, low: low), default: RollupCounts()]
                .add(packets: packets, bytes: bytes)
        }
        let a = Self.absent
        if record.has(.srcaddr) { add(0, record.srcaddr.high, record.srcaddr.low) } else { add(0, a, a) }
        if record.has(.dstaddr) { add(1, record.dstaddr.high, record.dstaddr.low) } else { add(1, a, a) }
        add(2, 0, record.has(.dstport) ? UInt64(record.dstport) : a)
        add(3, 0, record.has(.proto) ? UInt64(record.proto) : a)
        add(4, 0, record.has(.interfaceID) ? UInt64(record.interfaceID.id) : a)
        add(5, 0, record.action.map { UInt64($0.rawValue) } ?? a)
    }

    /// Adds the open source's rollups into `flows_hourly`.
    func flushRollups() throws(StoreError) {
        guard !rollups.isEmpty else { return }
        let statement = try connection.prepare(
            """
            INSERT INTO flows_hourly (hour, dimension, key, flows, packets, bytes) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (dimension, hour, key) DO UPDATE SET flows = flows + excluded.flows,
                packets = packets + excluded.packets, bytes = bytes + excluded.bytes
            """)
        var interfaceNames: [UInt64: String] = [:]
        for (key, counts) in rollups {
            let text: String
            if key.low == Self.absent {
                text = "-"
            } else {
                switch key.dimension {
                case 0, 1: text = IPAddress(high: key.high, low: key.low).description
                case 4:
                    if let name = interfaceNames[key.low] {
                        text = name
                    } else {
                        text = Symbol(id: UInt32(key.low)).string
                        interfaceNames[key.low] = text
                    }
                case 5: text = key.low == UInt64(FlowAction.reject.rawValue) ? "REJECT" : "ACCEPT"
                default: text = String(key.low)
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
        rollups.removeAll(keepingCapacity: true)
    }
}

extension FlowRowWriter.RollupCounts {
    @inline(__always)
    mutating func add(packets: Int64, bytes: Int64) {
        flows += 1
        self.packets &+= packets
        self.bytes &+= bytes
    }
}
