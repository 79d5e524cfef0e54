import FlowCore
import FlowLensKit
import Testing

/// The statistics' address table: open addressing that grows to three quarters full, where a
/// slot without flows is free.
@Suite struct AddressTableTests {
    /// Many more addresses than the initial capacity, each added a known number of times, IPv4
    /// and IPv6 mixed: nothing is lost or merged across growths.
    @Test func countsSurviveGrowth() {
        var table = AddressTable(capacity: 16)
        let addresses = (0..<20_000).map { k -> IPAddress in
            k % 3 == 0
                ? IPAddress(high: 0x2001_0db8_0000_0000, low: UInt64(k))
                : IPAddress(ipv4: 0x0A00_0000 | UInt32(k))
        }
        for (k, address) in addresses.enumerated() {
            for _ in 0..<(k % 4 + 1) { table.add(address, packets: 2, bytes: UInt64(k)) }
        }
        #expect(table.count == addresses.count)
        let entries = Dictionary(uniqueKeysWithValues: table.entries.map { ($0.0, $0.1) })
        #expect(entries.count == addresses.count)
        for (k, address) in addresses.enumerated() {
            let times = UInt64(k % 4 + 1)
            #expect(entries[address] == TrafficCounter(flows: times, packets: 2 * times, bytes: UInt64(k) * times))
        }
        let top = table.top(3, by: .bytes)
        #expect(top.map(\.0) == [addresses[19_999], addresses[19_995], addresses[19_991]])
    }

    /// The top of every size, for every metric, equals the head of a full sort of the entries,
    /// ties (many equal byte counts here) broken by address.
    @Test func topEqualsHeadOfFullSort() {
        var table = AddressTable(capacity: 16)
        var state: UInt64 = 7
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let address = IPAddress(ipv4: 0x0A00_0000 | UInt32(truncatingIfNeeded: state >> 40) & 0x3FF)
            table.add(address, packets: state >> 61, bytes: (state >> 50) & 7)
        }
        for metric in [TrafficMetric.bytes, .packets, .flows] {
            let sorted = table.entries.sorted {
                let (a, b) = (metric.value($0.1), metric.value($1.1))
                return a != b ? a > b : $0.0 < $1.0
            }
            for n in [0, 1, 10, 100, table.count, table.count + 5] {
                let top = table.top(n, by: metric)
                #expect(top.map(\.0) == sorted.prefix(n).map(\.0))
                #expect(top.map(\.1) == sorted.prefix(n).map(\.1))
            }
        }
    }
}
