import Dispatch
import CSQLite
public import FlowCore

extension FlowStore {
    /// Reads the stored records back as ``FlowRecord``s, in ingest order, a batch at a time, so
    /// that the verbs that run on raw sources (`filter`, `ips`, `top`) give the same answers on a
    /// store.
    ///
    /// Records without a `start` are kept, as a scan keeps them. The interned strings come back
    /// as symbols of the shared table, and each record's flow sense is computed as the decoder
    /// does.
    ///
    /// - Parameters:
    ///   - since: Only records that start at or after this time (Unix seconds).
    ///   - until: Only records that start before this time.
    ///   - touching: When given, only records whose `srcaddr` or `dstaddr` is one of these (the
    ///     caller's filter still decides; this only skips rows that cannot match). Their rows are
    ///     found through the address indexes and their addresses looked up one by one, so one
    ///     address's hour costs its own rows, not a pass over the whole store.
    ///   - readsPages: With `touching`, read the chosen rows straight from the table's pages
    ///     (``TableRowReader``) where the store allows it; false reads them through SQLite (tests
    ///     compare the two).
    ///   - body: Receives each batch; the batch's `sequence` counts from 0.
    /// - Returns: The number of records read.
    @discardableResult
    public func readRecords(
        since: Int64? = nil, until: Int64? = nil, touching wanted: Set<IPAddress>? = nil, batchSize: Int = 4096,
        readsPages: Bool = true, _ body: (FlowBatch) -> Void
    ) throws(StoreError) -> Int {
        let contexts = try StoreLookups.readContexts(db)
        let hasExtras = (try db.scalar("SELECT count(*) FROM (SELECT 1 FROM flow_extras LIMIT 1)") ?? 0) > 0
        var assembler = RowAssembler(contexts: contexts, batchSize: batchSize)
        var rowFilter: [String] = []
        if let wanted {
            // Each other end is looked up as it comes (a 10 M record store holds about 280,000
            // addresses).
            let lookup = try db.prepare("SELECT address FROM addresses WHERE id = ?")
            var looked: [Int64: IPAddress] = [:]
            assembler.address = { id throws(StoreError) in
                if let known = looked[id] { return known }
                lookup.reset()
                lookup.bind(1, id)
                guard try lookup.step() else { return nil }
                let address = try StoreLookups.storedAddress(lookup.text(0), self.db)
                looked[id] = address
                return address
            }
            let findID = try db.prepare("SELECT id FROM addresses WHERE address = ?")
            var ids: [Int64] = []
            for address in wanted.sorted() {
                findID.reset()
                findID.bind(1, address.description)
                if try findID.step() { ids.append(findID.int64(0)) }
            }
            guard !ids.isEmpty else { return 0 }
            // One read transaction over finding the rowids and reading their rows, so that the
            // pages read directly are the ones the index queries saw.
            let ownTransaction = sqlite3_get_autocommit(db.handle) != 0
            if ownTransaction { try db.execute("BEGIN") }
            defer { if ownTransaction { try? db.execute("COMMIT") } }
            let parts = try addressRowQueries(ids, since: since, until: until)
            if readsPages, try readDirectly(parts, hasExtras: hasExtras, into: &assembler, body) { return assembler.finish(body) }
            rowFilter.append("r.rowid IN (\(parts.joined(separator: " UNION ")))")
        } else {
            let addresses = try StoreLookups.readAddresses(db)
            assembler.address = { id in id < addresses.count ? addresses[Int(id)] : nil }
            if since != nil || until != nil {
                rowFilter.append("(r.start IS NULL OR (r.start >= \(since ?? Int64.min) AND r.start < \(until ?? Int64.max)))")
            }
        }
        var columns = RowAssembler.rowColumns.map { "r." + $0 }
        var sql = ""
        if hasExtras {
            columns += RowAssembler.extraColumns.map { "x." + $0 }
            sql = "SELECT \(columns.joined(separator: ", ")) FROM flow_rows r LEFT JOIN flow_extras x ON x.row = r.rowid"
        } else {
            sql = "SELECT \(columns.joined(separator: ", ")) FROM flow_rows r"
        }
        if !rowFilter.isEmpty { sql += " WHERE " + rowFilter.joined(separator: " AND ") }
        sql += " ORDER BY r.rowid"
        let statement = try db.prepare(sql)
        var values = [Int64?](repeating: nil, count: columns.count)
        while try statement.step() {
            for column in values.indices {
                values[column] = statement.isNull(Int32(column)) ? nil : statement.int64(Int32(column))
            }
            try values.withUnsafeBufferPointer { row throws(StoreError) in
                try assembler.add(row: UnsafeBufferPointer(rebasing: row[..<RowAssembler.rowColumns.count]),
                                  extras: hasExtras ? UnsafeBufferPointer(rebasing: row[RowAssembler.rowColumns.count...]) : nil, body)
            }
        }
        return assembler.finish(body)
    }

    /// Reads the rows of `queries` (each a SELECT of rowids) from the table's pages
    /// (``TableRowReader``) rather than through SQLite; false when this store cannot be read that
    /// way (WAL mode, or anything the reader does not expect), and nothing was delivered.
    private func readDirectly(
        _ queries: [String], hasExtras: Bool, into assembler: inout RowAssembler, _ body: (FlowBatch) -> Void
    ) throws(StoreError) -> Bool {
        let mode = try db.prepare("PRAGMA journal_mode")
        guard try mode.step(), mode.text(0).lowercased() != "wal" else { return false }
        var rowids: [Int64] = []
        for query in queries {
            let statement = try db.prepare(query)
            while try statement.step() { rowids.append(statement.int64(0)) }
        }
        rowids.sort()
        var unique = 0
        for rowid in rowids where unique == 0 || rowids[unique - 1] != rowid {
            rowids[unique] = rowid
            unique += 1
        }
        rowids.removeLast(rowids.count - unique)
        func positions(_ table: String, _ names: [String]) throws(StoreError) -> (root: Int, columns: Int, at: [Int])? {
            guard let root = try db.scalar("SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = '\(table)'")
            else { return nil }
            let info = try db.prepare("SELECT name FROM pragma_table_info('\(table)') ORDER BY cid")
            var all: [String] = []
            while try info.step() { all.append(info.text(0)) }
            var at: [Int] = []
            for name in names {
                guard let index = all.firstIndex(of: String(name.filter { $0 != "\"" })) else { return nil }
                at.append(index)
            }
            return (Int(root), all.count, at)
        }
        guard let rows = try positions("flow_rows", RowAssembler.rowColumns),
            let extras = try positions("flow_extras", RowAssembler.extraColumns)
        else { return false }
        // Find every row before delivering any, so that a fall back to SQLite repeats nothing.
        let rowReader: TableRowReader
        let found: [(rowid: Int64, payload: UnsafeBufferPointer<UInt8>)]
        var extraReader: TableRowReader?
        var extraOf: [Int64: UnsafeBufferPointer<UInt8>] = [:]
        do {
            if hasExtras {
                let reader = try TableRowReader(path: path, rootPage: extras.root)
                for (rowid, payload) in try reader.payloads(rowids[...], columns: extras.columns) { extraOf[rowid] = payload }
                extraReader = reader
            }
            rowReader = try TableRowReader(path: path, rootPage: rows.root)
            try rowReader.prefault(rowids)
            found = try Self.payloads(rowids, columns: rows.columns, from: rowReader)
        } catch {
            return false
        }
        let values = UnsafeMutablePointer<Int64>.allocate(capacity: max(rows.columns, extras.columns))
        defer { values.deallocate() }
        var row = [Int64?](repeating: nil, count: rows.at.count)
        var extra = [Int64?](repeating: nil, count: extras.at.count)
        func pick(_ payload: UnsafeBufferPointer<UInt8>, _ reader: TableRowReader, _ table: (root: Int, columns: Int, at: [Int]), into out: inout [Int64?]) {
            // Checked by `payloads` already.
            guard let nulls = try? reader.decode(payload, columns: table.columns, into: values) else { return }
            for (slot, index) in table.at.enumerated() { out[slot] = nulls & (1 << UInt64(index)) != 0 ? nil : values[index] }
        }
        // The payloads point into the readers' mappings: both live until the last row is read.
        try withExtendedLifetime((rowReader, extraReader)) { () throws(StoreError) in
            for (rowid, payload) in found {
                pick(payload, rowReader, rows, into: &row)
                if let extraReader, let extraPayload = extraOf[rowid] {
                    pick(extraPayload, extraReader, extras, into: &extra)
                } else {
                    for slot in extra.indices { extra[slot] = nil }
                }
                try row.withUnsafeBufferPointer { row throws(StoreError) in
                    try extra.withUnsafeBufferPointer { extra throws(StoreError) in
                        try assembler.add(row: row, extras: hasExtras ? extra : nil, body)
                    }
                }
            }
        }
        return true
    }

    /// The payloads of `rowids` (sorted), found on two threads for many rows: the search waits on
    /// memory (a fresh page and cache line a row), so two searchers nearly halve it.
    private static func payloads(
        _ rowids: [Int64], columns: Int, from reader: TableRowReader
    ) throws(TableRowReader.Failure) -> [(rowid: Int64, payload: UnsafeBufferPointer<UInt8>)] {
        guard rowids.count >= 8192 else { return try reader.payloads(rowids[...], columns: columns) }
        let middle = rowids.count / 2
        let halves = [rowids[..<middle], rowids[middle...]]
        let results = UnsafeMutableBufferPointer<Result<[(rowid: Int64, payload: UnsafeBufferPointer<UInt8>)], TableRowReader.Failure>>
            .allocate(capacity: 2)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            // Each iteration writes its own slot.
            (slots.baseAddress! + half).initialize(to: Result { () throws(TableRowReader.Failure) in
                try reader.payloads(halves[half], columns: columns)
            })
        }
        defer { _ = results.deinitialize() }
        return try results[0].get() + results[1].get()
    }

    /// Partners probed per address and side before a time range reads the address's whole index
    /// range instead of seeking each partner's.
    static let partnerSeekLimit = 2048

    /// Queries of the rowids whose `src` or `dst` is one of `ids` (and whose `start` is in the
    /// range, or absent); their union is the rows wanted.
    ///
    /// The address indexes are ordered (address, other address, start): a time range alone reads
    /// all of an address's entries for every day held. So for each address and side with few
    /// partners (the distinct other addresses, which SQLite lists by jumping through the index),
    /// the query seeks each (address, partner) and reads only its entries in the range: the
    /// busiest address of the 10 M record benchmark has 13 partners and 386,706 entries a side,
    /// 21,380 of them in one hour. With many partners (a load balancer's clients), one seek each
    /// would cost more than the range, which then stays a plain read of the address's entries.
    func addressRowQueries(_ ids: [Int64], since: Int64?, until: Int64?) throws(StoreError) -> [String] {
        let range = [since.map { "start >= \($0)" }, until.map { "start < \($0)" }].compactMap { $0 }
        guard !range.isEmpty else {
            let list = ids.map(String.init).joined(separator: ", ")
            return ["SELECT rowid FROM flow_rows WHERE src IN (\(list))", "SELECT rowid FROM flow_rows WHERE dst IN (\(list))"]
        }
        let inRange = range.joined(separator: " AND ")
        var parts: [String] = []
        for (side, other) in [("src", "dst"), ("dst", "src")] {
            let probe = try db.prepare(
                "SELECT DISTINCT \(other) FROM flow_rows WHERE \(side) = ? LIMIT \(Self.partnerSeekLimit + 1)")
            for id in ids {
                probe.bind(1, id)
                var partners: [Int64] = []
                while try probe.step() { partners.append(probe.int64(0)) }
                probe.reset()
                guard !partners.isEmpty else { continue }
                if partners.count > Self.partnerSeekLimit {
                    parts.append("SELECT rowid FROM flow_rows WHERE \(side) = \(id) AND (start IS NULL OR (\(inRange)))")
                    continue
                }
                let list = partners.map(String.init).joined(separator: ", ")
                let pinned = "SELECT rowid FROM flow_rows WHERE \(side) = \(id) AND \(other) IN (\(list)) AND "
                parts.append(pinned + inRange)
                parts.append(pinned + "start IS NULL")
            }
        }
        // An address with no rows at all: no rows rather than an empty compound.
        return parts.isEmpty ? ["SELECT rowid FROM flow_rows WHERE 0"] : parts
    }
}

/// Turns stored rows (integer columns in ``rowColumns`` and ``extraColumns`` order) into
/// ``FlowRecord``s and hands them on in batches, for both ways of reading rows.
private struct RowAssembler {
    static let rowColumns = ["context", "src", "dst", "duration"] + StoreSchema.rowNumberFields.map { StoreSchema.quoted($0.columnName) }
    static let extraColumns = ["pkt_src", "pkt_dst"] + StoreSchema.extraNumberFields.map { StoreSchema.quoted($0.columnName) }

    let contexts: [Int64: FlowRecord]
    let batchSize: Int
    /// The address of an id (nil for an unknown one).
    var address: (Int64) throws(StoreError) -> IPAddress? = { _ in nil }
    private var batch: FlowBatch
    private var total = 0
    /// The last context met: consecutive rows mostly share one, and each dictionary lookup
    /// hashes the id and copies the record out.
    private var lastContext: (id: Int64, record: FlowRecord)?
    /// Addresses met lately, by id modulo 256: one end of an address's rows is that address, the
    /// other mostly one of a few partners.
    private var recentIDs = [Int64](repeating: -1, count: 256)
    private var recentAddresses = [IPAddress?](repeating: nil, count: 256)

    init(contexts: [Int64: FlowRecord], batchSize: Int) {
        self.contexts = contexts
        self.batchSize = batchSize
        batch = FlowBatch(capacity: batchSize)
    }

    private mutating func address(_ id: Int64?) throws(StoreError) -> IPAddress? {
        guard let id, id > 0 else { return nil }
        let slot = Int(truncatingIfNeeded: id) & 255
        if recentIDs[slot] == id { return recentAddresses[slot] }
        let found = try address(id)
        recentIDs[slot] = id
        recentAddresses[slot] = found
        return found
    }

    private mutating func context(_ id: Int64?) -> FlowRecord {
        guard let id else { return FlowRecord() }
        if let lastContext, lastContext.id == id { return lastContext.record }
        let record = contexts[id] ?? FlowRecord()
        lastContext = (id, record)
        return record
    }

    mutating func add(
        row: UnsafeBufferPointer<Int64?>, extras: UnsafeBufferPointer<Int64?>?, _ body: (FlowBatch) -> Void
    ) throws(StoreError) {
        let source = try address(row[1])
        let destination = try address(row[2])
        let packetSource = try extras.flatMap { extras throws(StoreError) in try address(extras[0]) }
        let packetDestination = try extras.flatMap { extras throws(StoreError) in try address(extras[1]) }
        // Built in place at the batch's end: a record is 208 bytes, and building it in a local
        // then appending copied it twice more per row.
        batch.records.append(context(row[0]))
        batch.records.withUnsafeMutableBufferPointer { records in
            let record = records.baseAddress! + (records.count - 1)
            if let source {
                record.pointee.srcaddr = source
                record.pointee.present |= FlowField.srcaddr.bit
            }
            if let destination {
                record.pointee.dstaddr = destination
                record.pointee.present |= FlowField.dstaddr.bit
            }
            for (offset, field) in StoreSchema.rowNumberFields.enumerated() {
                if let value = row[4 + offset] { record.pointee.setNumber(field, value) }
            }
            if let duration = row[3] {
                record.pointee.setNumber(.end, record.pointee.has(.start) ? record.pointee.start &+ duration : duration)
            }
            if let extras {
                if let packetSource {
                    record.pointee.pktSrcaddr = packetSource
                    record.pointee.present |= FlowField.pktSrcaddr.bit
                }
                if let packetDestination {
                    record.pointee.pktDstaddr = packetDestination
                    record.pointee.present |= FlowField.pktDstaddr.bit
                }
                for (offset, field) in StoreSchema.extraNumberFields.enumerated() {
                    if let value = extras[2 + offset] { record.pointee.setNumber(field, value) }
                }
            }
            record.pointee.cacheOrientation()
        }
        if batch.records.count == batchSize {
            total += batch.records.count
            body(batch)
            batch = FlowBatch(sequence: batch.sequence + 1, capacity: batchSize)
        }
    }

    mutating func finish(_ body: (FlowBatch) -> Void) -> Int {
        if !batch.records.isEmpty {
            total += batch.records.count
            body(batch)
            batch = FlowBatch(sequence: batch.sequence + 1, capacity: batchSize)
        }
        return total
    }
}

extension FlowRecord {
    /// Sets a numeric or time field from its stored integer and marks it present.
    mutating func setNumber(_ field: FlowField, _ value: Int64) {
        present |= field.bit
        switch field {
        case .srcport: srcport = UInt16(truncatingIfNeeded: value)
        case .dstport: dstport = UInt16(truncatingIfNeeded: value)
        case .proto: proto = UInt8(truncatingIfNeeded: value)
        case .packets: packets = UInt64(bitPattern: value)
        case .bytes: bytes = UInt64(bitPattern: value)
        case .start: start = value
        case .end: end = value
        case .tcpFlags: tcpFlags = UInt16(truncatingIfNeeded: value)
        case .packetsLostNoRoute: packetsLost[0] = UInt64(bitPattern: value)
        case .packetsLostBlackhole: packetsLost[1] = UInt64(bitPattern: value)
        case .packetsLostMTUExceeded: packetsLost[2] = UInt64(bitPattern: value)
        case .packetsLostTTLExpired: packetsLost[3] = UInt64(bitPattern: value)
        default: present &= ~field.bit
        }
    }
}
