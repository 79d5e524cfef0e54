import FlowLensKit
@testable import FlowStore
import Testing

/// A bulk load writes `flows_hourly` and `flows_totals` as B-trees itself; ``BulkLoadTests``
/// compares what they hold with SQLite's own path. These check that the trees are written here
/// (not left to SQLite's upserts), including keys of the longest texts a record takes.
@Suite struct RollupTreeTests {
    @Test func aBulkLoadWritesTheRollupTrees() throws {
        let dir = StoreFixture.folder()
        let sources = BulkLoadTests.logs(in: dir, files: 3, linesPerFile: 300, seed: 5)
        let store = try FlowStore(path: dir + "/bulk.db")
        try store.prepareBulkIngest(expectedRecords: 10_000_000)
        let runner = ScanRunner(options: ScanOptions(sources: sources))
        runner.sinks.append(StoreSink(store: store))
        _ = try runner.run()
        #expect(store.lastBulkLoadWroteRollupTrees)
        try BulkLoadTests.ingest(sources, into: dir + "/sqlite.db", bulk: false)
        try BulkLoadTests.expectSameAnswers(dir + "/bulk.db", dir + "/sqlite.db")
    }

    /// Texts of up to ``SQLiteRecordEncoder/longestText`` bytes (an interface id of 57) are
    /// written whole into the trees; a longer one makes the load leave the rollups to SQLite,
    /// which gives the same rows.
    @Test(arguments: [57, 58])
    func longKeys(length: Int) throws {
        let dir = StoreFixture.folder()
        let interface = "eni-" + String(repeating: "a", count: length - 4)
        let address = "2001:0db8:0000:0000:0000:ff00:0042:8329"
        var text = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
        for k in 0..<200 {
            text += "2 123456789012 \(interface) \(address) 10.0.0.\(k % 250) 443 \(1024 + k) 6 1 100 \(1_793_577_600 + k * 60) \(1_793_577_660 + k * 60) ACCEPT OK\n"
        }
        StoreFixture.write(text, to: dir + "/long.log")
        let store = try FlowStore(path: dir + "/bulk.db")
        try store.prepareBulkIngest(expectedRecords: 10_000_000)
        let runner = ScanRunner(options: ScanOptions(sources: [dir + "/long.log"]))
        runner.sinks.append(StoreSink(store: store))
        _ = try runner.run()
        #expect(store.lastBulkLoadWroteRollupTrees == (length <= SQLiteRecordEncoder.longestText))
        let reader = try FlowStore(path: dir + "/bulk.db", readOnly: true)
        #expect(try CollectedRows.run(reader, "PRAGMA integrity_check").rows == [[.text("ok")]])
        let keys = try CollectedRows.run(
            reader, "SELECT DISTINCT key FROM flows_hourly WHERE dimension IN ('interface_id', 'srcaddr') ORDER BY key")
        #expect(keys.rows == [[.text("2001:db8::ff00:42:8329")], [.text(interface)]])
        try BulkLoadTests.ingest([dir + "/long.log"], into: dir + "/sqlite.db", bulk: false)
        let reference = try FlowStore(path: dir + "/sqlite.db", readOnly: true)
        for table in ["flows_hourly", "flows_totals"] {
            let mine = try CollectedRows.run(reader, "SELECT * FROM \(table)")
            #expect(mine.rows.count > 3)
            #expect(mine.rows == (try CollectedRows.run(reference, "SELECT * FROM \(table)")).rows)
        }
    }
}
