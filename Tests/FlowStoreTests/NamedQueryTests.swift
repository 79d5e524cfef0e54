import FlowStore
import Foundation
import Testing

/// The named queries read the tables under the `flows` view (and the rollups) for speed; each
/// must answer exactly what its plain form over the view answers.
@Suite struct NamedQueryTests {
    static let columns = "interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, datetime(start, 'unixepoch') AS start_time, action"

    /// Each named query as written over the `flows` view.
    static let plainForms: [String: String] = [
        "accepted": "SELECT \(columns) FROM flows WHERE action = 'ACCEPT' ORDER BY start DESC LIMIT 100",
        "admin-port": """
            SELECT dstaddr, dstport, action, count(*) AS flows, count(DISTINCT srcaddr) AS sources, sum(bytes) AS bytes
            FROM flows WHERE dstport IN (22, 23, 3389, 5900, 5985, 5986)
            GROUP BY dstaddr, dstport, action ORDER BY flows DESC LIMIT 100
            """,
        "ipv4": "SELECT \(columns) FROM flows WHERE instr(srcaddr, '.') > 0 ORDER BY start DESC LIMIT 100",
        "ipv6": "SELECT \(columns) FROM flows WHERE instr(srcaddr, ':') > 0 ORDER BY start DESC LIMIT 100",
        "rejected": "SELECT \(columns) FROM flows WHERE action = 'REJECT' ORDER BY start DESC LIMIT 100",
        "top-talkers": """
            SELECT srcaddr, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
            FROM flows WHERE srcaddr IS NOT NULL GROUP BY srcaddr ORDER BY bytes DESC LIMIT 10
            """,
        "top-talkers-packet-level": """
            SELECT coalesce(pkt_srcaddr, srcaddr) AS pkt_srcaddr, sum(bytes) AS bytes, sum(packets) AS packets
            FROM flows GROUP BY 1 ORDER BY bytes DESC LIMIT 10
            """,
        "top-talking-instances": """
            SELECT instance_id, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
            FROM flows WHERE instance_id IS NOT NULL GROUP BY instance_id ORDER BY bytes DESC LIMIT 10
            """,
        "top-talking-subnets": """
            SELECT subnet_id, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
            FROM flows WHERE subnet_id IS NOT NULL GROUP BY subnet_id ORDER BY bytes DESC LIMIT 10
            """,
        "top-tcp": """
            SELECT srcaddr, dstaddr, dstport, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
            FROM flows WHERE protocol = 6 GROUP BY srcaddr, dstaddr, dstport ORDER BY bytes DESC LIMIT 10
            """,
        "bytes-by-pair": """
            SELECT srcaddr, dstaddr, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
            FROM flows GROUP BY srcaddr, dstaddr ORDER BY bytes DESC LIMIT 100
            """,
        "bytes-by-pair-packet-level": """
            SELECT coalesce(pkt_srcaddr, srcaddr) AS pkt_srcaddr, coalesce(pkt_dstaddr, dstaddr) AS pkt_dstaddr,
                   sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
            FROM flows GROUP BY 1, 2 ORDER BY bytes DESC LIMIT 100
            """,
    ]

    /// A deterministic v3-style log: IPv4 and IPv6 addresses, admin and other ports, both
    /// actions, instances and subnets (some absent), packet-level addresses on some records,
    /// NODATA records. Start times are distinct and byte counts large and varied, so that every
    /// ORDER BY ... LIMIT has one right answer; 12 destinations keep `admin-port` under its limit.
    static func log() -> String {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let sources = (0..<30).map { $0 % 7 == 6 ? "2001:db8::\($0)" : "10.0.\($0 / 10).\($0 % 10 + 1)" }
        let destinations = (0..<12).map { $0 % 5 == 4 ? "2001:db8:1::\($0)" : "172.16.0.\($0 + 1)" }
        let ports = [22, 23, 3389, 443, 5432, 8080]
        let header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id pkt-srcaddr pkt-dstaddr"
        var lines = [header]
        for i in 0..<3000 {
            let start = 1_793_577_600 + 7 * i
            let instance = next(4) == 0 ? "-" : "i-\(next(6))"
            let subnet = next(5) == 0 ? "-" : "subnet-\(next(3))"
            let pktSource = next(6) == 0 ? sources[next(sources.count)] : "-"
            let pktDestination = next(8) == 0 ? destinations[next(destinations.count)] : "-"
            let fields: [String] = [
                "3", "123456789012", "eni-\(next(4))", sources[next(sources.count)],
                destinations[next(destinations.count)], "\(40000 + next(20000))", "\(ports[next(ports.count)])",
                next(5) == 0 ? "17" : "6", "\(1 + next(500))", "\(1000 + next(9_000_000))", "\(start)", "\(start + 60)",
                next(4) == 0 ? "REJECT" : "ACCEPT", "OK", "vpc-1", subnet, instance, pktSource, pktDestination,
            ]
            lines.append(fields.joined(separator: " "))
        }
        for k in 0..<5 {
            lines.append("3 123456789012 eni-9 - - - - - - - \(1_793_600_000 + k) \(1_793_600_060 + k) - NODATA - - - - -")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func rows(_ store: FlowStore, _ sql: String) throws -> (columns: [String], rows: [String]) {
        let result = try CollectedRows.run(store, sql, ["ip": "10.0.0.1"])
        return (result.columns, result.rows.map { $0.map(\.description).joined(separator: "|") })
    }

    @Test func everyRewrittenQueryAnswersWhatItsPlainFormAnswers() throws {
        let dir = StoreFixture.folder()
        StoreFixture.write(Self.log(), to: dir + "/v3.log")
        try StoreFixture.ingest([dir + "/v3.log"], into: dir + "/flows.db")
        let store = try FlowStore(path: dir + "/flows.db", readOnly: true)
        #expect(Set(Self.plainForms.keys).isSubset(of: Set(NamedQuery.all.map(\.name))))
        for (name, plain) in Self.plainForms.sorted(by: { $0.key < $1.key }) {
            let expected = try Self.rows(store, plain)
            let actual = try Self.rows(store, NamedQuery.named(name)!.sql)
            #expect(actual.columns == expected.columns, "\(name)")
            // Rows in the same order wherever the ORDER BY decides; ties (equal flow counts in
            // admin-port) may come in either order, so the sets are compared too.
            #expect(actual.rows.sorted() == expected.rows.sorted(), "\(name)")
            #expect(!actual.rows.isEmpty, "\(name) returned nothing: the test log must exercise it")
            if name != "admin-port" { #expect(actual.rows == expected.rows, "\(name)") }
        }
    }
}
