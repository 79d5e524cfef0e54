import CSQLite
@testable import FlowStore
import Foundation
import Testing

/// A statement whose UNION ALL subquery's arms run on parallel connections answers exactly what
/// SQLite answers serially: the same columns, the same rows in the same order, the same errors.
@Suite struct ParallelUnionTests {
    /// What `sql` gives serially and then with parallel arms, on the same store.
    struct BothWays {
        var serial: CollectedRows
        var parallel: CollectedRows
        /// Arms whose rows came from parallel connections in the second run.
        var armsRun: Int
    }

    static func bothWays(_ store: FlowStore, _ sql: String, _ parameters: [String: String] = [:]) throws -> BothWays {
        store.runsUnionArmsInParallel = false
        let serial = try CollectedRows.run(store, sql, parameters)
        store.runsUnionArmsInParallel = true
        let before = store.unionArmsRunInParallel
        let parallel = try CollectedRows.run(store, sql, parameters)
        return BothWays(serial: serial, parallel: parallel, armsRun: store.unionArmsRunInParallel - before)
    }

    /// Rows enough that each arm returns many (the fixture's, times 36 per arm).
    static let manyRows = "flows a, (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) b, (SELECT 1 UNION ALL SELECT 2) c"

    static let parallelShapes: [(sql: String, parameters: [String: String], arms: Int)] = [
        (StoreFixture.athenaTopTenQuery, [:], 2),
        (
            """
            SELECT ip, count(*) AS n, sum(b) AS total FROM (
              SELECT srcaddr AS ip, bytes AS b FROM flows
              UNION ALL SELECT dstaddr, bytes FROM flows
              UNION ALL SELECT srcaddr, packets FROM flows WHERE action = 'REJECT')
            GROUP BY ip ORDER BY total DESC, ip
            """, [:], 3
        ),
        (
            """
            SELECT ip, sum(b) AS total FROM (
              SELECT srcaddr AS ip, bytes AS b FROM flows WHERE dstport = :port
              UNION ALL
              SELECT dstaddr, bytes FROM flows WHERE srcport = :port OR srcaddr = :ip)
            GROUP BY ip ORDER BY total DESC, ip
            """, ["port": "22", "ip": "10.0.0.3"], 2
        ),
        // `+` takes away the column's affinity, which the first arm's literal does not have either.
        (
            """
            SELECT label, count(*) AS n FROM (
              SELECT 'a UNION ALL b' AS label FROM flows -- UNION ALL SELECT 1
              UNION ALL /* UNION ALL SELECT 2 */
              SELECT +"srcaddr" FROM flows)
            GROUP BY label ORDER BY label
            """, [:], 2
        ),
        (
            """
            SELECT ip, max(m) AS m, count(*) AS n FROM (
              SELECT srcaddr AS ip, (SELECT max(bytes) FROM flows WHERE (dstport = 22 OR (dstport = 443))) AS m
              FROM flows WHERE bytes IN (SELECT bytes FROM flows WHERE bytes > (10 * (2 + 3)))
              UNION ALL
              SELECT x, (1 + (2 * 3)) FROM (SELECT dstaddr AS x FROM flows UNION SELECT srcaddr FROM flows))
            GROUP BY ip ORDER BY ip
            """, [:], 2
        ),
        // Rows straight from the subquery, in the compound's order: the first arm's, then the second's.
        ("SELECT * FROM (SELECT srcaddr, dstport FROM \(manyRows) UNION ALL SELECT dstaddr, srcport FROM \(manyRows))", [:], 2),
        (
            """
            SELECT * FROM (SELECT ip, sum(b) AS s FROM (
              SELECT srcaddr AS ip, bytes AS b FROM flows UNION ALL SELECT dstaddr, bytes FROM flows) GROUP BY ip)
            ORDER BY s DESC, ip LIMIT 3
            """, [:], 2
        ),
        (
            """
            SELECT a.n, b.n FROM
              (SELECT count(*) AS n FROM (SELECT srcaddr FROM flows UNION ALL SELECT dstaddr FROM flows)) a,
              (SELECT count(*) AS n FROM (SELECT srcport FROM flows UNION ALL SELECT dstport FROM flows)) b
            """, [:], 4
        ),
        // The subquery's column has INTEGER affinity (from `srcport`): '22' is compared as 22.
        (
            """
            SELECT p = '22' AS ssh, typeof(p) AS type, count(*) AS n
            FROM (SELECT srcport AS p FROM flows UNION ALL SELECT dstport FROM flows) GROUP BY 1, 2 ORDER BY 1, 2
            """, [:], 2
        ),
        // Every storage class, empty text and blob included, keeps its type and value (`+` takes
        // away the column's affinity, which the literals of the other arms do not have).
        (
            """
            SELECT v, typeof(v) AS type, length(v) AS length FROM (
              SELECT x'00ff' AS v UNION ALL SELECT '' UNION ALL SELECT x'' UNION ALL SELECT 1.5 UNION ALL SELECT NULL
              UNION ALL SELECT -9223372036854775808 UNION ALL SELECT 'café, "quoted"' UNION ALL SELECT +bytes FROM flows)
            """, [:], 8
        ),
        ("SELECT count(*) AS n FROM (SELECT srcaddr FROM flows WHERE 0 UNION ALL SELECT dstaddr FROM flows)", [:], 2),
        ("SELECT 1 AS one; \(StoreFixture.athenaTopTenQuery); SELECT 2 AS two", [:], 2),
    ]

    @Test(arguments: 0..<parallelShapes.count)
    func armsRunInParallelAndAnswerAsSQLiteDoes(_ shape: Int) throws {
        let (sql, parameters, arms) = Self.parallelShapes[shape]
        let (store, _) = try StoreFixture.store()
        let both = try Self.bothWays(store, sql, parameters)
        #expect(both.armsRun == arms, "\(sql)")
        #expect(both.parallel.columns == both.serial.columns)
        #expect(both.parallel.rows == both.serial.rows, "\(sql)")
        #expect(!both.serial.rows.isEmpty)
    }

    static let serialShapes: [String] = [
        "SELECT ip FROM (SELECT srcaddr AS ip FROM flows UNION SELECT dstaddr FROM flows) ORDER BY ip",
        "SELECT * FROM (SELECT srcaddr FROM flows UNION ALL SELECT dstaddr FROM flows ORDER BY 1)",
        "SELECT * FROM (SELECT srcaddr FROM flows UNION ALL SELECT dstaddr FROM flows LIMIT 3)",
        "WITH f AS (SELECT * FROM flows) SELECT count(*) FROM (SELECT srcaddr FROM f UNION ALL SELECT dstaddr FROM f)",
        "SELECT * FROM (SELECT srcaddr FROM flows INTERSECT SELECT dstaddr FROM flows) ORDER BY 1",
        "SELECT * FROM (SELECT srcaddr FROM flows UNION ALL SELECT dstaddr FROM flows EXCEPT SELECT '10.0.0.1') ORDER BY 1",
        "SELECT count(*) FROM (SELECT srcaddr FROM flows)",
        "EXPLAIN QUERY PLAN \(StoreFixture.athenaTopTenQuery)",
        "SELECT * FROM (SELECT srcaddr AS ip FROM flows UNION ALL SELECT dstaddr FROM flows) WHERE ip = '10.0.0.1'",
        "SELECT * FROM (SELECT srcaddr AS ip FROM flows UNION ALL SELECT dstaddr FROM flows) LIMIT 2",
        "SELECT rowid, ip FROM (SELECT srcaddr AS ip FROM flows UNION ALL SELECT dstaddr FROM flows)",
        "SELECT count(*) FROM flows WHERE srcaddr IN (SELECT srcaddr FROM flows UNION ALL SELECT dstaddr FROM flows)",
        // The arms' affinities differ (INTEGER, TEXT): SQLite may compare with either.
        "SELECT p, typeof(p) FROM (SELECT srcport AS p FROM flows UNION ALL SELECT srcaddr FROM flows) ORDER BY 1, 2",
        // A real with an integer value would come back from a NUMERIC column as an integer.
        "SELECT n, typeof(n) FROM (SELECT CAST(bytes * 1.0 AS NUMERIC) AS n FROM flows UNION ALL SELECT CAST(packets AS NUMERIC) FROM flows)",
        // The column would carry the arm's collation.
        "SELECT ip, count(*) FROM (SELECT srcaddr COLLATE NOCASE AS ip FROM flows UNION ALL SELECT dstaddr FROM flows) GROUP BY ip",
        // The run's inserts would show in a later statement's changes().
        "SELECT count(*) FROM (SELECT srcaddr FROM flows UNION ALL SELECT dstaddr FROM flows); SELECT changes(), total_changes()",
        "SELECT count(*), (SELECT count(*) FROM sqlite_temp_schema) FROM (SELECT srcaddr FROM flows UNION ALL SELECT dstaddr FROM flows)",
    ]

    @Test(arguments: serialShapes)
    func shapesThatStaySerialAnswerAsBefore(_ sql: String) throws {
        let (store, _) = try StoreFixture.store()
        let both = try Self.bothWays(store, sql)
        #expect(both.armsRun == 0)
        #expect(both.parallel.columns == both.serial.columns)
        #expect(both.parallel.rows == both.serial.rows)
        #expect(!both.serial.rows.isEmpty)
    }

    /// An arm that returns rows faster than copying them pays for leaves its statement to SQLite,
    /// which hands them on for next to nothing.
    @Test func armsThatReturnRowsFasterThanCopyingPaysForRunSerially() throws {
        let (store, _) = try StoreFixture.store()
        let sql = "SELECT count(*) AS n FROM (SELECT a.srcaddr FROM flows a, flows b, flows c, flows d UNION ALL SELECT dstaddr FROM flows)"
        store.unionArmMaximumRowsPerSecond = 1
        let slow = try Self.bothWays(store, sql)
        #expect(slow.armsRun == 0)
        #expect(slow.parallel.rows == slow.serial.rows)
        #expect(slow.serial.rows == [[.integer(6 * 6 * 6 * 6 + 6)]])
        store.unionArmMaximumRowsPerSecond = UnionArmRunner.defaultMaximumRowsPerSecond
        let fast = try Self.bothWays(store, sql)
        #expect(fast.armsRun == 2)
        #expect(fast.parallel.rows == fast.serial.rows)
    }

    /// The error of `sql` and the rows delivered before it, with parallel arms or not.
    static func failure(_ store: FlowStore, _ sql: String, parallel: Bool) -> (error: StoreError?, rows: [[QueryValue]]) {
        store.runsUnionArmsInParallel = parallel
        let rows = CollectedRows()
        do {
            try store.query(sql, to: rows)
            return (nil, rows.rows)
        } catch {
            return (error, rows.rows)
        }
    }

    /// Failures of arms: an error SQLite finds when preparing the statement (before anything
    /// runs in parallel), one while running (the run falls back to the serial path, which
    /// delivers the rows before it as ever), a missing parameter.
    static let failingShapes: [(sql: String, message: String, pointing: String?)] = [
        (
            "SELECT 1;\nSELECT ip FROM (SELECT srcaddr AS ip FROM flows UNION ALL\n  SELECT nope FROM flows) GROUP BY ip",
            "no such column: nope", "  line 3, column 10:\n    SELECT nope FROM flows) GROUP BY ip\n           ^"
        ),
        (
            "SELECT v FROM (SELECT bytes AS v FROM flows UNION ALL SELECT abs(-9223372036854775807 - 1) FROM flows)",
            "integer overflow", nil
        ),
        (
            "SELECT count(*) FROM (SELECT srcaddr FROM flows WHERE dstport = :port UNION ALL SELECT dstaddr FROM flows)",
            "missing parameter 'port': give --param port=VALUE", nil
        ),
    ]

    @Test(arguments: 0..<failingShapes.count)
    func anArmThatFailsFailsAsSerially(_ shape: Int) throws {
        let (sql, message, pointing) = Self.failingShapes[shape]
        let (store, _) = try StoreFixture.store()
        let serial = Self.failure(store, sql, parallel: false)
        let parallel = Self.failure(store, sql, parallel: true)
        #expect(serial.error?.message == message)
        #expect(parallel.error == serial.error)
        #expect(parallel.error?.pointing(into: sql) == pointing)
        #expect(parallel.rows == serial.rows)
        #expect(store.unionArmsRunInParallel == 0)
    }

    @Test func csvOutputIsTheSame() throws {
        let (store, _) = try StoreFixture.store()
        var serial = ""
        store.runsUnionArmsInParallel = false
        try store.query(StoreFixture.athenaTopTenQuery, to: QueryOutput(format: .csv) { serial += $0 })
        var parallel = ""
        store.runsUnionArmsInParallel = true
        try store.query(StoreFixture.athenaTopTenQuery, to: QueryOutput(format: .csv) { parallel += $0 })
        #expect(parallel == serial)
        #expect(parallel.hasPrefix("ip,total_bytes\r\n10.0.0.3,50120\r\n"))
        #expect(store.unionArmsRunInParallel == 2)
    }

    @Test func theTemporaryTablesAreDroppedAndTheConnectionStaysReadOnly() throws {
        let (store, _) = try StoreFixture.store()
        _ = try CollectedRows.run(store, StoreFixture.athenaTopTenQuery)
        #expect(store.unionArmsRunInParallel == 2)
        #expect(try CollectedRows.run(store, "SELECT count(*) FROM sqlite_temp_schema").rows == [[.integer(0)]])
        #expect(try CollectedRows.run(store, "PRAGMA query_only").rows == [[.integer(1)]])
    }

    /// In WAL mode a read transaction keeps no other connection from seeing a later commit, so
    /// the arms could read different states: the statement runs serially.
    @Test func aStoreInWALModeRunsSerially() throws {
        let (_, dir) = try StoreFixture.store()
        var handle: OpaquePointer?
        sqlite3_open(dir + "/flows.db", &handle)
        sqlite3_exec(handle, "PRAGMA journal_mode = WAL", nil, nil, nil)
        sqlite3_close(handle)
        let store = try FlowStore(path: dir + "/flows.db", readOnly: true)
        let both = try Self.bothWays(store, StoreFixture.athenaTopTenQuery)
        #expect(both.armsRun == 0)
        #expect(both.parallel.rows == both.serial.rows)
        #expect(both.serial.rows.count == 7)
    }

    @Test func aStoreOfAnOlderSchemaGivesItsArmsItsTotalsView() throws {
        let (_, dir) = try StoreFixture.store()
        let db = dir + "/flows.db"
        var handle: OpaquePointer?
        sqlite3_open(db, &handle)
        sqlite3_exec(handle, "DROP TABLE flows_totals; PRAGMA user_version = 3", nil, nil, nil)
        sqlite3_close(handle)
        let store = try FlowStore(path: db, readOnly: true)
        let sql = """
            SELECT key, sum(bytes) AS bytes FROM (
              SELECT key, bytes FROM flows_totals WHERE dimension = 'srcaddr'
              UNION ALL SELECT key, bytes FROM flows_totals WHERE dimension = 'dstaddr')
            GROUP BY key ORDER BY bytes DESC, key
            """
        let both = try Self.bothWays(store, sql)
        #expect(both.armsRun == 2)
        #expect(both.parallel.rows == both.serial.rows)
        #expect(both.serial.rows.first == [.text("10.0.0.3"), .integer(50120)])
    }
}
