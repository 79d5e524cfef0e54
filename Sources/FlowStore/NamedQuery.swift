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

    /// The sixteen queries, in AWS's order.
    public static let all: [NamedQuery] = [
        NamedQuery(
            name: "accepted", summary: "Accepted traffic, newest first (100 rows).",
            sql: "SELECT \(flowColumns) FROM flows WHERE action = 'ACCEPT' ORDER BY start DESC LIMIT 100",
            parameters: []),
        NamedQuery(
            name: "admin-port",
            summary: "Traffic to remote-administration ports (SSH, Telnet, RDP, VNC, WinRM) by destination.",
            sql: """
                SELECT dstaddr, dstport, action, count(*) AS flows, count(DISTINCT srcaddr) AS sources,
                       sum(bytes) AS bytes
                FROM flows WHERE dstport IN (22, 23, 3389, 5900, 5985, 5986)
                GROUP BY dstaddr, dstport, action ORDER BY flows DESC LIMIT 100
                """, parameters: []),
        NamedQuery(
            name: "ipv4", summary: "IPv4 traffic (100 rows).",
            sql: "SELECT \(flowColumns) FROM flows WHERE instr(srcaddr, '.') > 0 ORDER BY start DESC LIMIT 100",
            parameters: []),
        NamedQuery(
            name: "ipv6", summary: "IPv6 traffic (100 rows).",
            sql: "SELECT \(flowColumns) FROM flows WHERE instr(srcaddr, ':') > 0 ORDER BY start DESC LIMIT 100",
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
            sql: "SELECT \(flowColumns) FROM flows WHERE action = 'REJECT' ORDER BY start DESC LIMIT 100",
            parameters: []),
        NamedQuery(
            name: "ssh-rdp", summary: "SSH and RDP traffic (port 22 or 3389 at either end), oldest first.",
            sql: """
                SELECT \(flowColumns) FROM flows
                WHERE srcport IN (22, 3389) OR dstport IN (22, 3389) ORDER BY start ASC LIMIT 100
                """, parameters: []),
        NamedQuery(
            name: "top-talkers", summary: "The 10 source addresses that sent the most bytes.",
            sql: """
                SELECT srcaddr, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
                FROM flows GROUP BY srcaddr ORDER BY bytes DESC LIMIT 10
                """, parameters: []),
        NamedQuery(
            name: "top-talkers-packet-level",
            summary: "The 10 packet-level sources (pkt-srcaddr, else srcaddr) that sent the most bytes.",
            sql: """
                SELECT coalesce(pkt_srcaddr, srcaddr) AS pkt_srcaddr, sum(bytes) AS bytes, sum(packets) AS packets
                FROM flows GROUP BY 1 ORDER BY bytes DESC LIMIT 10
                """, parameters: []),
        NamedQuery(
            name: "top-talking-instances", summary: "The 10 instances with the most bytes (needs instance-id, v3+).",
            sql: """
                SELECT instance_id, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
                FROM flows WHERE instance_id IS NOT NULL GROUP BY instance_id ORDER BY bytes DESC LIMIT 10
                """, parameters: []),
        NamedQuery(
            name: "top-talking-subnets", summary: "The 10 subnets with the most bytes (needs subnet-id, v3+).",
            sql: """
                SELECT subnet_id, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
                FROM flows WHERE subnet_id IS NOT NULL GROUP BY subnet_id ORDER BY bytes DESC LIMIT 10
                """, parameters: []),
        NamedQuery(
            name: "top-tcp", summary: "The 10 TCP conversations (source, destination, port) with the most bytes.",
            sql: """
                SELECT srcaddr, dstaddr, dstport, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
                FROM flows WHERE protocol = 6 GROUP BY srcaddr, dstaddr, dstport ORDER BY bytes DESC LIMIT 10
                """, parameters: []),
        NamedQuery(
            name: "bytes-by-pair", summary: "Total bytes transferred per source-destination pair (100 rows).",
            sql: """
                SELECT srcaddr, dstaddr, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
                FROM flows GROUP BY srcaddr, dstaddr ORDER BY bytes DESC LIMIT 100
                """, parameters: []),
        NamedQuery(
            name: "bytes-by-pair-packet-level",
            summary: "Total bytes per packet-level pair (pkt-srcaddr/pkt-dstaddr, else srcaddr/dstaddr).",
            sql: """
                SELECT coalesce(pkt_srcaddr, srcaddr) AS pkt_srcaddr, coalesce(pkt_dstaddr, dstaddr) AS pkt_dstaddr,
                       sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows
                FROM flows GROUP BY 1, 2 ORDER BY bytes DESC LIMIT 100
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
}
