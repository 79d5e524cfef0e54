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
}
