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
    ///   - body: Receives each batch; the batch's `sequence` counts from 0.
    /// - Returns: The number of records read.
    @discardableResult
    public func readRecords(
        since: Int64? = nil, until: Int64? = nil, touching wanted: Set<IPAddress>? = nil, batchSize: Int = 4096,
        _ body: (FlowBatch) -> Void
    ) throws(StoreError) -> Int {
        let contexts = try StoreLookups.readContexts(db)
        var rowFilter: [String] = []
        func timeFilter(_ start: String) -> String? {
            guard since != nil || until != nil else { return nil }
            return "(\(start) IS NULL OR (\(start) >= \(since ?? Int64.min) AND \(start) < \(until ?? Int64.max)))"
        }
        // Every address up front for a pass over the store; for a few addresses' rows, each other
        // end as it comes (a 10 M record store holds about 280,000 addresses).
        var addresses: [IPAddress] = []
        var looked: [Int: IPAddress] = [:]
        var lookup: SQLiteStatement?
        if let wanted {
            let findID = try db.prepare("SELECT id FROM addresses WHERE address = ?")
            var ids: [Int64] = []
            for address in wanted.sorted() {
                findID.reset()
                findID.bind(1, address.description)
                if try findID.step() { ids.append(findID.int64(0)) }
            }
            guard !ids.isEmpty else { return 0 }
            let list = ids.map(String.init).joined(separator: ", ")
            let time = timeFilter("start").map { " AND " + $0 } ?? ""
            rowFilter.append(
                "r.rowid IN (SELECT rowid FROM flow_rows WHERE src IN (\(list))\(time) "
                    + "UNION SELECT rowid FROM flow_rows WHERE dst IN (\(list))\(time))")
            lookup = try db.prepare("SELECT address FROM addresses WHERE id = ?")
        } else {
            addresses = try StoreLookups.readAddresses(db)
            if let time = timeFilter("r.start") { rowFilter.append(time) }
        }
        let hasExtras = (try db.scalar("SELECT count(*) FROM (SELECT 1 FROM flow_extras LIMIT 1)") ?? 0) > 0
        let numbers = StoreSchema.rowNumberFields.map { "r." + StoreSchema.quoted($0.columnName) }
        var columns = ["r.context", "r.src", "r.dst", "r.duration"] + numbers
        var sql = ""
        if hasExtras {
            columns += ["x.pkt_src", "x.pkt_dst"] + StoreSchema.extraNumberFields.map { "x." + StoreSchema.quoted($0.columnName) }
            sql = "SELECT \(columns.joined(separator: ", ")) FROM flow_rows r LEFT JOIN flow_extras x ON x.row = r.rowid"
        } else {
            sql = "SELECT \(columns.joined(separator: ", ")) FROM flow_rows r"
        }
        if !rowFilter.isEmpty { sql += " WHERE " + rowFilter.joined(separator: " AND ") }
        sql += " ORDER BY r.rowid"
        let statement = try db.prepare(sql)
        var batch = FlowBatch(capacity: batchSize)
        var total = 0
        let numberBase: Int32 = 4
        let extraBase = numberBase + Int32(numbers.count)
        func address(_ column: Int32) throws(StoreError) -> IPAddress? {
            guard !statement.isNull(column) else { return nil }
            let id = Int(statement.int64(column))
            guard id > 0 else { return nil }
            guard let lookup else { return id < addresses.count ? addresses[id] : nil }
            if let known = looked[id] { return known }
            lookup.reset()
            lookup.bind(1, Int64(id))
            guard try lookup.step() else { return nil }
            let address = try StoreLookups.storedAddress(lookup.text(0), db)
            looked[id] = address
            return address
        }
        while try statement.step() {
            var record = contexts[statement.int64(0)] ?? FlowRecord()
            if let source = try address(1) {
                record.srcaddr = source
                record.present |= FlowField.srcaddr.bit
            }
            if let destination = try address(2) {
                record.dstaddr = destination
                record.present |= FlowField.dstaddr.bit
            }
            for (offset, field) in StoreSchema.rowNumberFields.enumerated() {
                let column = numberBase + Int32(offset)
                if !statement.isNull(column) { record.setNumber(field, statement.int64(column)) }
            }
            if !statement.isNull(3) {
                let duration = statement.int64(3)
                record.setNumber(.end, record.has(.start) ? record.start &+ duration : duration)
            }
            if hasExtras {
                if let source = try address(extraBase) {
                    record.pktSrcaddr = source
                    record.present |= FlowField.pktSrcaddr.bit
                }
                if let destination = try address(extraBase + 1) {
                    record.pktDstaddr = destination
                    record.present |= FlowField.pktDstaddr.bit
                }
                for (offset, field) in StoreSchema.extraNumberFields.enumerated() {
                    let column = extraBase + 2 + Int32(offset)
                    if !statement.isNull(column) { record.setNumber(field, statement.int64(column)) }
                }
            }
            record.cacheOrientation()
            batch.records.append(record)
            if batch.records.count == batchSize {
                total += batch.records.count
                body(batch)
                batch = FlowBatch(sequence: batch.sequence + 1, capacity: batchSize)
            }
        }
        if !batch.records.isEmpty {
            total += batch.records.count
            body(batch)
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
