import FlowCore
import FlowDecoding
@testable import FlowDetection
import FlowEnrichment
import FlowExpression
import FlowLensKit
import FlowTesting
import Testing

/// The shared rule evaluation (one tree of conditions for all rules) and the flat key index
/// find exactly what rule-by-rule filtering and a dictionary find.
@Suite struct SharedEvaluationTests {
    static let t0: Int64 = 1_793_577_600

    /// Varied records: both directions, internal and external ends, accepted and rejected, TCP and
    /// UDP, small probes and bulk transfers, NAT-translated and not.
    static func records() throws -> [FlowRecord] {
        let header =
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags pkt-srcaddr pkt-dstaddr"
        let sources = ["10.0.1.5", "10.0.2.7", "192.0.2.9", "198.51.100.4", "172.16.0.3"]
        let destinations = ["10.0.3.9", "203.0.113.7", "8.8.8.8", "10.0.1.5"]
        let ports = [22, 53, 80, 443, 3389, 4444, 23, 50_123]
        var lines = [header]
        for i in 0..<400 {
            let src = sources[i % sources.count]
            let dst = destinations[(i / 3) % destinations.count]
            let port = ports[(i / 7) % ports.count]
            let proto = i % 5 == 0 ? 17 : 6
            let packets = i % 4 == 0 ? 1 : 30 + i
            let bytes = packets == 1 ? 44 : packets * 900
            let action = i % 6 == 0 ? "REJECT" : "ACCEPT"
            let flags = [2, 18, 19, 3][i % 4]
            let pktSrc = i % 9 == 0 ? "10.0.9.9" : "-"
            let srcport = i % 2 == 0 ? 40_000 + i : port
            let dstport = i % 2 == 0 ? port : 40_000 + i
            lines.append(
                "2 123456789012 eni-\(i % 3) \(src) \(dst) \(srcport) \(dstport) \(proto) \(packets) \(bytes) \(Self.t0 + Int64(i)) \(Self.t0 + Int64(i) + 60) \(action) OK \(flags) \(pktSrc) -"
            )
        }
        return try DecoderHarness.decode(lines.joined(separator: "\n")).records
    }

    static func set(_ blocks: String...) -> CIDRSet { CIDRSet(blocks.compactMap { CIDR($0) }) }

    static let sets: [String: CIDRSet] = {
        var context = NetworkContext(
            trusted: set("10.0.2.0/24"), dnsResolvers: set("10.0.0.2/32"), intel: set("203.0.113.7/32"))
        context.natGateways = set("10.0.9.9/32", "10.0.1.5/32")
        return context.namedSets
    }()

    @Test func theSharedTreeMatchesWhatEachRuleMatchesAlone() throws {
        let records = try Self.records()
        let definitions = try RuleLoader.builtin()
        let filters = try definitions.map { try FlowFilter($0.match, sets: Self.sets) }
        let plan = try MatchPlan(filters.map(\.expression), sets: Self.sets)
        let found = plan.run(records)
        let shared = filters.indices.map { plan.records(ofRule: $0, in: found, count: records.count) }
        for (index, filter) in filters.enumerated() {
            #expect(shared[index] == filter.matchingIndices(in: records), "\(definitions[index].id)")
        }
        // The records are not vacuous: several rules match some of them.
        #expect(shared.count { !$0.isEmpty } >= 5)
    }

    @Test func identicalAndOverlappingExpressionsShareNodes() throws {
        let texts = [
            "request and protocol = tcp and dstport = 22", "request and protocol = tcp and dstport = 22",
            "request and protocol = tcp", "protocol = tcp and request and action = REJECT", "not request",
        ]
        let records = try Self.records()
        let filters = try texts.map { try FlowFilter($0) }
        let plan = try MatchPlan(filters.map(\.expression), sets: FlowFilter.defaultSets)
        let found = plan.run(records)
        let shared = filters.indices.map { plan.records(ofRule: $0, in: found, count: records.count) }
        for (index, filter) in filters.enumerated() { #expect(shared[index] == filter.matchingIndices(in: records)) }
        // The two identical rules and the third share one node `request and protocol = tcp` (a
        // chain no rule ends inside is folded into one filter), under which the first two test
        // `dstport = 22`; the fourth, whose shared terms come in the other order, runs as one
        // chained filter; and `not request`: four filters for five rules instead of eleven terms.
        #expect(plan.filterCount == 4)
    }

    /// The plan's own compiled conditions agree with `FlowFilter` on every kind of test they
    /// cover (and fall back to it for the rest): senses, address sets and blocks on every read,
    /// multi-read subjects both ways, numbers, ranges and orderings, ports, enums, flags, `exists`.
    @Test func nativeConditionsMatchWhatFlowFilterMatches() throws {
        let records = try Self.records()
        let texts = [
            "response", "request and initiator in $internal", "responder not in $internal",
            "src in 10.0.0.0/8 or dst in (8.8.8.8, 203.0.113.0/24)", "srcaddr not in $trusted", "dstaddr = 10.0.3.9",
            "pkt-srcaddr in $nat_gateways", "pkt-dstaddr not in $internal", "addr in 192.0.2.0/24",
            "addr not in $internal", "port = 22", "port != 22", "service-port in (22, 23, 3389, 5900-5903)",
            "client-port >= 40100", "client-port < 40010", "dstport not in (53, 123)", "srcport > 65535",
            "srcport <= 0", "protocol = tcp", "protocol != udp", "packets <= 2 and bytes <= 160",
            "not (packets <= 2 and bytes <= 160)", "bytes > 20000", "action = REJECT", "action != ACCEPT",
            "log-status = OK", "flow-direction = ingress", "tcp-flags = 2", "tcp-flags has 18", "tcp-flags has (2, 16)",
            "exists pkt-srcaddr", "not exists pkt-srcaddr", "exists initiator", "exists service-port",
            "version = 2", "not (initiator in $nat_gateways and exists pkt-srcaddr)",
            "(action = REJECT or tcp-flags = 2 or (packets <= 2 and bytes <= 160))",
            // Left to `FlowFilter`: text fields and times.
            "interface-id = 'eni-1'", "start >= 2026-11-02T00:01:00Z",
        ]
        let filters = try texts.map { try FlowFilter($0, sets: Self.sets) }
        let plan = try MatchPlan(filters.map(\.expression), sets: Self.sets)
        let found = plan.run(records)
        let shared = filters.indices.map { plan.records(ofRule: $0, in: found, count: records.count) }
        for (index, filter) in filters.enumerated() {
            #expect(shared[index] == filter.matchingIndices(in: records), "\(texts[index])")
        }
        #expect(plan.fallbackCount == 2)
        let builtin = try RuleLoader.builtin()
        let rulePlan = try MatchPlan(try builtin.map { try FlowFilter($0.match, sets: Self.sets).expression }, sets: Self.sets)
        #expect(rulePlan.fallbackCount == 0)
    }

    @Test func keyIndexHandsOutDenseSlotsAndCompactsInOrder() {
        var index = KeyIndex(capacity: 4)
        func key(_ n: UInt64) -> WindowKey {
            WindowKey(a: IPAddress(high: 0, low: 0xFFFF_0000_0000 | n), b: .zero, c: WindowKey.number(n % 7))
        }
        for n in 0..<5_000 as Range<UInt64> {
            let (slot, inserted) = index.insert(key(n))
            #expect(slot == Int(n) && inserted)
        }
        let again = index.insert(key(42))
        #expect(again.slot == 42 && !again.inserted)
        #expect(index.slot(of: key(4_999)) == 4_999)
        #expect(index.slot(of: key(5_000)) == nil)
        let kept = index.compact { $0 % 3 == 0 }
        #expect(kept == Array(stride(from: 0, to: 5_000, by: 3)))
        #expect(index.count == kept.count)
        #expect(index.slot(of: key(3)) == 1)
        #expect(index.slot(of: key(4)) == nil)
        let back = index.insert(key(4))
        #expect(back.slot == kept.count && back.inserted)
    }

    @Test func portSetKnowsItsPortsAndListsTheLowest() {
        var ports = PortSet()
        for port: UInt16 in [65_535, 443, 22, 22, 0, 8080] { ports.insert(port) }
        #expect(ports.count == 5)
        #expect(ports.contains(0) && ports.contains(65_535) && ports.contains(8080))
        #expect(!ports.contains(23) && !ports.contains(1))
        #expect(ports.sorted(limit: 3) == [0, 22, 443])
        #expect(ports.sorted(limit: 20) == [0, 22, 443, 8080, 65_535])
    }
}
