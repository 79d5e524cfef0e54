import CSQLite
import FlowCore
import FlowLensKit
import FlowStore
import Foundation
import Testing

/// The compact schema behind the `flows` and `vpc_flow_logs` views: what goes in comes back.
@Suite struct StoreSchemaTests {
    /// v5 fields (strings, enums, packet-level addresses, tcp flags), an IPv6 record, a record
    /// without start, and one whose `end` is absent.
    static let v5Log = """
        version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path
        5 123456789012 eni-1 10.1.0.5 10.1.0.9 40000 443 6 12 3400 1793577600 1793577660 ACCEPT OK vpc-1 subnet-1 i-1 19 IPv4 10.1.0.5 52.216.1.2 us-east-1 use1-az1 - - - S3 egress 8
        5 123456789012 eni-2 2001:db8::1 2001:db8::2 22 51000 6 3 180 1793577610 1793577670 REJECT OK vpc-1 subnet-2 - 2 IPv6 - - us-east-1 use1-az2 - - - - ingress -
        5 123456789012 eni-1 10.1.0.5 10.1.0.9 40001 443 6 1 60 - 1793577700 ACCEPT OK vpc-1 subnet-1 i-1 - IPv4 - - us-east-1 use1-az1 - - - - egress 1
        5 123456789012 eni-3 10.1.0.7 10.1.0.5 53 40002 17 2 200 1793577620 - ACCEPT OK vpc-1 subnet-1 i-3 - IPv4 - - us-east-1 use1-az1 - - - - - -
        5 999999999999 eni-3 - - - - - - - 1793577600 1793577660 - NODATA vpc-1 subnet-1 i-3 - - - - - - - - - - - -

        """

    static func decoded(_ path: String) throws -> [FlowRecord] {
        let runner = ScanRunner(options: ScanOptions(sources: [path]))
        let collected = CollectedRecords()
        runner.sinks.append(collected)
        _ = try runner.run()
        return collected.records
    }

    @Test func everyFieldComesBackFromTheStoreAsDecoded() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(Self.v5Log, to: dir + "/v5.log")
        let db = dir + "/flows.db"
        try StoreFixture.ingest([dir + "/v5.log"], into: db)
        let original = try Self.decoded(dir + "/v5.log")
        #expect(original.count == 5)
        let collected = CollectedRecords()
        try StoreReplay.run(try FlowStore(path: db, readOnly: true), sinks: [collected])
        #expect(collected.records.count == original.count)
        for (stored, decoded) in zip(collected.records, original) {
            for field in FlowField.allCases {
                #expect(stored.value(field) == decoded.value(field), "\(field.name)")
            }
            #expect(stored.isResponse == decoded.isResponse)
        }
    }

    @Test func theFlowsViewHasEveryFieldUnderItsColumnName() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(Self.v5Log, to: dir + "/v5.log")
        let db = dir + "/flows.db"
        try StoreFixture.ingest([dir + "/v5.log"], into: db)
        let store = try FlowStore(path: db, readOnly: true)
        let rows = try CollectedRows.run(store, "SELECT * FROM flows ORDER BY rowid")
        #expect(rows.columns == ["source_id"] + FlowField.allCases.map(\.columnName))
        let first = Dictionary(uniqueKeysWithValues: zip(rows.columns, rows.rows[0]))
        #expect(first["pkt_dstaddr"] == .text("52.216.1.2"))
        #expect(first["pkt_dst_aws_service"] == .text("S3"))
        #expect(first["tcp_flags"] == .integer(19))
        #expect(first["flow_direction"] == .text("egress"))
        #expect(first["traffic_path"] == .integer(8))
        #expect(first["end"] == .integer(1_793_577_660))
        #expect(first["sublocation_id"] == .null)
        #expect(first["source_id"] == .integer(1))
        let ipv6 = try CollectedRows.run(store, "SELECT srcaddr, action, instance_id FROM flows WHERE srcport = 22")
        #expect(ipv6.rows == [[.text("2001:db8::1"), .text("REJECT"), .null]])
        let times = try CollectedRows.run(store, "SELECT start, \"end\" FROM flows WHERE srcport IN (40001, 53) ORDER BY srcport")
        #expect(times.rows == [[.integer(1_793_577_620), .null], [.null, .integer(1_793_577_700)]])
    }

    @Test func sourceIDNamesTheFileEachRowCameFrom() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(StoreFixture.log, to: dir + "/a.log")
        StoreFixture.write(Self.v5Log, to: dir + "/b.log")
        let db = dir + "/flows.db"
        try StoreFixture.ingest([dir + "/a.log"], into: db)
        try StoreFixture.ingest([dir + "/b.log"], into: db)
        let store = try FlowStore(path: db, readOnly: true)
        let rows = try CollectedRows.run(
            store,
            "SELECT s.name, count(*) FROM flows f JOIN sources s ON s.id = f.source_id GROUP BY s.name ORDER BY s.name")
        #expect(rows.rows == [[.text(dir + "/a.log"), .integer(6)], [.text(dir + "/b.log"), .integer(5)]])
    }

    @Test func aSourceThatFailsInsideAGroupKeepsTheOthersAndTheirRollups() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(StoreFixture.log, to: dir + "/a.log")
        StoreFixture.write(Self.v5Log, to: dir + "/c.log")
        // A gzip member cut short: decoding fails after some records were written.
        var big = ""
        for i in 0..<20_000 {
            big += "2 123456789012 eni-z 10.9.\(i / 250).\(i % 250) 10.0.0.2 50000 443 6 10 1000 1793577600 1793577660 ACCEPT OK\n"
        }
        let compressed = try StoreFixture.gzip(big)
        try compressed.prefix(compressed.count * 2 / 3).write(to: URL(fileURLWithPath: dir + "/b.log.gz"))
        let db = dir + "/flows.db"
        let sink = try StoreFixture.ingest([dir + "/a.log", dir + "/b.log.gz", dir + "/c.log"], into: db)
        #expect(sink.recordsIngested == 11)
        let store = try FlowStore(path: db, readOnly: true)
        #expect(try store.flowCount() == 11)
        for (dimension, column) in [("srcaddr", "srcaddr"), ("interface_id", "interface_id")] {
            let raw = try CollectedRows.run(
                store,
                """
                SELECT coalesce(\(column), '-') AS k, (start / 3600) * 3600 AS h, count(*), coalesce(sum(bytes), 0)
                FROM flows WHERE start IS NOT NULL GROUP BY k, h ORDER BY k, h
                """)
            let rolled = try CollectedRows.run(
                store,
                "SELECT key, hour, flows, bytes FROM flows_hourly WHERE dimension = '\(dimension)' AND hour > 0 ORDER BY key, hour")
            #expect(raw.rows == rolled.rows, "\(dimension)")
        }
        // No address of the failed file is left behind either.
        #expect(try CollectedRows.run(store, "SELECT count(*) FROM addresses WHERE address LIKE '10.9.%'").rows == [[.integer(0)]])
    }

    @Test func aStoreOfTheEarlierSchemaIsRefusedWithAdvice() throws {
        let dir = StoreFixture.folder()
        var handle: OpaquePointer?
        sqlite3_open(dir + "/old.db", &handle)
        sqlite3_exec(handle, "PRAGMA application_id = 1179408204; PRAGMA user_version = 1; CREATE TABLE flows (x)", nil, nil, nil)
        sqlite3_close(handle)
        #expect {
            _ = try FlowStore(path: dir + "/old.db")
        } throws: { error in
            let error = error as? StoreError
            return error?.code == .notAStore && error?.message == "the store was written by an older FlowLens (schema 1)"
        }
    }
}

/// Keeps every record of a run.
final class CollectedRecords: FlowSink {
    var records: [FlowRecord] = []
    func consume(_ batch: FlowBatch) { records += batch.records }
    func finish() {}
}
