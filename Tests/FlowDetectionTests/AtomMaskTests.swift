import FlowCore
import FlowDecoding
@testable import FlowDetection
import FlowEnrichment
import FlowExpression
import FlowLensKit
import FlowTesting
import Testing

/// Matching through atom masks (every distinct test once per record, walks remembered per mask)
/// finds exactly what `FlowFilter` finds, on every path: with and without the service-port
/// table, past one word of reports, and when the tests do not fit a mask.
@Suite struct AtomMaskTests {
    static let t0: Int64 = 1_793_577_600

    /// Records over a wide range of service ports (0 to 1,199 and ephemeral ones), in both
    /// directions, with and without ports and addresses, each shape several times so that the
    /// plan's remembered walks are used as well as made.
    static func records() throws -> [FlowRecord] {
        let header =
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags pkt-srcaddr pkt-dstaddr"
        let addresses = ["10.0.1.5", "10.0.2.7", "192.0.2.9", "203.0.113.7", "172.16.0.3", "10.0.9.9", "2001:db8::5", "-"]
        var lines = [header]
        for i in 0..<3_000 {
            let src = addresses[i % addresses.count]
            let dst = addresses[(i / 5) % (addresses.count - 1)]
            let service = (i * 7) % 1_200
            let ephemeral = 40_000 + i % 97
            let proto = [6, 17, 1, 6][i % 4]
            let packets = i % 3 == 0 ? 2 : 40 + i % 50
            let bytes = i % 3 == 0 ? 100 : packets * 700
            let action = i % 5 == 0 ? "REJECT" : "ACCEPT"
            let flags = i % 11 == 0 ? "-" : String([2, 18, 19, 3, 0][i % 5])
            let pktSrc = i % 13 == 0 ? "10.0.9.9" : "-"
            let ports = i % 17 == 0 ? ("-", "-") : (i % 2 == 0 ? (String(ephemeral), String(service)) : (String(service), String(ephemeral)))
            lines.append(
                "2 123456789012 eni-\(i % 3) \(src) \(dst) \(ports.0) \(ports.1) \(proto) \(packets) \(bytes) \(t0 + Int64(i)) \(t0 + Int64(i) + 60) \(action) OK \(flags) \(pktSrc) -"
            )
        }
        return try DecoderHarness.decode(lines.joined(separator: "\n")).records
    }

    /// Runs a plan of `texts` and checks each rule's matches against its own `FlowFilter`.
    @discardableResult
    static func check(_ texts: [String], _ records: [FlowRecord]) throws -> MatchPlan {
        let sets = SharedEvaluationTests.sets
        let filters = try texts.map { try FlowFilter($0, sets: sets) }
        let plan = try MatchPlan(filters.map(\.expression), sets: sets)
        let found = plan.run(records)
        for (index, filter) in filters.enumerated() {
            #expect(plan.records(ofRule: index, in: found, count: records.count) == filter.matchingIndices(in: records), "\(texts[index])")
        }
        return plan
    }

    @Test func atomMasksMatchWhatFlowFilterMatches() throws {
        let records = try Self.records()
        let texts = [
            "response", "request and initiator in $internal", "responder not in $internal",
            "src in 10.0.0.0/8 or dst in (8.8.8.8, 203.0.113.0/24)", "srcaddr not in $trusted", "dstaddr = 10.0.2.7",
            "pkt-srcaddr in $nat_gateways", "pkt-dstaddr not in $internal", "addr in 192.0.2.0/24",
            "service-port in (22, 23, 3389, 5900-5903)", "service-port not in (53, 123)", "service-port = 443",
            "request and service-port in (20, 21, 23, 69, 110, 143, 161, 389, 512-514)", "service-port >= 1024",
            "service-port < 100", "client-port >= 40050", "dstport not in (53, 123)", "port = 22", "protocol = tcp",
            "protocol != udp", "packets <= 2 and bytes <= 160", "not (packets <= 2 and bytes <= 160)",
            "action = REJECT", "action != ACCEPT", "tcp-flags = 2", "tcp-flags has 18", "exists pkt-srcaddr",
            "not exists service-port", "not (initiator in $nat_gateways and exists pkt-srcaddr)",
            "request and (protocol = tcp or protocol = udp) and (action = REJECT or tcp-flags = 2 or (packets <= 2 and bytes <= 160))",
            // More edges than are counted: the class is found by a binary search.
            "packets in (1, 3, 5, 7, 9, 11, 40-45)", "protocol in (1, 6, 17) and log-status != SKIPDATA",
        ]
        let plan = try Self.check(texts, records)
        #expect(plan.usesAtomMasks && plan.usesPortTable && plan.usesAddressTable)
    }

    @Test func theBuiltinRulesRunOnAtomMasks() throws {
        let records = try Self.records()
        let texts = try RuleLoader.builtin().map(\.match)
        let plan = try Self.check(texts, records)
        #expect(plan.usesAtomMasks && plan.usesPortTable && plan.usesAddressTable)
    }

    /// The address table answers as the intervals do, at and around every block's edges, for
    /// blocks larger and smaller than a prefix, for IPv6 addresses and for sets spanning both.
    @Test func addressPrefixTableAgreesWithTheIntervals() {
        let setTexts = [
            ["10.0.0.0/8"], ["10.20.0.0/16", "192.168.1.0/24"], ["0.0.0.0/0"], ["::/0"],
            ["1.2.3.4/32", "1.2.0.0/17", "1.3.255.255/32"], ["10.255.255.255/32", "11.0.0.0/32"],
            ["2001:db8::/32", "100.64.0.0/10"], ["::ffff:0:0/100"],
        ]
        let (buffer, sets) = Self.intervals(of: setTexts)
        defer { buffer.deallocate() }
        #expect(buffer.count >= setTexts.count)
        var probes: [IPAddress] = [IPAddress(ipv4: 0), IPAddress(ipv4: .max), IPAddress(high: 0, low: 0), IPAddress(high: .max, low: .max)]
        for interval in buffer {
            for edge in [interval.low, interval.high] {
                probes.append(edge)
                probes.append(IPAddress(high: edge.high, low: edge.low &+ 1))
                probes.append(IPAddress(high: edge.high, low: edge.low &- 1))
                probes.append(IPAddress(high: edge.high, low: edge.low ^ 0x8000))
            }
        }
        var seed: UInt64 = 0x1234_5678
        for _ in 0..<5_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            probes.append(IPAddress(ipv4: UInt32(truncatingIfNeeded: seed >> 32)))
            probes.append(IPAddress(ipv4: 0x0A00_0000 | UInt32(truncatingIfNeeded: seed >> 40)))
        }
        let table = AddressPrefixTable(sets: sets, intervals: buffer)
        defer { table.deallocate() }
        #expect(!table.isEmpty)
        #expect(Self.mismatches(table, sets, buffer, probes) == 0)
    }

    /// Each set's blocks merged into intervals, all in one buffer (the caller deallocates it),
    /// and each set's run of them.
    static func intervals(of setTexts: [[String]]) -> (UnsafeMutableBufferPointer<AddressInterval>, [(start: Int32, count: Int32)]) {
        var intervals: [AddressInterval] = []
        var sets: [(start: Int32, count: Int32)] = []
        for texts in setTexts {
            let merged = IntervalSet.merged(texts.compactMap { CIDR($0) }.map(AddressInterval.init))
            sets.append((Int32(intervals.count), Int32(merged.count)))
            intervals += merged
        }
        let buffer = UnsafeMutableBufferPointer<AddressInterval>.allocate(capacity: intervals.count)
        _ = buffer.initialize(from: intervals)
        return (buffer, sets)
    }

    /// How many (probe, set) answers of the table differ from the intervals'.
    static func mismatches(
        _ table: AddressPrefixTable, _ sets: [(start: Int32, count: Int32)],
        _ buffer: UnsafeMutableBufferPointer<AddressInterval>, _ probes: [IPAddress]
    ) -> Int {
        var mismatches = 0
        for address in probes {
            for (index, set) in sets.enumerated() {
                let expected = IntervalSet.contains(address, in: buffer, start: Int(set.start), count: Int(set.count))
                let found = table.contains(address, set: index, start: Int(set.start), count: Int(set.count), in: buffer)
                if expected != found { mismatches += 1 }
            }
        }
        return mismatches
    }

    /// The trie goes down to single addresses, so a /32 inside a /16 of another set cuts no
    /// class; with its node budget spent it keeps cut classes, and those still scan intervals.
    @Test func addressTableResolvesSingleAddressesWithinItsBudget() {
        let setTexts = [
            ["10.20.0.0/16"], ["10.20.6.5/32", "204.16.150.47/32"], ["10.20.0.2/32"], ["10.20.5.0/24", "10.20.15.0/24"],
            ["203.0.113.66/32", "198.51.100.0/28"],
        ]
        let (buffer, sets) = Self.intervals(of: setTexts)
        defer { buffer.deallocate() }
        var probes: [IPAddress] = []
        for base: UInt32 in [0x0A14_0000, 0x0A14_0600, 0x0A14_0500, 0xCB00_7100, 0xC633_6400] {
            for offset: UInt32 in 0..<300 { probes.append(IPAddress(ipv4: base &+ offset &- 20)) }
        }
        for budget in [AddressPrefixTable.refinedNodeBudget, 3, 0] {
            let table = AddressPrefixTable(sets: sets, intervals: buffer, budget: budget)
            defer { table.deallocate() }
            #expect(!table.isEmpty)
            #expect(table.hasCutClasses == (budget < AddressPrefixTable.refinedNodeBudget), "budget \(budget)")
            #expect(Self.mismatches(table, sets, buffer, probes) == 0, "budget \(budget)")
        }
    }

    @Test func reportsPastOneWordOfTheMask() throws {
        // Seventy rules, each a different four of eight tests: seventy nodes where rules end.
        let pool = [
            "request", "protocol = tcp", "action = ACCEPT", "initiator in $internal", "responder not in $internal",
            "service-port < 600", "packets > 2", "exists pkt-srcaddr",
        ]
        var texts: [String] = []
        for a in 0..<8 {
            for b in a + 1..<8 {
                for c in b + 1..<8 {
                    for d in c + 1..<8 { texts.append([pool[a], pool[b], pool[c], pool[d]].joined(separator: " and ")) }
                }
            }
        }
        #expect(texts.count == 70)
        let plan = try Self.check(texts, try Self.records())
        #expect(plan.usesAtomMasks && plan.reportMaskWords == 2)
    }

    @Test func moreTestsThanOneMaskHoldsAreTestedOneByOne() throws {
        let texts = (0..<70).map { "service-port = \($0 * 7) or dstport = \($0)" }
        let plan = try Self.check(texts, try Self.records())
        #expect(!plan.usesAtomMasks)
    }

    @Test func portListsWithMoreThan256ClassesAreTestedOneByOne() throws {
        // Test k holds the ports with bit k set: 1,024 ports, 1,024 different outcomes.
        let texts = (0..<10).map { bit in
            "service-port in (" + (1..<1_024).filter { $0 & (1 << bit) != 0 }.map(String.init).joined(separator: ", ") + ")"
        }
        let plan = try Self.check(texts, try Self.records())
        #expect(plan.usesAtomMasks && !plan.usesPortTable)
    }
}
