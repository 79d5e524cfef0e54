import FlowCore
import FlowExpression
import FlowLensKit
import FlowStore
import Testing

/// A replay that reads only the rows of the addresses a filter requires (through the address
/// indexes) keeps exactly the records that a replay of every row keeps.
@Suite struct AddressReplayTests {
    final class Collected: FlowSink, @unchecked Sendable {
        var records: [FlowRecord] = []
        func consume(_ batch: FlowBatch) { records += batch.records }
        func finish() {}
    }

    static func replay(_ store: FlowStore, _ text: String, since: Int64?, until: Int64?, touching: Bool) throws -> [FlowRecord] {
        let filter = try FlowFilter(text)
        let sink = Collected()
        try StoreReplay.run(
            store, since: since, until: until, filter: { filter.matches($0) },
            touching: touching ? filter.expression.requiredAddresses : nil, sinks: [sink])
        return sink.records
    }

    @Test func theAddressRowsGiveTheSameRecordsAsEveryRow() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(NamedQueryTests.log(), to: dir + "/v3.log")
        try StoreFixture.ingest([dir + "/v3.log"], into: dir + "/flows.db")
        let store = try FlowStore(path: dir + "/flows.db", readOnly: true)
        let hour: Int64 = 1_793_577_600
        for text in [
            "addr = 10.0.0.1", "srcaddr = 2001:db8::6 and dstport in (22, 3389)", "dstaddr in (172.16.0.3, 2001:db8:1::4)",
            "addr = 10.0.1.5 or addr = 172.16.0.1", "addr = 192.0.2.1",
        ] {
            for (since, until) in [(nil, nil), (hour + 3600, hour + 7200), (hour, hour + 600)] as [(Int64?, Int64?)] {
                #expect(try FilterExpression(parsing: text).requiredAddresses != nil, "\(text)")
                let all = try Self.replay(store, text, since: since, until: until, touching: false)
                let some = try Self.replay(store, text, since: since, until: until, touching: true)
                #expect(some == all, "\(text) \(String(describing: since))")
                if text != "addr = 192.0.2.1" && since == nil { #expect(!all.isEmpty, "\(text) should match the test log") }
            }
        }
    }

    /// The rows of a few addresses read straight from the table's pages are the rows SQLite reads,
    /// with their packet-level extras, for time ranges that cut through the log and for none.
    @Test func pageReadsGiveTheRowsThatSQLiteReads() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(NamedQueryTests.log(), to: dir + "/v3.log")
        try StoreFixture.ingest([dir + "/v3.log"], into: dir + "/flows.db")
        let store = try FlowStore(path: dir + "/flows.db", readOnly: true)
        let hour: Int64 = 1_793_577_600
        let addresses: [Set<IPAddress>] = [
            ["10.0.0.1"], ["2001:db8::6", "172.16.0.3"], ["10.0.1.5", "172.16.0.1", "2001:db8:1::4"], ["192.0.2.1"],
        ].map { Set($0.map { IPAddress($0)! }) }
        var compared = 0
        for wanted in addresses {
            for (since, until) in [(nil, nil), (hour + 3600, hour + 7200), (hour, hour + 600), (hour + 1800, nil)] as [(Int64?, Int64?)] {
                var direct: [FlowRecord] = []
                var throughSQLite: [FlowRecord] = []
                try store.readRecords(since: since, until: until, touching: wanted, batchSize: 100) { direct += $0.records }
                try store.readRecords(since: since, until: until, touching: wanted, batchSize: 100, readsPages: false) {
                    throughSQLite += $0.records
                }
                #expect(direct == throughSQLite, "\(wanted) \(String(describing: since))")
                #expect(direct.allSatisfy { wanted.contains($0.srcaddr) || wanted.contains($0.dstaddr) })
                compared += direct.count
            }
        }
        // Enough rows that the table has interior pages above its leaves.
        #expect(compared > 1000)
    }

    /// A table of 120,000 rows: 987 leaves of 4 KB pages under three interior pages and a root (by
    /// dbstat), so the page reader goes down two interior levels, and the rows of a busy address span
    /// many leaves (each searched once, then walked).
    @Test func pageReadsFollowATreeOfTwoInteriorLevels() throws {
        let dir = StoreFixture.folder()
        var lines = ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"]
        let start: Int64 = 1_793_577_600
        for i in 0..<120_000 {
            // 10.1.0.1 is in one row of seven; the rest spread over 500 sources.
            let source = i % 7 == 0 ? "10.1.0.1" : "10.2.\(i % 500 / 250).\(i % 250 + 1)"
            let time = start + Int64(i / 10)
            lines.append("2 123456789012 eni-\(i % 3) \(source) 172.16.\(i % 4).\(i % 9 + 1) \(1024 + i % 6000) \([22, 443, 5432][i % 3]) 6 \(i % 90 + 1) \(i % 70_000 + 40) \(time) \(time + 30) \(i % 5 == 0 ? "REJECT" : "ACCEPT") OK")
        }
        StoreFixture.write(lines.joined(separator: "\n") + "\n", to: dir + "/big.log")
        try StoreFixture.ingest([dir + "/big.log"], into: dir + "/flows.db")
        let store = try FlowStore(path: dir + "/flows.db", readOnly: true)
        for wanted in [["10.1.0.1"], ["10.2.1.7", "172.16.2.3"]] {
            let addresses = Set(wanted.map { IPAddress($0)! })
            for (since, until) in [(start + 1000, start + 4600), (start, start + 12_000), (nil, nil)] as [(Int64?, Int64?)] {
                var direct: [FlowRecord] = []
                var throughSQLite: [FlowRecord] = []
                try store.readRecords(since: since, until: until, touching: addresses) { direct += $0.records }
                try store.readRecords(since: since, until: until, touching: addresses, readsPages: false) {
                    throughSQLite += $0.records
                }
                #expect(direct == throughSQLite, "\(wanted) \(String(describing: since))")
                #expect(!direct.isEmpty)
            }
        }
    }
}
