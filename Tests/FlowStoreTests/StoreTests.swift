import CSQLite
import FlowCore
import FlowLensKit
import FlowStore
import Foundation
import Testing

@Suite struct StoreIngestTests {
    @Test func ingestingTheSameFileTwiceAddsNothing() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(StoreFixture.log, to: dir + "/a.log")
        let db = dir + "/flows.db"
        let first = try StoreFixture.ingest([dir + "/a.log"], into: db)
        #expect(first.receipts == [.ingested(name: dir + "/a.log", records: 6)])
        // Same content under another name is recognised by its hash too.
        StoreFixture.write(StoreFixture.log, to: dir + "/copy.log")
        let second = try StoreFixture.ingest([dir + "/a.log", dir + "/copy.log"], into: db)
        #expect(second.recordsIngested == 0)
        #expect(second.receipts.count == 2)
        let store = try FlowStore(path: db, readOnly: true)
        #expect(try store.flowCount() == 6)
        #expect(try store.sourceCount() == 1)
    }

    @Test func absentFieldsAreNullAndTimesAreUnixSeconds() throws {
        let (store, _) = try StoreFixture.store()
        let rows = try CollectedRows.run(
            store, "SELECT srcaddr, dstport, bytes, start, \"end\", action, log_status FROM flows WHERE interface_id = 'eni-c'")
        #expect(rows.rows == [[.null, .null, .null, .integer(1_793_577_600), .integer(1_793_577_660), .null, .text("NODATA")]])
    }

    @Test func aSourceThatFailsMidFileLeavesNothing() throws {
        let dir = StoreFixture.folder()
        var big = StoreFixture.log
        for i in 0..<20_000 {
            big += "2 123456789012 eni-a 10.0.\(i / 250).\(i % 250) 10.0.0.2 50000 443 6 10 1000 1793577600 1793577660 ACCEPT OK\n"
        }
        StoreFixture.write(big, to: dir + "/big.log")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", dir + "/big.log"]
        try gzip.run()
        gzip.waitUntilExit()
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir + "/big.log.gz"))
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: dir + "/cut.log.gz"))
        StoreFixture.write(StoreFixture.log, to: dir + "/a.log")
        let db = dir + "/flows.db"
        let sink = try StoreFixture.ingest([dir + "/cut.log.gz", dir + "/a.log"], into: db)
        #expect(sink.error == nil)
        guard case .discarded = sink.receipts.first else {
            Issue.record("expected the truncated file to be discarded, got \(sink.receipts)")
            return
        }
        let store = try FlowStore(path: db, readOnly: true)
        #expect(try store.flowCount() == 6)
        #expect(try store.sourceCount() == 1)
        let rollup = try CollectedRows.run(store, "SELECT sum(flows) FROM flows_hourly WHERE dimension = 'srcaddr'")
        #expect(rollup.rows == [[.integer(6)]])
        try Self.expectTotalsMatchTheRows(store)
    }

    @Test func rollupsMatchTheRawRows() throws {
        let (store, _) = try StoreFixture.store()
        for (dimension, column) in [
            ("srcaddr", "srcaddr"), ("dstaddr", "dstaddr"), ("dstport", "dstport"), ("protocol", "protocol"),
            ("interface_id", "interface_id"), ("action", "action"),
        ] {
            let raw = try CollectedRows.run(
                store,
                """
                SELECT coalesce(CAST(\(column) AS TEXT), '-') AS k, (start / 3600) * 3600 AS h, count(*),
                       coalesce(sum(packets), 0), coalesce(sum(bytes), 0)
                FROM flows GROUP BY k, h ORDER BY k, h
                """)
            let rolled = try CollectedRows.run(
                store,
                "SELECT key, hour, flows, packets, bytes FROM flows_hourly WHERE dimension = '\(dimension)' ORDER BY key, hour"
            )
            #expect(raw.rows == rolled.rows, "\(dimension)")
        }
    }

    /// `flows_totals` against sums computed from `flows`, for every dimension.
    static func expectTotalsMatchTheRows(_ store: FlowStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (dimension, column) in [
            ("srcaddr", "srcaddr"), ("dstaddr", "dstaddr"), ("dstport", "dstport"), ("protocol", "protocol"),
            ("interface_id", "interface_id"), ("action", "action"), ("address", "address"),
        ] {
            // `address` counts a record for its source and for its destination.
            let rows =
                column == "address"
                ? "(SELECT srcaddr AS address, packets, bytes FROM flows UNION ALL SELECT dstaddr, packets, bytes FROM flows)"
                : "flows"
            let raw = try CollectedRows.run(
                store,
                """
                SELECT coalesce(CAST(\(column) AS TEXT), '-') AS k, count(*), coalesce(sum(packets), 0),
                       coalesce(sum(bytes), 0)
                FROM \(rows) GROUP BY k ORDER BY k
                """)
            let totals = try CollectedRows.run(
                store, "SELECT key, flows, packets, bytes FROM flows_totals WHERE dimension = '\(dimension)' ORDER BY key")
            #expect(raw.rows == totals.rows, "\(dimension)", sourceLocation: sourceLocation)
            #expect(!totals.rows.isEmpty, "\(dimension)", sourceLocation: sourceLocation)
        }
    }

    @Test func totalsMatchTheRawRows() throws {
        let (store, _) = try StoreFixture.store()
        try Self.expectTotalsMatchTheRows(store)
    }

    @Test func totalsAddUpOverIngests() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(StoreFixture.log, to: dir + "/a.log")
        StoreFixture.write(
            StoreFixture.log.replacingOccurrences(of: "10.0.0.1 ", with: "10.0.0.9 ")
                .replacingOccurrences(of: " 1000 ", with: " 1500 "), to: dir + "/b.log")
        let db = dir + "/flows.db"
        try StoreFixture.ingest([dir + "/a.log"], into: db)
        try StoreFixture.ingest([dir + "/b.log"], into: db)
        try Self.expectTotalsMatchTheRows(try FlowStore(path: db, readOnly: true))
    }

    @Test func pruneKeepsRowsAndRollupsEqual() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(StoreFixture.log, to: dir + "/a.log")
        let db = dir + "/flows.db"
        try StoreFixture.ingest([dir + "/a.log"], into: db)
        let store = try FlowStore(path: db)
        let result = try store.prune(before: 1_793_581_200 + 100)
        #expect(result.flows == 4)
        #expect(try store.flowCount() == 2)
        let rolled = try CollectedRows.run(store, "SELECT sum(flows) FROM flows_hourly WHERE dimension = 'dstport'")
        #expect(rolled.rows == [[.integer(2)]])
        try Self.expectTotalsMatchTheRows(store)
        // Keys whose every flow was pruned are gone, not left at zero.
        #expect(try CollectedRows.run(store, "SELECT count(*) FROM flows_totals WHERE flows = 0").rows == [[.integer(0)]])
        // Pruned files stay known: ingesting again adds nothing.
        let again = try StoreFixture.ingest([dir + "/a.log"], into: db)
        #expect(again.recordsIngested == 0)
    }

    @Test func rowsIngestedAfterAPruneOfEveryRowBelongToTheirOwnSource() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(StoreFixture.log, to: dir + "/a.log")
        StoreFixture.write(StoreFixture.log.replacingOccurrences(of: "ACCEPT", with: "REJECT"), to: dir + "/b.log")
        let db = dir + "/flows.db"
        try StoreFixture.ingest([dir + "/a.log"], into: db)
        let store = try FlowStore(path: db)
        #expect(try store.prune(before: 4_000_000_000).flows == 6)
        // SQLite alone would number the next rows from 1 again, inside a.log's range.
        try StoreFixture.ingest([dir + "/b.log"], into: db)
        let rows = try CollectedRows.run(
            store, "SELECT s.name, count(*) FROM flows f JOIN sources s ON s.id = f.source_id GROUP BY s.name")
        #expect(rows.rows == [[.text(dir + "/b.log"), .integer(6)]])
        let reused = try CollectedRows.run(store, "SELECT count(*) FROM flow_rows WHERE rowid <= 6")
        #expect(reused.rows == [[.integer(0)]])
    }
}

@Suite struct StoreQueryTests {
    @Test func athenaTutorialSSHAndRDPQueryRunsUnchanged() throws {
        let (store, _) = try StoreFixture.store()
        let rows = try CollectedRows.run(
            store,
            """
            SELECT * FROM vpc_flow_logs WHERE sourceport in (22,3389) OR destinationport IN (22, 3389)
            ORDER BY starttime ASC
            """)
        #expect(
            rows.columns == [
                "version", "account", "interfaceid", "sourceaddress", "destinationaddress", "sourceport",
                "destinationport", "protocol", "numpackets", "numbytes", "starttime", "endtime", "action", "logstatus",
            ])
        #expect(rows.column("sourceaddress") == [.text("203.0.113.5"), .text("10.0.0.1"), .text("10.0.0.2")])
        #expect(rows.column("numbytes") == [.integer(120), .integer(1000), .integer(2000)])
    }

    @Test func athenaTutorialTopTenQueryRunsUnchanged() throws {
        let (store, _) = try StoreFixture.store()
        let rows = try CollectedRows.run(store, StoreFixture.athenaTopTenQuery)
        #expect(rows.columns == ["ip", "total_bytes"])
        // By hand: each address's bytes as destination plus as source.
        #expect(Array(rows.rows.prefix(3)) == [
            [.text("10.0.0.3"), .integer(50120)], [.text("198.51.100.7"), .integer(50000)],
            [.text("10.0.0.1"), .integer(6000)],
        ])
        var totals: [String: QueryValue] = [:]
        for row in rows.rows { totals[row[0].description] = row[1] }
        #expect(totals["10.0.0.2"] == .integer(3000))
        #expect(totals["10.0.0.4"] == .integer(3000))
        #expect(totals["203.0.113.5"] == .integer(120))
        #expect(rows.rows.count == 7)  // and the NODATA record's NULL address, last
        #expect(rows.rows.last == [.null, .null])
    }

    @Test(arguments: ["DELETE FROM flows", "INSERT INTO sources (name) VALUES ('x')", "DROP TABLE flows",
                      "SELECT 1; UPDATE flows SET bytes = 0"])
    func writeStatementsAreRefused(_ sql: String) throws {
        let (store, _) = try StoreFixture.store()
        #expect {
            try store.query(sql, to: CollectedRows())
        } throws: { error in
            (error as? StoreError)?.code == .writeRefused
        }
        #expect(try store.flowCount() == 6)
    }

    @Test func sqlErrorsGiveTheMessageAndPosition() throws {
        let (store, _) = try StoreFixture.store()
        let sql = "SELECT srcaddr,\n  nope FROM flows"
        do {
            try store.query(sql, to: CollectedRows())
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .sql)
            #expect(error.message == "no such column: nope")
            #expect(error.pointing(into: sql) == "  line 2, column 3:\n    nope FROM flows\n    ^")
        }
    }

    @Test func namedQueriesAllRun() throws {
        let (store, _) = try StoreFixture.store()
        #expect(NamedQuery.all.count == 16)
        #expect(Set(NamedQuery.all.map(\.name)).count == 16)
        for query in NamedQuery.all {
            _ = try CollectedRows.run(store, query.sql, ["ip": "10.0.0.1"])
        }
        let from = try CollectedRows.run(store, NamedQuery.named("traffic-from")!.sql, ["ip": "10.0.0.1"])
        #expect(from.column("dstaddr") == [.text("10.0.0.2"), .text("10.0.0.4")])
        let talkers = try CollectedRows.run(store, NamedQuery.named("top-talkers")!.sql)
        #expect(talkers.rows.first?.prefix(2) == [.text("10.0.0.3"), .integer(50000)])
        #expect {
            try store.query(NamedQuery.named("traffic-to")!.sql, to: CollectedRows())
        } throws: { error in
            (error as? StoreError)?.message == "missing parameter 'ip': give --param ip=VALUE"
        }
    }

    @Test func outputFormats() throws {
        let (store, _) = try StoreFixture.store()
        let sql = "SELECT srcaddr, bytes FROM flows WHERE dstport = 22 OR srcaddr IS NULL ORDER BY bytes"
        var text = ""
        try store.query(sql, to: QueryOutput(format: .table) { text += $0 })
        #expect(text == "srcaddr   bytes\n--------  -----\nNULL      NULL\n10.0.0.1  1000\n(2 rows)\n")
        text = ""
        try store.query(sql, to: QueryOutput(format: .csv) { text += $0 })
        #expect(text == "srcaddr,bytes\r\n,\r\n10.0.0.1,1000\r\n")
        text = ""
        try store.query(
            "SELECT 'a,b' AS x, 'say \"hi\"' AS y, NULL AS z, 1.5 AS w, -42 AS v, 2.0 AS u, 'line\nbreak' AS t",
            to: QueryOutput(format: .csv) { text += $0 })
        #expect(text == "x,y,z,w,v,u,t\r\n\"a,b\",\"say \"\"hi\"\"\",,1.5,-42,2.0,\"line\nbreak\"\r\n")
        text = ""
        try store.query(sql, to: QueryOutput(format: .json) { text += $0 })
        #expect(text == "[\n  {\"srcaddr\": null, \"bytes\": null},\n  {\"srcaddr\": \"10.0.0.1\", \"bytes\": 1000}\n]\n")
    }
}

@Suite struct StoreBadInputTests {
    @Test func aCorruptFileIsRefused() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(String(repeating: "not a database at all\n", count: 100), to: dir + "/bad.db")
        #expect {
            _ = try FlowStore(path: dir + "/bad.db")
        } throws: { error in
            let error = error as? StoreError
            return error?.code == .notAStore && error?.description.contains("not a SQLite database") == true
        }
        #expect {
            _ = try FlowStore(path: dir + "/bad.db", readOnly: true)
        } throws: { error in
            (error as? StoreError)?.code == .notAStore
        }
    }

    @Test func aMissingStoreIsNotCreatedByQuery() throws {
        let dir = StoreFixture.folder()
        #expect(throws: StoreError.self) { _ = try FlowStore(path: dir + "/none.db", readOnly: true) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.db"))
    }

    @Test func aLockedStoreGivesAClearError() throws {
        let dir = StoreFixture.folder()
        let db = dir + "/flows.db"
        let writer = try FlowStore(path: db)
        try writer.beginSource(name: "x", hash: "h", size: 0)
        let other = try FlowStore(path: db, busyTimeoutMilliseconds: 50)
        #expect {
            try other.beginSource(name: "y", hash: "h2", size: 0)
        } throws: { error in
            (error as? StoreError)?.code == .locked
        }
        writer.rollbackSource()
    }

    /// A bulk load of another process renames its copy over the store while holding the write
    /// lock; a writer that opened the file before that must not write into the replaced one.
    @Test func aWriterToAReplacedStoreIsToldToRunAgain() throws {
        let dir = StoreFixture.folder()
        let db = dir + "/flows.db"
        let waiting = try FlowStore(path: db)
        _ = try FlowStore(path: dir + "/copy.db")
        FileManager.default.createFile(atPath: db + ".flowlens-bulk", contents: Data("left by a load that died".utf8))
        #expect(rename(dir + "/copy.db", db) == 0)
        #expect {
            try waiting.beginSource(name: "x", hash: "h", size: 0)
        } throws: { error in
            (error as? StoreError)?.code == .locked
        }
        // The rows go to the file now at the path, and a copy a dead load left there is removed.
        let fresh = try FlowStore(path: db)
        try fresh.beginSource(name: "x", hash: "h", size: 0)
        #expect(!FileManager.default.fileExists(atPath: db + ".flowlens-bulk"))
        fresh.rollbackSource()
    }
}

@Suite struct StoreIndexTests {
    @Test func indexesExistAfterABulkLoadAndServeAddressQueries() throws {
        let (store, _) = try StoreFixture.store()
        let names = try CollectedRows.run(
            store, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'flow_rows' ORDER BY name")
        #expect(
            names.rows == [
                [.text("flow_rows_by_context")], [.text("flow_rows_by_dst")], [.text("flow_rows_by_src")],
                [.text("flow_rows_ssh_rdp")],
            ])
        let plan = try CollectedRows.run(
            store, "EXPLAIN QUERY PLAN SELECT * FROM flows WHERE srcaddr = '10.0.0.1' AND start >= 1793577600")
        // One address's entries, ordered by the other address first (see StoreSchema.flowIndexes).
        #expect(plan.column("detail").contains { $0.description.contains("flow_rows_by_src (src=?)") }, "\(plan.rows)")
        let interface = try CollectedRows.run(
            store, "EXPLAIN QUERY PLAN SELECT * FROM flows WHERE interface_id = 'eni-a' AND start >= 1793577600")
        #expect(interface.column("detail").contains { $0.description.contains("flow_rows_by_context (context=? AND start>?)") })
    }
}

@Suite struct StorePlanTests {
    /// The plan's lines for `sql`.
    static func plan(_ store: FlowStore, _ sql: String) throws -> [String] {
        try CollectedRows.run(store, "EXPLAIN QUERY PLAN " + sql).column("detail").map(\.description)
    }

    @Test func tutorialQueryTwoWalksTheAddressIndexesWithoutSortingRows() throws {
        let (store, _) = try StoreFixture.store()
        let plan = try Self.plan(store, StoreFixture.athenaTopTenQuery)
        // Each side reads `addresses` in text order and each address's rows from a covering index;
        // the only sorts are of the (few) per-address sums.
        #expect(plan.contains("SCAN d USING COVERING INDEX sqlite_autoindex_addresses_1"), "\(plan)")
        #expect(plan.contains("SCAN s USING COVERING INDEX sqlite_autoindex_addresses_1"), "\(plan)")
        #expect(plan.contains { $0.hasPrefix("SEARCH r USING COVERING INDEX flow_rows_by_dst") }, "\(plan)")
        #expect(plan.contains { $0.hasPrefix("SEARCH r USING COVERING INDEX flow_rows_by_src") }, "\(plan)")
        #expect(!plan.contains { $0.contains("contexts") }, "\(plan)")
    }

    @Test func tutorialQueryOneReadsThePartialIndexInTimeOrder() throws {
        let (store, _) = try StoreFixture.store()
        let plan = try Self.plan(
            store,
            """
            SELECT * FROM vpc_flow_logs WHERE sourceport in (22,3389) OR destinationport IN (22, 3389)
            ORDER BY starttime ASC
            """)
        #expect(plan.first == "SCAN r USING INDEX flow_rows_ssh_rdp", "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }
}

@Suite struct StoreBulkIngestTests {
    static func names(_ store: FlowStore) throws -> [QueryValue] {
        try CollectedRows.run(
            store, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'flow_rows' ORDER BY name"
        ).column("name")
    }

    /// Runs SQL on the store file behind FlowStore's back (what a dead process or an older
    /// FlowLens leaves); returns the first column of the last row, if any.
    @discardableResult
    static func raw(_ db: String, _ sql: String) -> Int32? {
        var handle: OpaquePointer?
        sqlite3_open(db, &handle)
        defer { sqlite3_close(handle) }
        var result: Int32?
        for statementText in sql.split(separator: ";") {
            var statement: OpaquePointer?
            sqlite3_prepare_v2(handle, String(statementText), -1, &statement, nil)
            while sqlite3_step(statement) == SQLITE_ROW { result = sqlite3_column_int(statement, 0) }
            sqlite3_finalize(statement)
        }
        return result
    }

    static let indexNames: [QueryValue] = [
        .text("flow_rows_by_context"), .text("flow_rows_by_dst"), .text("flow_rows_by_src"), .text("flow_rows_ssh_rdp"),
    ]

    /// Into a store that holds rows (a store without any is written by ``BulkLoadTests``' path).
    @Test func aLargeIngestBuildsTheIndexesAtItsEnd() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(StoreFixture.log, to: dir + "/first.log")
        try StoreFixture.ingest([dir + "/first.log"], into: dir + "/flows.db")
        StoreFixture.write(StoreFixture.log.replacingOccurrences(of: "eni-a", with: "eni-z"), to: dir + "/a.log")
        let store = try FlowStore(path: dir + "/flows.db")
        try store.prepareBulkIngest(expectedRecords: 1_000_000)
        #expect(store.indexesDeferred)
        // The partial index (a few rows) is kept up to date as rows go in.
        #expect(try Self.names(store) == [.text("flow_rows_ssh_rdp")])
        let sink = StoreSink(store: store)
        let runner = ScanRunner(options: ScanOptions(sources: [dir + "/a.log"]))
        runner.sinks.append(sink)
        _ = try runner.run()
        #expect(sink.recordsIngested == 6)
        #expect(!store.indexesDeferred)
        #expect(try Self.names(store) == Self.indexNames)
    }

    @Test func plannerStatisticsCountRowsPerAddressFromTheLookupTables() throws {
        let dir = StoreFixture.folder()
        var log = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
        for i in 0..<3000 {
            log += "2 123456789012 eni-a 10.1.0.\(i % 20) 10.2.0.\(i % 10) 5000 443 6 1 100 1793577600 1793577660 ACCEPT OK\n"
        }
        StoreFixture.write(log, to: dir + "/a.log")
        try StoreFixture.ingest([dir + "/a.log"], into: dir + "/flows.db")
        let store = try FlowStore(path: dir + "/flows.db", readOnly: true)
        let stats = try CollectedRows.run(
            store, "SELECT idx, stat FROM sqlite_stat1 WHERE idx IN ('flow_rows_by_src', 'flow_rows_by_context') ORDER BY idx")
        // 3000 rows (as ANALYZE's sample estimates them) over one context and 30 addresses.
        let fields = stats.rows.map { $0[1].description.split(separator: " ").compactMap { Int($0) } }
        #expect(fields.count == 2 && fields.allSatisfy { $0.count >= 2 && $0[0] > 2000 }, "\(stats.rows)")
        #expect(fields.map { $0[1] } == [fields[0][0], fields[1][0] / 30], "\(stats.rows)")
    }

    @Test func aSmallIngestIntoABigStoreKeepsItsIndexes() throws {
        let (_, dir) = try StoreFixture.store()
        let store = try FlowStore(path: dir + "/flows.db")
        try store.prepareBulkIngest(expectedRecords: 10)
        #expect(!store.indexesDeferred)
        #expect(try Self.names(store) == Self.indexNames)
    }

    @Test func indexesLeftMissingByADeadIngestAreBuiltByTheNextWriter() throws {
        let (_, dir) = try StoreFixture.store()
        let db = dir + "/flows.db"
        // What a process killed during a bulk ingest leaves: committed sources, no indexes.
        Self.raw(db, "DROP INDEX flow_rows_by_src; DROP INDEX flow_rows_ssh_rdp")
        let reader = try FlowStore(path: db, readOnly: true)
        let rows = try CollectedRows.run(reader, "SELECT count(*) FROM flows WHERE srcaddr = '10.0.0.1'")
        #expect(rows.rows == [[.integer(2)]])
        let writer = try FlowStore(path: db)
        #expect(try Self.names(writer) == Self.indexNames)
    }

    @Test func aStoreOfSchemaTwoIsUpgradedInPlace() throws {
        let (_, dir) = try StoreFixture.store()
        let db = dir + "/flows.db"
        Self.raw(db, "DROP INDEX flow_rows_ssh_rdp; PRAGMA user_version = 2")
        let reader = try FlowStore(path: db, readOnly: true)
        #expect(try CollectedRows.run(reader, "SELECT count(*) FROM vpc_flow_logs").rows == [[.integer(6)]])
        let writer = try FlowStore(path: db)
        #expect(Self.raw(db, "PRAGMA user_version") == 5)
        #expect(try Self.names(writer) == Self.indexNames)
        #expect(try CollectedRows.run(writer, "SELECT count(*) FROM vpc_flow_logs").rows == [[.integer(6)]])
        try StoreIngestTests.expectTotalsMatchTheRows(writer)
    }

    @Test func aStoreOfSchemaThreeGainsItsTotals() throws {
        let (_, dir) = try StoreFixture.store()
        let db = dir + "/flows.db"
        Self.raw(
            db,
            "DROP TABLE flows_totals; DROP INDEX flow_rows_by_src; CREATE INDEX flow_rows_by_src ON flow_rows (src, start, dst, bytes); PRAGMA user_version = 3"
        )
        // A reader sees the totals computed from the hourly rollups.
        try StoreIngestTests.expectTotalsMatchTheRows(try FlowStore(path: db, readOnly: true))
        let writer = try FlowStore(path: db)
        #expect(Self.raw(db, "PRAGMA user_version") == 5)
        try StoreIngestTests.expectTotalsMatchTheRows(writer)
        // The address indexes are rebuilt in this schema's column order.
        let index = try CollectedRows.run(writer, "SELECT sql FROM sqlite_schema WHERE name = 'flow_rows_by_src'")
        #expect(index.rows == [[.text("CREATE INDEX flow_rows_by_src ON flow_rows (src, dst, start, bytes)")]])
        #expect(try CollectedRows.run(writer, "SELECT count(*) FROM flows WHERE srcaddr = '10.0.0.1'").rows == [[.integer(2)]])
    }
}
