public import FlowCore
import CSQLite
import Glibc

/// The embedded SQLite store: opens or creates the file, ingests sources one transaction each,
/// records alerts, prunes old data, and runs read-only queries.
///
/// A source is written between ``beginSource(name:hash:size:)`` and ``commitSource()`` inside a
/// savepoint: its rows, its rollups and its `sources` entry are kept together or not at all, so a
/// source that fails mid-file leaves nothing behind. Small sources are grouped into one
/// transaction (committed every ``groupRecords`` records and by ``flush()``) so that a folder of
/// small files does not pay one disk sync per file; a process that dies loses the uncommitted
/// group whole, never part of a source. Not thread-safe: one writer per store.
///
/// A large ingest into a store without flows (see ``prepareBulkIngest(expectedRecords:)``) writes
/// the pages of `flow_rows` and its indexes itself, into a copy of the store that replaces the
/// file at the end (``FlowBulkLoad``): a process that dies leaves the store as it was. A large
/// ingest into a small store drops the indexes of every row of `flow_rows` first and builds them again in ``finishIngest()``: building an index
/// from sorted rows costs a fraction of updating it row by row, and its pages come out full. The
/// contract above holds throughout; a process that dies in between leaves the indexes missing,
/// queries stay correct (only slower), and the next writer to open the store builds them.
public final class FlowStore {
    public let path: String
    public let readOnly: Bool
    let busyTimeoutMilliseconds: Int32
    /// Replaced once, when a bulk load's copy takes the file's place.
    var db: SQLiteConnection
    /// The file `db` opened (device and inode), to tell when another process's bulk load renamed
    /// its copy over the store while this one waited for the write lock (see ``beginWrite()``).
    var openedFile: FileIdentity?
    var writer: FlowRowWriter?
    /// The load that writes pages itself, while one runs (see ``prepareBulkIngest(expectedRecords:)``).
    var bulk: FlowBulkLoad?
    /// Why the bulk load cannot finish (its pages may be incomplete): it is then thrown away.
    var bulkFailure: StoreError?
    /// Whether the last bulk load wrote the rollup tables' trees itself (tests check that it
    /// does, rather than falling back to SQLite's upserts).
    var lastBulkLoadWroteRollupTrees = false
    var current: PendingSource?
    /// True while a grouping transaction is open.
    private var inTransaction = false
    private var recordsInTransaction = 0
    /// Records after which a finished source's group is committed.
    public var groupRecords = 1_000_000
    /// True when rows were written since the planner statistics were last refreshed.
    private var wroteRows = false
    /// True while the flow indexes are dropped for a bulk ingest.
    public private(set) var indexesDeferred = false
    /// Expected records at or above which an ingest may defer its index builds.
    public static let bulkIngestRecords = 200_000
    /// The statements that made this read-only connection's temporary views (a reader of an older
    /// schema has one), for the connections that run UNION ALL arms (``UnionArmRunner``).
    var temporaryViews: [String] = []
    /// False to run every statement serially, as SQLite alone does (tests compare the two).
    var runsUnionArmsInParallel = true
    /// Arms of UNION ALL subqueries whose rows came from parallel connections, over every query.
    var unionArmsRunInParallel = 0
    /// See ``UnionArmRunner/maximumRowsPerSecond``.
    var unionArmMaximumRowsPerSecond = UnionArmRunner.defaultMaximumRowsPerSecond
    /// Temporary tables made so far to stand in for UNION ALL subqueries (each gets a new name).
    var unionTablesCreated = 0

    /// What was written for one source.
    public struct SourceReceipt: Sendable, Equatable {
        public var name: String
        public var records: Int
    }

    struct PendingSource {
        var name: String
        var hash: String
        var size: Int
        var records = 0
        var firstStart: Int64?
        var lastEnd: Int64?
        var firstRow: Int64 = 0
    }

    /// Opens a store, creating it (and its schema) when `readOnly` is false and the file is new.
    ///
    /// - Throws: ``StoreError`` when the file cannot be opened, is not SQLite (`.notAStore`), is
    ///   another application's database (`.notAStore`), is corrupt, or is locked.
    public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 2000) throws(StoreError) {
        if readOnly && access(path, F_OK) != 0 {
            throw StoreError(.cannotOpen, "no such store", location: path, cause: "run `flowlens ingest` first")
        }
        self.path = path
        self.readOnly = readOnly
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        db = try SQLiteConnection(path: path, readOnly: readOnly, create: !readOnly)
        openedFile = FileIdentity(path: path)
        sqlite3_busy_timeout(db.handle, busyTimeoutMilliseconds)
        // Before the schema check, which may create a temporary view: setting `temp_store` drops
        // every temporary object.
        if readOnly { try db.execute("PRAGMA temp_store = MEMORY") }
        try checkOrCreateSchema()
        if !readOnly {
            // Index builds sort through temporary files: SQLite's in-memory temporary files walk a
            // chain of chunks on every read, which cost a third of a 10 M row index build here.
            try db.execute("PRAGMA cache_size = -524288")
            try ensureIndexes()
        } else {
            try db.execute(Self.readOnlySettings)
        }
    }

    /// What a read-only connection sets once its temporary objects exist: no writes, and pages
    /// read in place from a memory map rather than copied into the page cache (SQLite caps the
    /// map at its compiled limit, 2 GiB here): a scan of the address indexes (Athena tutorial
    /// query 2) took a fifth less CPU.
    static let readOnlySettings = "PRAGMA query_only = 1; PRAGMA cache_size = -262144; PRAGMA mmap_size = 1099511627776"

    private func checkOrCreateSchema() throws(StoreError) {
        // Reading the header is the first access: a non-SQLite file fails here with NOTADB.
        let applicationID = try db.scalar("PRAGMA application_id") ?? 0
        let tables = try db.scalar("SELECT count(*) FROM sqlite_schema") ?? 0
        if applicationID == Int64(StoreSchema.applicationID) {
            let version = try db.scalar("PRAGMA user_version") ?? 0
            if version > Int64(StoreSchema.version) {
                throw StoreError(
                    .notAStore, "the store was written by a newer FlowLens (schema \(version))", location: path)
            }
            if version >= 2 && version < Int64(StoreSchema.version) {
                // Schema 2: same tables, other views and indexes; schema 3: no `flows_totals`;
                // schema 4: other indexes. Upgraded in place by a writer (the indexes are built
                // on helper threads); a reader gets the same answers from the old views and
                // indexes and a temporary view of the totals, only slower.
                if readOnly {
                    if version < 4 {
                        try db.execute(StoreSchema.totalsView)
                        temporaryViews.append(StoreSchema.totalsView)
                    }
                } else {
                    try withSortOnHelperThreads { () throws(StoreError) in
                        try transaction(StoreSchema.upgradeStatements(from: version))
                    }
                    wroteRows = true
                }
                return
            }
            if version < Int64(StoreSchema.version) {
                throw StoreError(
                    .notAStore, "the store was written by an older FlowLens (schema \(version))", location: path,
                    cause: "ingest the logs again into a new file")
            }
            return
        }
        if tables > 0 || applicationID != 0 {
            throw StoreError(
                .notAStore, "a SQLite database of another application, not a FlowLens store", location: path,
                cause: "choose a new file for --db")
        }
        if readOnly { throw StoreError(.notAStore, "an empty database, not a FlowLens store", location: path) }
        try transaction(StoreSchema.createStatements)
    }

    /// Runs statements in one immediate transaction.
    private func transaction(_ statements: [String]) throws(StoreError) {
        try beginWrite()
        do {
            for statement in statements { try db.execute(statement) }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    deinit {
        if current != nil { rollbackSource() }
        try? finishIngest()
    }

    /// Builds indexes that a bulk load (or a process that died during one) left missing.
    private func ensureIndexes() throws(StoreError) {
        let names = StoreSchema.flowIndexes.map { "'\($0.name)'" }.joined(separator: ", ")
        let present = try db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN (\(names))")
        guard (present ?? 0) < Int64(StoreSchema.flowIndexes.count) else { return }
        try buildIndexes()
    }

    /// Builds the missing flow indexes in one transaction, sorting on helper threads.
    ///
    /// SQLite's sorter hands a run to a helper thread each time its memory (the page cache size)
    /// fills; with the whole cache it would sort 10 M entries in one run on this thread. Runs of
    /// 2 MiB are sorted while the table is still being read, and merged by helpers too: the
    /// sorter merges linked lists, so a run larger than the processor's caches waits on memory
    /// for most of its comparisons (one index of the 10 M record benchmark: 23.3 s with 64 MiB
    /// runs, 10.2-10.9 s with 0.5-2 MiB runs).
    private func buildIndexes() throws(StoreError) {
        try withSortOnHelperThreads { () throws(StoreError) in try transaction(StoreSchema.createIndexStatements) }
        wroteRows = true
    }

    /// Runs `body` with the sorter's helper threads on and small sorter runs (see ``buildIndexes()``).
    private func withSortOnHelperThreads(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        try db.execute("PRAGMA threads = 4; PRAGMA cache_size = -2048")
        defer { try? db.execute("PRAGMA threads = 0; PRAGMA cache_size = -524288") }
        try body()
    }

    /// Prepares for an ingest of about `expectedRecords` records (an estimate from file sizes).
    ///
    /// When they are at least ``bulkIngestRecords``: into a store without flows or sources, the
    /// load writes its pages itself (``FlowBulkLoad``) until ``finishIngest()``; otherwise, when
    /// they are four times as many as the store holds, the flow indexes are dropped now,
    /// committed, and built again by ``finishIngest()``. Call it before the first source.
    public func prepareBulkIngest(expectedRecords: Int) throws(StoreError) {
        guard !readOnly, !indexesDeferred, bulk == nil, !inTransaction, current == nil,
            expectedRecords >= Self.bulkIngestRecords
        else { return }
        if expectedRecords <= FlowBulkLoad.maximumRows, try startBulkLoad(expectedRecords: expectedRecords) { return }
        let held = try db.scalar("SELECT max(rowid) FROM flow_rows") ?? 0
        // Rebuilding costs as much as the rows held: only worth it when they are few next to what
        // comes (the estimate counts files already stored too, which a rerun skips).
        guard held * 4 <= Int64(expectedRecords) else { return }
        try transaction(StoreSchema.dropBulkIndexStatements)
        indexesDeferred = true
        // Without indexes a commit appends pages; larger groups share rollup keys across more files.
        groupRecords = max(groupRecords, 16_000_000)
    }

    /// Commits what is pending and refreshes the planner's statistics. Call at the end of an
    /// ingest (``FlowStore`` also does on deinit).
    ///
    /// The statistics tell SQLite that `contexts` holds few rows, so that a time range alone is
    /// served by skip-scanning the `(context, start)` index. A sample of each index is enough.
    public func finishIngest() throws(StoreError) {
        if current != nil { rollbackSource() }
        try endBulkLoad()
        try flush()
        if indexesDeferred {
            try buildIndexes()
            indexesDeferred = false
        }
        if wroteRows {
            wroteRows = false
            try Self.refreshStatistics(db)
        }
    }

    /// Refreshes the planner's statistics from a sample of each index (see ``finishIngest()``).
    static func refreshStatistics(_ db: SQLiteConnection) throws(StoreError) {
        try db.execute("PRAGMA analysis_limit = 1000; ANALYZE")
        try correctLeadingColumnStatistics(db)
    }

    /// Replaces the sampled rows-per-value of the address and context indexes with what the
    /// lookup tables say.
    ///
    /// A sample of 1000 index entries guesses about 500 rows per address in a 10 M row store that
    /// has 36; the planner then sorts all rows for a GROUP BY on an address instead of walking
    /// `addresses` in order (ten times slower). Dividing the rows by the addresses (or contexts)
    /// stored is exact enough and costs two lookups, where a full ANALYZE reads every index.
    private static func correctLeadingColumnStatistics(_ db: SQLiteConnection) throws(StoreError) {
        let addresses = max(1, try db.scalar("SELECT max(id) FROM addresses") ?? 1)
        let contexts = max(1, try db.scalar("SELECT count(*) FROM contexts") ?? 1)
        let read = try db.prepare("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'flow_rows'")
        var corrected: [(String, String)] = []
        while try read.step() {
            let index = read.text(0)
            let divisor: Int64
            switch index {
            case "flow_rows_by_src", "flow_rows_by_dst": divisor = addresses
            case "flow_rows_by_context": divisor = contexts
            default: continue
            }
            var fields = read.text(1).split(separator: " ").map(String.init)
            guard fields.count >= 2, let rows = Int64(fields[0]) else { continue }
            fields[1] = String(max(1, rows / divisor))
            corrected.append((index, fields.joined(separator: " ")))
        }
        let write = try db.prepare("UPDATE sqlite_stat1 SET stat = ? WHERE tbl = 'flow_rows' AND idx = ?")
        for (index, stat) in corrected {
            write.reset()
            write.bind(1, stat)
            write.bind(2, index)
            try write.step()
        }
    }

    /// Commits the sources finished so far (the open one, if any, stays open).
    public func flush() throws(StoreError) {
        // A bulk load commits everything at its end.
        guard inTransaction, current == nil, bulk == nil else { return }
        do {
            try writer?.flushRollups()
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            inTransaction = false
            recordsInTransaction = 0
            writer = nil
            throw error
        }
        inTransaction = false
        recordsInTransaction = 0
    }

    // MARK: sources

    /// The name under which content with this hash was ingested, or nil when it is new.
    public func knownSource(hash: String) throws(StoreError) -> String? {
        if let bulk { return bulk.knownSource(hash: hash) }
        let statement = try db.prepare("SELECT name FROM sources WHERE hash = ?")
        statement.bind(1, hash)
        return try statement.step() ? statement.text(0) : nil
    }

    /// Starts the transaction of one source.
    public func beginSource(name: String, hash: String, size: Int) throws(StoreError) {
        precondition(current == nil, "beginSource while another source is open")
        if bulk != nil, let failure = bulkFailure { throw failure }
        if let bulk, bulk.rows.count >= FlowBulkLoad.maximumRows / 2 {
            // Past half of what a bulk load keeps in memory: it ends here (a source may be
            // large), and the rest goes in through SQLite.
            try endBulkLoad()
        }
        if let bulk {
            bulk.beginSource()
            current = PendingSource(name: name, hash: hash, size: size, firstRow: bulk.nextRow)
            sourceID = bulk.nextSourceID
            return
        }
        if !inTransaction {
            try beginWrite()
            inTransaction = true
        }
        do { try db.execute("SAVEPOINT source") } catch {
            try? flush()
            throw error
        }
        current = PendingSource(name: name, hash: hash, size: size)
        do {
            if writer == nil { writer = try FlowRowWriter(connection: db) }
        } catch {
            rollbackSource()
            throw error
        }
        current!.firstRow = writer!.nextRow
        do { sourceID = (try db.scalar("SELECT coalesce(max(id), 0) + 1 FROM sources")) ?? 1 } catch {
            rollbackSource()
            throw error
        }
    }

    private var sourceID: Int64 = 0

    /// Replaces the hash of the open source (for standard input, known only at its end).
    public func setOpenSourceHash(_ hash: String, size: Int) throws(StoreError) {
        guard current != nil else { preconditionFailure("no open source") }
        current!.hash = hash
        current!.size = size
    }

    /// True between ``beginSource(name:hash:size:)`` and the commit or rollback.
    public var hasOpenSource: Bool { current != nil }

    /// Writes a batch into the open source.
    public func insert(_ batch: FlowBatch) throws(StoreError) {
        guard current != nil else { preconditionFailure("insert without beginSource") }
        let first: Int64?
        let last: Int64?
        if let bulk {
            do { (first, last) = try bulk.insert(batch) } catch {
                bulkFailure = bulkFailure ?? error
                throw error
            }
        } else {
            guard let writer else { preconditionFailure("insert without beginSource") }
            (first, last) = try writer.insert(batch)
        }
        wroteRows = true
        current!.records += batch.records.count
        if let first { current!.firstStart = min(current!.firstStart ?? first, first) }
        if let last { current!.lastEnd = max(current!.lastEnd ?? last, last) }
    }

    /// Commits the open source: its rows, its rollups and its `sources` entry, together.
    @discardableResult
    public func commitSource() throws(StoreError) -> SourceReceipt {
        guard let pending = current else { preconditionFailure("commitSource without beginSource") }
        if let bulk {
            bulk.commitSource(pending, id: sourceID)
            current = nil
            return SourceReceipt(name: pending.name, records: pending.records)
        }
        guard let writer else { preconditionFailure("commitSource without beginSource") }
        do {
            try Self.insertSource(pending, id: sourceID, lastRow: writer.nextRow - 1, into: db)
            try db.execute("RELEASE source")
        } catch {
            rollbackSource()
            throw error
        }
        current = nil
        recordsInTransaction += pending.records + 1
        if recordsInTransaction >= groupRecords { try flush() }
        return SourceReceipt(name: pending.name, records: pending.records)
    }

    /// Adds a committed source's row to `sources`.
    static func insertSource(_ source: PendingSource, id: Int64, lastRow: Int64, into db: SQLiteConnection) throws(StoreError) {
        let statement = try db.prepare(
            """
            INSERT INTO sources (id, name, hash, size, records, first_start, last_end, ingested_at, first_row, last_row)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        statement.bind(1, id)
        statement.bind(2, source.name)
        statement.bind(3, source.hash)
        statement.bind(4, Int64(source.size))
        statement.bind(5, Int64(source.records))
        if let first = source.firstStart { statement.bind(6, first) } else { statement.bindNull(6) }
        if let last = source.lastEnd { statement.bind(7, last) } else { statement.bindNull(7) }
        statement.bind(8, Int64(time(nil)))
        statement.bind(9, source.firstRow)
        statement.bind(10, lastRow)
        try statement.step()
    }

    /// Drops everything written for the open source.
    public func rollbackSource() {
        guard let pending = current else { return }
        current = nil
        if let bulk {
            do throws(StoreError) { try bulk.rollbackSource() } catch { bulkFailure = bulkFailure ?? error }
            return
        }
        // Its rows leave the group's rollups first (read back while they are still there); the
        // writer's lookup maps may hold ids that the rollback removes, so it starts afresh with
        // the rollups of the sources committed earlier in this transaction.
        var rollups: RollupAccumulator?
        if let writer, (try? writer.subtractRows(from: pending.firstRow)) != nil { rollups = writer.rollups }
        let lost = writer?.rollups
        writer = nil
        if let rollups, (try? db.execute("ROLLBACK TO source; RELEASE source")) != nil {
            if let rebuilt = try? FlowRowWriter(connection: db, rollups: rollups) {
                writer = rebuilt
                return
            }
        }
        // SQLite may already have rolled the whole transaction back (disk full, I/O error), or
        // the group's rollups are lost: either way the whole group goes, rows and rollups together.
        _ = lost?.take()
        try? db.execute("ROLLBACK")
        inTransaction = false
        recordsInTransaction = 0
    }

    // MARK: alerts

    /// Records alerts; one already stored (same dedup key and first-seen time) is skipped.
    /// - Returns: The number of alerts added.
    @discardableResult
    public func insertAlerts(_ alerts: [StoredAlert]) throws(StoreError) -> Int {
        guard !alerts.isEmpty else { return 0 }
        try endBulkLoad()
        try flush()
        try beginWrite()
        var added = 0
        do {
            let statement = try db.prepare(
                """
                INSERT OR IGNORE INTO alerts (rule, title, severity, first_seen, last_seen, src, dst, dst_port,
                    count, bytes, packets, dedup_key, json, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let now = Int64(time(nil))
            for alert in alerts {
                statement.reset()
                statement.bind(1, alert.rule)
                statement.bind(2, alert.title)
                statement.bind(3, alert.severity)
                statement.bind(4, alert.firstSeen)
                statement.bind(5, alert.lastSeen)
                statement.bind(6, alert.src)
                statement.bind(7, alert.dst)
                if let port = alert.dstPort { statement.bind(8, Int64(port)) } else { statement.bindNull(8) }
                statement.bind(9, Int64(alert.count))
                statement.bind(10, Int64(bitPattern: alert.bytes))
                statement.bind(11, Int64(bitPattern: alert.packets))
                statement.bind(12, alert.dedupKey)
                statement.bind(13, alert.json)
                statement.bind(14, now)
                try statement.step()
                added += db.changes
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        return added
    }

    // MARK: pruning

    /// What a prune removed.
    public struct PruneResult: Sendable, Equatable {
        public var cutoff: Int64
        public var flows: Int
        public var rollupRows: Int
        public var alerts: Int
    }

    /// Deletes flows that started before `cutoff` (rounded down to the hour so that the rollups
    /// stay equal to the rows), their hourly rollups, and alerts last seen before it. Sources stay
    /// recorded, so re-ingesting an old file still adds nothing.
    public func prune(before cutoff: Int64, vacuum: Bool = false) throws(StoreError) -> PruneResult {
        let hour = cutoff >= 0 ? cutoff / 3600 * 3600 : 0
        try endBulkLoad()
        try flush()
        try beginWrite()
        var result = PruneResult(cutoff: hour, flows: 0, rollupRows: 0, alerts: 0)
        do {
            try db.execute("DELETE FROM flow_rows WHERE coalesce(start, 0) < \(hour)")
            result.flows = db.changes
            try db.execute(StoreSchema.totalsFromHourly(where: "hour < \(hour)", sign: -1))
            try db.execute("DELETE FROM flows_totals WHERE flows = 0")
            try db.execute("DELETE FROM flows_hourly WHERE hour < \(hour)")
            result.rollupRows = db.changes
            try db.execute("DELETE FROM alerts WHERE last_seen < \(hour)")
            result.alerts = db.changes
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        // The newest rows may be gone: the next writer works out its rowids afresh.
        writer = nil
        if vacuum { try db.execute("VACUUM") }
        return result
    }

    // MARK: counts

    /// Rows in `flows`.
    public func flowCount() throws(StoreError) -> Int { Int(try db.scalar("SELECT count(*) FROM flow_rows") ?? 0) }

    /// Rows in `sources`.
    public func sourceCount() throws(StoreError) -> Int { Int(try db.scalar("SELECT count(*) FROM sources") ?? 0) }
}

/// An alert as the `alerts` table holds it (FlowStore does not depend on the detection module).
public struct StoredAlert: Sendable, Equatable {
    public var rule: String
    public var title: String
    public var severity: String
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var src: String?
    public var dst: String?
    public var dstPort: UInt16?
    public var count: Int
    public var bytes: UInt64
    public var packets: UInt64
    public var dedupKey: String
    /// The alert's full JSON line (DESIGN.md's alert contract).
    public var json: String

    public init(
        rule: String, title: String, severity: String, firstSeen: Int64, lastSeen: Int64, src: String?,
        dst: String?, dstPort: UInt16?, count: Int, bytes: UInt64, packets: UInt64, dedupKey: String, json: String
    ) {
        self.rule = rule
        self.title = title
        self.severity = severity
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.src = src
        self.dst = dst
        self.dstPort = dstPort
        self.count = count
        self.bytes = bytes
        self.packets = packets
        self.dedupKey = dedupKey
        self.json = json
    }
}
