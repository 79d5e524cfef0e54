import FlowCore
import FlowLensKit
import FlowStore
import Foundation
import Testing

/// The bulk load that writes its own B-tree pages against SQLite's own path: the same sources
/// must give stores that pass `integrity_check` and answer every query identically.
@Suite struct BulkLoadTests {
    /// Logs with varied values: addresses from a pool (a few IPv6), absent fields, SSH and RDP
    /// ports, bytes past Int64.max (stored negative), 8- and 6-byte numbers, ends before starts, and a
    /// custom-format file whose records need `flow_extras`.
    static func logs(in dir: String, files: Int, linesPerFile: Int, seed: UInt64, addressBase: Int = 0) -> [String] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        func address() -> String {
            let n = Int(next() % 3000) + addressBase
            return next() % 50 == 0 ? "2001:db8::\(String(n, radix: 16))" : "10.\(n / 65536 % 256).\(n / 256 % 256).\(n % 256)"
        }
        var paths: [String] = []
        for file in 0..<files {
            var text = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
            for line in 0..<linesPerFile {
                let start = 1_793_577_600 + Int(next() % 20_000)
                if next() % 97 == 0 {
                    text += "2 123456789012 eni-\(file % 5) - - - - - - - \(start) \(start + 60) - NODATA\n"
                    continue
                }
                let ports = [22, 3389, 443, 80, 53, 5432, Int(next() % 65536)]
                let srcport = ports[Int(next() % UInt64(ports.count))]
                let dstport = ports[Int(next() % UInt64(ports.count))]
                let bytes: String
                switch next() % 40 {
                // Stored as -1; then 8-byte and 6-byte integers (sums stay within Int64).
                case 0: bytes = "18446744073709551615"
                case 1: bytes = String(1 << 48 + Int(next()))
                case 2: bytes = String(1 << 40 + Int(next()))
                case 3: bytes = "0"
                case 4: bytes = "1"
                default: bytes = String(next() % 100_000)
                }
                let end = next() % 30 == 0 ? start - 5 : start + Int(next() % 120)
                let action = next() % 3 == 0 ? "REJECT" : "ACCEPT"
                text += "2 123456789012 eni-\((file + line) % 7) \(address()) \(address()) \(srcport) \(dstport) 6 \(next() % 1000) \(bytes) \(start) \(end) \(action) OK\n"
            }
            let path = dir + "/f\(seed)-\(file).log"
            StoreFixture.write(text, to: path)
            paths.append(path)
        }
        var custom = "version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags pkt-srcaddr pkt-dstaddr\n"
        for _ in 0..<max(10, linesPerFile / 10) {
            let start = 1_793_577_600 + Int(next() % 20_000)
            let flags = next() % 4 == 0 ? "-" : String(next() % 64)
            let packetSource = next() % 3 == 0 ? "-" : address()
            custom += "5 \(address()) \(address()) 22 \(next() % 65536) 6 3 \(next() % 5000) \(start) \(start + 10) ACCEPT OK \(flags) \(packetSource) \(address())\n"
        }
        StoreFixture.write(custom, to: dir + "/custom\(seed).log")
        paths.append(dir + "/custom\(seed).log")
        return paths
    }

    /// Ingests `sources` into a new store at `db`, by the bulk load when `bulk` is true.
    @discardableResult
    static func ingest(_ sources: [String], into db: String, bulk: Bool) throws -> StoreSink {
        let store = try FlowStore(path: db)
        if bulk { try store.prepareBulkIngest(expectedRecords: 10_000_000) }
        let runner = ScanRunner(options: ScanOptions(sources: sources))
        let sink = StoreSink(store: store)
        runner.sinks.append(sink)
        _ = try runner.run()
        return sink
    }

    /// Queries whose answers must be equal: every table, every index's entries in its order,
    /// the views, Athena's tutorial queries, the named queries, one address's hour.
    static func queries(address: String) -> [(String, [String: String])] {
        var queries: [(String, [String: String])] = [
            ("SELECT rowid, * FROM flow_rows", [:]),
            ("SELECT * FROM flow_extras", [:]),
            ("SELECT * FROM addresses", [:]),
            ("SELECT * FROM contexts", [:]),
            ("SELECT * FROM flows_hourly", [:]),
            ("SELECT * FROM flows_totals", [:]),
            ("SELECT id, name, hash, size, records, first_start, last_end, first_row, last_row FROM sources", [:]),
            ("SELECT src, dst, start, bytes, rowid FROM flow_rows INDEXED BY flow_rows_by_src WHERE src >= 0", [:]),
            ("SELECT dst, src, start, bytes, rowid FROM flow_rows INDEXED BY flow_rows_by_dst WHERE dst >= 0", [:]),
            ("SELECT context, start, rowid FROM flow_rows INDEXED BY flow_rows_by_context WHERE context >= 0", [:]),
            (
                "SELECT start, rowid FROM flow_rows INDEXED BY flow_rows_ssh_rdp "
                    + "WHERE srcport IN (22, 3389) OR dstport IN (22, 3389)", [:]
            ),
            ("SELECT * FROM flows", [:]),
            (
                "SELECT * FROM vpc_flow_logs WHERE sourceport in (22,3389) OR destinationport IN (22, 3389) "
                    + "ORDER BY starttime ASC, numbytes, sourceaddress, destinationaddress, sourceport, destinationport", [:]
            ),
            (StoreFixture.athenaTopTenQuery, [:]),
            (
                "SELECT * FROM flows WHERE srcaddr = :ip AND start >= 1793581200 AND start < 1793584800 "
                    + "UNION ALL SELECT * FROM flows WHERE dstaddr = :ip AND start >= 1793581200 AND start < 1793584800",
                ["ip": address]
            ),
        ]
        queries += NamedQuery.all.map { ($0.sql, ["ip": address]) }
        return queries
    }

    /// Compares every answer of the two stores, in order. Planner statistics are sampled from
    /// the trees' shapes (`analysis_limit`), which differ between SQLite's pages and ours, and a
    /// query whose ORDER BY has ties (or that has none) returns rows in its plan's order: the
    /// bulk store's answers are therefore compared under the reference's statistics, after its
    /// own are checked to be there.
    static func expectSameAnswers(_ bulk: String, _ sqlite: String, address: String = "10.0.0.7") throws {
        let own = StoreBulkIngestTests.raw(bulk, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'flow_rows'")
        #expect(own == 4)
        _ = StoreBulkIngestTests.raw(
            bulk,
            "ATTACH '\(sqlite)' AS reference; DELETE FROM main.sqlite_stat1; "
                + "INSERT INTO main.sqlite_stat1 SELECT * FROM reference.sqlite_stat1")
        let built = try FlowStore(path: bulk, readOnly: true)
        let reference = try FlowStore(path: sqlite, readOnly: true)
        #expect(try CollectedRows.run(built, "PRAGMA integrity_check").rows == [[.text("ok")]])
        for (sql, parameters) in queries(address: address) {
            let mine = try CollectedRows.run(built, sql, parameters)
            let theirs = try CollectedRows.run(reference, sql, parameters)
            #expect(mine.columns == theirs.columns, "\(sql)")
            #expect(mine.rows.count == theirs.rows.count, "\(sql)")
            // The first difference only: whole results are too long to print.
            if let row = zip(mine.rows, theirs.rows).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("\(sql): row \(row) is \(mine.rows[row]), SQLite's path gave \(theirs.rows[row])")
            }
        }
    }

    @Test func aSmallLoadGivesTheSameStore() throws {
        let dir = StoreFixture.folder()
        let sources = Self.logs(in: dir, files: 3, linesPerFile: 200, seed: 1)
        let sink = try Self.ingest(sources, into: dir + "/bulk.db", bulk: true)
        try Self.ingest(sources, into: dir + "/sqlite.db", bulk: false)
        #expect(sink.error == nil)
        #expect(sink.recordsIngested > 600)
        #expect(!FileManager.default.fileExists(atPath: dir + "/bulk.db.flowlens-bulk"))
        try Self.expectSameAnswers(dir + "/bulk.db", dir + "/sqlite.db")
    }

    /// Enough rows for trees of three levels: interior pages above interior pages.
    @Test func aLargerLoadGivesTheSameStore() throws {
        let dir = StoreFixture.folder()
        let sources = Self.logs(in: dir, files: 9, linesPerFile: 11_000, seed: 2)
        try Self.ingest(sources, into: dir + "/bulk.db", bulk: true)
        try Self.ingest(sources, into: dir + "/sqlite.db", bulk: false)
        try Self.expectSameAnswers(dir + "/bulk.db", dir + "/sqlite.db")
        let store = try FlowStore(path: dir + "/bulk.db", readOnly: true)
        // Interior pages of the table (SQLite's dbstat table, where compiled in): more than the root.
        let depth = try? CollectedRows.run(store, "SELECT count(*) FROM dbstat WHERE name = 'flow_rows' AND pagetype = 'internal'")
        if case .integer(let interior) = depth?.rows.first?.first { #expect(interior > 1) }
    }

    /// A source that fails mid-file, with addresses of its own, and a copy of a source: rolled
    /// back and skipped as on SQLite's path (the lookups give the same ids afterwards).
    @Test func failedAndRepeatedSourcesLeaveTheSameStore() throws {
        let dir = StoreFixture.folder()
        var sources = Self.logs(in: dir, files: 2, linesPerFile: 300, seed: 3)
        let own = Self.logs(in: dir, files: 1, linesPerFile: 30_000, seed: 4, addressBase: 100_000)
        let whole = try StoreFixture.gzip(try String(contentsOfFile: own[0], encoding: .utf8))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: dir + "/cut.log.gz"))
        try FileManager.default.copyItem(atPath: sources[0], toPath: dir + "/again.log")
        sources.insert(dir + "/cut.log.gz", at: 1)
        sources.append(dir + "/again.log")
        sources += Self.logs(in: dir, files: 1, linesPerFile: 300, seed: 5)
        let sink = try Self.ingest(sources, into: dir + "/bulk.db", bulk: true)
        let reference = try Self.ingest(sources, into: dir + "/sqlite.db", bulk: false)
        #expect(sink.receipts.count == reference.receipts.count)
        guard case .discarded = sink.receipts[1] else {
            Issue.record("expected the truncated file to be discarded, got \(sink.receipts[1])")
            return
        }
        try Self.expectSameAnswers(dir + "/bulk.db", dir + "/sqlite.db")
    }

    /// SQLite's own writes into a bulk-loaded store: a second ingest and a prune.
    @Test func aBulkLoadedStoreTakesMoreAndPrunes() throws {
        let dir = StoreFixture.folder()
        let first = Self.logs(in: dir, files: 4, linesPerFile: 3_000, seed: 6)
        let second = Self.logs(in: dir, files: 2, linesPerFile: 2_000, seed: 7, addressBase: 1_000)
        try Self.ingest(first, into: dir + "/bulk.db", bulk: true)
        try Self.ingest(first, into: dir + "/sqlite.db", bulk: false)
        // The store holds rows now: this one goes through SQLite even when asked for a bulk load.
        try Self.ingest(second, into: dir + "/bulk.db", bulk: true)
        try Self.ingest(second, into: dir + "/sqlite.db", bulk: false)
        try Self.expectSameAnswers(dir + "/bulk.db", dir + "/sqlite.db")
        for db in [dir + "/bulk.db", dir + "/sqlite.db"] {
            let store = try FlowStore(path: db)
            let pruned = try store.prune(before: 1_793_577_600 + 7200)
            #expect(pruned.flows > 0)
        }
        try Self.expectSameAnswers(dir + "/bulk.db", dir + "/sqlite.db")
    }
}
