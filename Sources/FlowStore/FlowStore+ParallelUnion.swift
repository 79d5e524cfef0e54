import CSQLite

extension FlowStore {
    /// Runs a statement whose FROM clause holds UNION ALL subqueries with their arms on parallel
    /// connections (``UnionArmRunner``), then the statement itself on the main connection with
    /// each subquery replaced by a temporary table of its arms' rows, first arm's first.
    ///
    /// SQLite runs a statement on one thread; the arms of the Athena tutorial's second query each
    /// take most of its time, and run side by side on two processors.
    ///
    /// The answer is the one SQLite gives serially:
    /// - Every arm reads the same state: the main connection holds a read transaction from before
    ///   the arms start until the statement ends, which in a rollback journal keeps any writer
    ///   from committing (a store in WAL mode runs serially), and the store's path must still name
    ///   the file the main connection opened.
    /// - Each table is made by SQLite from the subquery (`CREATE TABLE … AS SELECT * FROM (…) LIMIT
    ///   0`), so its columns have the subquery's names and affinities; a statement runs serially
    ///   when an arm's own affinities differ (SQLite may apply an arm's), when the schema or an arm
    ///   declares a collation, or when a value would not keep its type in its column.
    /// - Anything the run cannot do (a connection, an arm that fails, rows past the memory budget,
    ///   other column names) leaves the statement to the serial path, which reports errors as
    ///   ever; so do arms that return rows faster than copying them pays for.
    ///
    /// - Returns: false when the statement is to run serially; nothing was delivered to `sink`.
    /// - Throws: ``StoreError`` while the statement delivers its rows, as the serial path would.
    func runWithParallelUnionArms(
        _ statement: SQLiteStatement, sql: [UInt8], statementRange: Range<Int>, subqueries: [UnionAllSubquery],
        parameters: [String: String], columns: [String], to sink: any QueryResultSink
    ) throws(StoreError) -> Bool {
        guard readOnly, runsUnionArmsInParallel, sqlite3_get_autocommit(db.handle) != 0,
            sqlite3_stmt_isexplain(statement.handle) == 0, openedFile != nil,
            (try? db.execute("BEGIN")) != nil
        else { return false }
        defer { if (try? db.execute("COMMIT")) == nil { try? db.execute("ROLLBACK") } }
        var tables: [String] = []
        defer {
            if !tables.isEmpty {
                try? withTemporaryWrites { () throws(StoreError) in
                    for table in tables { try? db.execute("DROP TABLE IF EXISTS temp.\(StoreSchema.quoted(table))") }
                }
            }
        }
        let run: (statement: SQLiteStatement, rewrite: StatementRewrite, arms: Int)
        do {
            guard let prepared = try prepareParallelRun(sql, statementRange, subqueries, parameters, columns, &tables)
            else { return false }
            run = prepared
        } catch {
            return false
        }
        // Reset before the tables go: SQLite drops no table that a statement is still reading.
        defer { run.statement.reset() }
        do {
            try deliver(run.statement, columns: columns, to: sink)
        } catch {
            var error = error
            error.offset = error.offset.map(run.rewrite.originalOffset)
            throw error
        }
        unionArmsRunInParallel += run.arms
        return true
    }

    /// Everything up to the rewritten statement, ready to step; nil when the statement is to run
    /// serially. `tables` receives each temporary table before it is made, for the caller to drop
    /// (the arms' probes among them).
    private func prepareParallelRun(
        _ sql: [UInt8], _ statementRange: Range<Int>, _ subqueries: [UnionAllSubquery], _ parameters: [String: String],
        _ columns: [String], _ tables: inout [String]
    ) throws(StoreError) -> (statement: SQLiteStatement, rewrite: StatementRewrite, arms: Int)? {
        // The read transaction begins with the first read.
        _ = try db.scalar("SELECT count(*) FROM sqlite_schema")
        let mode = try db.prepare("PRAGMA journal_mode")
        guard try mode.step(), mode.text(0).lowercased() != "wal" else { return nil }
        let collations = try db.scalar(
            """
            SELECT (SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%collate%')
                + (SELECT count(*) FROM sqlite_temp_schema WHERE sql LIKE '%collate%')
            """)
        guard collations == 0 else { return nil }
        func text(_ range: Range<Int>) -> String { String(decoding: sql[range], as: UTF8.self) }
        var arms: [UnionArmRunner.Arm] = []
        var armsOfTable: [Int] = []
        var subqueryTables: [String] = []
        let madeAll = try withTemporaryWrites { () throws(StoreError) -> Bool in
            for subquery in subqueries {
                let table = nextUnionTableName()
                tables.append(table)
                let affinities = try makeTable(table, from: text(subquery.range))
                subqueryTables.append(table)
                for arm in subquery.arms {
                    let probe = nextUnionTableName()
                    tables.append(probe)
                    guard try makeTable(probe, from: "(" + text(arm) + ")") == affinities else { return false }
                    arms.append(UnionArmRunner.Arm(sql: text(arm), affinities: affinities))
                }
                armsOfTable.append(subquery.arms.count)
            }
            return true
        }
        guard madeAll else { return nil }
        var runner = UnionArmRunner(
            path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, temporaryViews: temporaryViews,
            parameters: parameters)
        runner.maximumRowsPerSecond = unionArmMaximumRowsPerSecond
        guard var rows = runner.run(arms) else { return nil }
        // Checked after every worker opened the path: a file renamed over the store before that
        // (a bulk load's) is not the one the main connection reads.
        guard FileIdentity(path: path) == openedFile else { return nil }
        try withTemporaryWrites { () throws(StoreError) in
            var arm = 0
            for (table, count) in zip(subqueryTables, armsOfTable) {
                let placeholders = Array(repeating: "?", count: rows[arm].columnCount).joined(separator: ", ")
                let insert = try db.prepare("INSERT INTO temp.\(StoreSchema.quoted(table)) VALUES (\(placeholders))")
                for _ in 0..<count {
                    try rows[arm].insert(with: insert)
                    rows[arm] = ArmRows(columnCount: 0)
                    arm += 1
                }
            }
        }
        let rewrite = StatementRewrite(
            sql, statementRange, replacing: zip(subqueries, subqueryTables).map { ($0.range, "temp.\(StoreSchema.quoted($1))") })
        let rewritten = try db.prepare(rewrite.text)
        guard (0..<rewritten.columnCount).map({ rewritten.columnName($0) }) == columns else { return nil }
        try Self.bind(parameters, to: rewritten)
        return (rewritten, rewrite, arms.count)
    }

    /// A name for a new temporary table, unused on this connection.
    private func nextUnionTableName() -> String {
        unionTablesCreated += 1
        return ParallelUnionSearch.tablePrefix + String(unionTablesCreated)
    }

    /// Makes temporary table `table` with the columns of `subquery` (parenthesised SQL), named and
    /// typed by SQLite, and returns their affinities. Nothing of the subquery runs: its rows are
    /// limited to none.
    private func makeTable(_ table: String, from subquery: String) throws(StoreError) -> [ColumnAffinity] {
        try db.execute("CREATE TEMP TABLE \(StoreSchema.quoted(table)) AS SELECT * FROM \(subquery) LIMIT 0")
        let info = try db.prepare("PRAGMA temp.table_info(\(StoreSchema.quoted(table)))")
        var affinities: [ColumnAffinity] = []
        while try info.step() { affinities.append(ColumnAffinity(declaredType: info.text(2))) }
        return affinities
    }

    /// Runs `body` with the main connection allowed to write, which it needs for its temporary
    /// tables: a read-only store's connection refuses writes (`query_only`) otherwise.
    private func withTemporaryWrites<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try db.execute("PRAGMA query_only = 0")
        defer { try? db.execute("PRAGMA query_only = 1") }
        return try body()
    }
}
