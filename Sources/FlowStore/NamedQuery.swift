/// The predefined queries of AWS's VPC Flow Logs integration with Athena, rewritten for the
/// store's SQLite `flows` table (AWS names with `_`, `start`/`end` in Unix seconds).
///
/// Parameters are named (`:ip`) and given with `--param ip=...`.
public struct NamedQuery: Sendable, Equatable {
    public var name: String
    public var summary: String
    public var sql: String
    /// Names of the parameters the query needs.
    public var parameters: [String]

    public static func named(_ name: String) -> NamedQuery? { all.first { $0.name == name } }

    static let flowColumns =
        "interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, datetime(start, 'unixepoch') AS start_time, action"

    /// ``flowColumns`` read from the tables under the `flows` view: `r` a row of `flow_rows`, `s`
    /// and `d` its addresses, `c` its context.
    static let rowColumns = """
        c.interface_id, s.address AS srcaddr, d.address AS dstaddr, r.srcport, r.dstport, r.protocol, r.packets, \
        r.bytes, datetime(r.start, 'unixepoch') AS start_time, c.action
        """

    /// The newest 100 rows that `rows` (a query of `flow_rows` rowids as `id`, newest first,
    /// limited) picks, with ``rowColumns``. Picking the rowids first keeps the view's four lookups
    /// per row to the 100 rows shown: through the `flows` view, `accepted` took 11 s on 10 M rows.
    static func newest(_ rows: String) -> String {
        """
        SELECT \(rowColumns) FROM (\(rows)) t
        JOIN flow_rows r ON r.rowid = t.id JOIN addresses s ON s.id = r.src JOIN addresses d ON d.id = r.dst
        LEFT JOIN contexts c ON c.id = r.context
        ORDER BY r.start DESC
        """
    }

    // The aggregating queries group `flow_rows` by its integer ids and look the texts up for the
    // rows they return: grouping the `flows` view looked up every row's addresses, context and
    // extras first (14-29 s each on 10 M rows). Where a query can be answered by the rollups or
    // by a covering index, it is; each query's comment gives its time on 10 M rows (scripts/
    // bench-store.sh's store), through the view and now.

    /// The sixteen queries, in AWS's order.
    public static let all: [NamedQuery] = [
        // 11.2 s, now 0.04 s: the context index holds each context's rows in time order.
        NamedQuery(
            name: "accepted", summary: "Accepted traffic, newest first (100 rows).",
            sql: newest(
                """
                SELECT rowid AS id FROM flow_rows WHERE context IN (SELECT id FROM contexts WHERE action = 'ACCEPT')
                ORDER BY start DESC LIMIT 100
                """),
            parameters: []),
        // 10.2 s, now 8.8 s: the destination port is in no index, so every row is read.
        NamedQuery(
            name: "admin-port",
            summary: "Traffic to remote-administration ports (SSH, Telnet, RDP, VNC, WinRM) by destination.",
            sql: """
                SELECT d.address AS dstaddr, t.dstport, c.action, sum(t.flows) AS flows,
                       count(DISTINCT nullif(t.src, 0)) AS sources, sum(t.bytes) AS bytes
                FROM (SELECT dst, dstport, context, src, count(*) AS flows, sum(bytes) AS bytes FROM flow_rows
                      WHERE dstport IN (22, 23, 3389, 5900, 5985, 5986) GROUP BY dst, dstport, context, src) t
                JOIN addresses d ON d.id = t.dst LEFT JOIN contexts c ON c.id = t.context
                GROUP BY t.dst, t.dstport, c.action ORDER BY flows DESC LIMIT 100
                """, parameters: []),
        // 11.4 s, now 1.6 s.
        NamedQuery(
            name: "ipv4", summary: "IPv4 traffic (100 rows).",
            sql: newest(
                """
                SELECT r.rowid AS id FROM flow_rows r JOIN addresses a ON a.id = r.src
                WHERE instr(a.address, '.') > 0 ORDER BY r.start DESC LIMIT 100
                """),
            parameters: []),
        NamedQuery(
            name: "ipv6", summary: "IPv6 traffic (100 rows).",
            sql: newest(
                """
                SELECT r.rowid AS id FROM flow_rows r JOIN addresses a ON a.id = r.src
                WHERE instr(a.address, ':') > 0 ORDER BY r.start DESC LIMIT 100
                """),
            parameters: []),
        NamedQuery(
            name: "rejected-tcp", summary: "Rejected TCP traffic by source and destination port.",
            sql: """
                SELECT srcaddr, dstport, count(*) AS flows, count(DISTINCT dstaddr) AS targets, sum(packets) AS packets
                FROM flows WHERE action = 'REJECT' AND protocol = 6
                GROUP BY srcaddr, dstport ORDER BY flows DESC LIMIT 100
                """, parameters: []),
        NamedQuery(
            name: "rejected", summary: "Rejected traffic, newest first (100 rows).",
            sql: newest(
                """
                SELECT rowid AS id FROM flow_rows WHERE context IN (SELECT id FROM contexts WHERE action = 'REJECT')
                ORDER BY start DESC LIMIT 100
                """),
            parameters: []),
        NamedQuery(
            name: "ssh-rdp", summary: "SSH and RDP traffic (port 22 or 3389 at either end), oldest first.",
            sql: """
                SELECT \(flowColumns) FROM flows
                WHERE srcport IN (22, 3389) OR dstport IN (22, 3389) ORDER BY start ASC LIMIT 100
                """, parameters: []),
        // 14.2 s, now 0.05 s: the per-source sums are the rollups' `srcaddr` totals. Records
        // without a source address (NODATA, formats without `srcaddr`) are left out.
        NamedQuery(
            name: "top-talkers", summary: "The 10 source addresses that sent the most bytes.",
            sql: """
                SELECT key AS srcaddr, bytes, packets, flows FROM flows_totals
                WHERE dimension = 'srcaddr' AND key <> '-' ORDER BY bytes DESC LIMIT 10
                """, parameters: []),
        // 23.6 s, now 16.8 s: every row's extras are read, for its packet-level source.
        NamedQuery(
            name: "top-talkers-packet-level",
            summary: "The 10 packet-level sources (pkt-srcaddr, else srcaddr) that sent the most bytes.",
            sql: """
                SELECT a.address AS pkt_srcaddr, t.bytes, t.packets FROM (
                    SELECT coalesce(nullif(x.pkt_src, 0), r.src) AS id, sum(r.bytes) AS bytes, sum(r.packets) AS packets
                    FROM flow_rows r LEFT JOIN flow_extras x ON x.row = r.rowid GROUP BY 1 ORDER BY bytes DESC LIMIT 10) t
                JOIN addresses a ON a.id = t.id ORDER BY t.bytes DESC
                """, parameters: []),
        // 9.6 s, now 3.7 s: sums per context (from the context index), then per instance.
        NamedQuery(
            name: "top-talking-instances", summary: "The 10 instances with the most bytes (needs instance-id, v3+).",
            sql: perContext("instance_id"), parameters: []),
        NamedQuery(
            name: "top-talking-subnets", summary: "The 10 subnets with the most bytes (needs subnet-id, v3+).",
            sql: perContext("subnet_id"), parameters: []),
        // 27.9 s, now about 20 s: the protocol is in no index, so every row is read.
        NamedQuery(
            name: "top-tcp", summary: "The 10 TCP conversations (source, destination, port) with the most bytes.",
            sql: """
                SELECT s.address AS srcaddr, d.address AS dstaddr, t.dstport, t.bytes, t.packets, t.flows FROM (
                    SELECT src, dst, dstport, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
                    FROM flow_rows WHERE protocol = 6 GROUP BY src, dst, dstport ORDER BY bytes DESC LIMIT 10) t
                JOIN addresses s ON s.id = t.src JOIN addresses d ON d.id = t.dst ORDER BY t.bytes DESC
                """, parameters: []),
        // 21.7-40 s, now 3.2 s: the pairs' bytes and flows come from the covering source index
        // alone, and only the 100 pairs shown have their rows read for the packets.
        NamedQuery(
            name: "bytes-by-pair", summary: "Total bytes transferred per source-destination pair (100 rows).",
            sql: """
                WITH top AS (
                    SELECT src, dst, sum(bytes) AS bytes, count(*) AS flows FROM flow_rows
                    GROUP BY src, dst ORDER BY bytes DESC LIMIT 100)
                SELECT s.address AS srcaddr, d.address AS dstaddr, top.bytes,
                       (SELECT sum(packets) FROM flow_rows r WHERE r.src = top.src AND r.dst = top.dst) AS packets,
                       top.flows
                FROM top JOIN addresses s ON s.id = top.src JOIN addresses d ON d.id = top.dst ORDER BY top.bytes DESC
                """, parameters: []),
        NamedQuery(
            name: "bytes-by-pair-packet-level",
            summary: "Total bytes per packet-level pair (pkt-srcaddr/pkt-dstaddr, else srcaddr/dstaddr).",
            sql: """
                SELECT s.address AS pkt_srcaddr, d.address AS pkt_dstaddr, t.bytes, t.packets, t.flows FROM (
                    SELECT coalesce(nullif(x.pkt_src, 0), r.src) AS src, coalesce(nullif(x.pkt_dst, 0), r.dst) AS dst,
                           sum(r.bytes) AS bytes, sum(r.packets) AS packets, count(*) AS flows
                    FROM flow_rows r LEFT JOIN flow_extras x ON x.row = r.rowid GROUP BY 1, 2 ORDER BY bytes DESC LIMIT 100) t
                JOIN addresses s ON s.id = t.src JOIN addresses d ON d.id = t.dst ORDER BY t.bytes DESC
                """, parameters: []),
        NamedQuery(
            name: "traffic-from", summary: "Traffic from one address (--param ip=...), oldest first.",
            sql: "SELECT \(flowColumns) FROM flows WHERE srcaddr = :ip ORDER BY start ASC LIMIT 1000",
            parameters: ["ip"]),
        NamedQuery(
            name: "traffic-to", summary: "Traffic to one address (--param ip=...), oldest first.",
            sql: "SELECT \(flowColumns) FROM flows WHERE dstaddr = :ip ORDER BY start ASC LIMIT 1000",
            parameters: ["ip"]),
    ]

    /// The 10 values of a context column (`instance_id`, `subnet_id`) with the most bytes.
    static func perContext(_ column: String) -> String {
        """
        SELECT c.\(column), sum(t.bytes) AS bytes, sum(t.packets) AS packets, sum(t.flows) AS flows FROM (
            SELECT context, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows FROM flow_rows GROUP BY context) t
        JOIN contexts c ON c.id = t.context WHERE c.\(column) IS NOT NULL
        GROUP BY c.\(column) ORDER BY bytes DESC LIMIT 10
        """
    }
}
