import FlowCore
import FlowLensKit
import FlowStore
import Foundation

/// A small v2 log whose answers are worked out by hand in the tests, and helpers to ingest it.
enum StoreFixture {
    static let log = """
        version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
        2 123456789012 eni-a 10.0.0.1 10.0.0.2 50000 22 6 10 1000 1793577600 1793577660 ACCEPT OK
        2 123456789012 eni-a 10.0.0.2 10.0.0.1 22 50000 6 8 2000 1793577610 1793577660 ACCEPT OK
        2 123456789012 eni-b 203.0.113.5 10.0.0.3 40000 3389 6 2 120 1793577500 1793577560 REJECT OK
        2 123456789012 eni-b 10.0.0.3 198.51.100.7 44000 443 6 50 50000 1793581200 1793581260 ACCEPT OK
        2 123456789012 eni-a 10.0.0.1 10.0.0.4 51000 5432 6 20 3000 1793584800 1793584860 ACCEPT OK
        2 123456789012 eni-c - - - - - - - 1793577600 1793577660 - NODATA

        """

    /// The second query of AWS's Athena tutorial (top 10 addresses by bytes), exactly as written there.
    static let athenaTopTenQuery = """
        SELECT ip, sum(bytes) as total_bytes FROM (
          SELECT destinationaddress as ip, sum(numbytes) as bytes FROM vpc_flow_logs GROUP BY 1
          UNION ALL
          SELECT sourceaddress as ip, sum(numbytes) as bytes FROM vpc_flow_logs GROUP BY 1)
        GROUP BY ip ORDER BY total_bytes DESC LIMIT 10
        """

    /// A fresh temporary folder.
    static func folder() -> String {
        let path = NSTemporaryDirectory() + "flowlens-store-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) {
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    /// `text` compressed with the system's gzip.
    static func gzip(_ text: String) throws -> Data {
        let dir = folder()
        write(text, to: dir + "/data")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [dir + "/data"]
        try gzip.run()
        gzip.waitUntilExit()
        return try Data(contentsOf: URL(fileURLWithPath: dir + "/data.gz"))
    }

    /// Ingests sources into the store at `db` the way `flowlens ingest` does.
    @discardableResult
    static func ingest(_ sources: [String], into db: String) throws -> StoreSink {
        let store = try FlowStore(path: db)
        let runner = ScanRunner(options: ScanOptions(sources: sources))
        let sink = StoreSink(store: store)
        runner.sinks.append(sink)
        _ = try runner.run()
        return sink
    }

    /// A store holding the fixture log.
    static func store() throws -> (FlowStore, String) {
        let dir = folder()
        write(log, to: dir + "/a.log")
        let db = dir + "/flows.db"
        try ingest([dir + "/a.log"], into: db)
        return (try FlowStore(path: db, readOnly: true), dir)
    }
}

/// Collects query results in memory.
final class CollectedRows: QueryResultSink {
    var columns: [String] = []
    var rows: [[QueryValue]] = []
    func begin(columns: [String]) { self.columns = columns }
    func row(_ values: [QueryValue]) { rows.append(values) }
    func end() {}

    static func run(_ store: FlowStore, _ sql: String, _ parameters: [String: String] = [:]) throws -> CollectedRows {
        let rows = CollectedRows()
        try store.query(sql, parameters: parameters, to: rows)
        return rows
    }

    func column(_ name: String) -> [QueryValue] {
        let index = columns.firstIndex(of: name)!
        return rows.map { $0[index] }
    }
}
