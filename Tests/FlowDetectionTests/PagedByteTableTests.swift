@testable import FlowDetection
import Testing

/// `PagedByteTable` answers every key as the flat table it was built from, and keeps equal
/// pages once.
@Suite struct PagedByteTableTests {
    @Test func answersEveryKeyAsTheFlatTable() {
        var seed: UInt64 = 0x5DEE_CE66
        var values = [UInt8](repeating: 3, count: 65536)
        // Runs of other values at random places, some crossing page edges, some single keys.
        for _ in 0..<40 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let start = Int(seed >> 48)
            let length = Int((seed >> 20) & 0x3FF) + 1
            for key in start..<min(start + length, 65536) { values[key] = UInt8(truncatingIfNeeded: seed >> 8) }
        }
        values[0] = 9
        values[65535] = 7
        let table = PagedByteTable(values)
        for key in 0..<65536 { #expect(table[UInt16(key)] == values[key]) }
        table.deallocate()
    }

    @Test func keepsEqualPagesOnce() {
        var values = [UInt8](repeating: 1, count: 65536)
        values[22] = 2
        values[3389] = 2
        for key in 0x0A00..<0x0B00 { values[key] = 4 }
        let table = PagedByteTable(values)
        // The page of 22, the page of 3389, and one page each of all 1s and all 4s.
        #expect(table.storedBytes == 4 * 256)
        #expect(table[22] == 2 && table[23] == 1 && table[3389] == 2 && table[0x0A42] == 4 && table[0xFFFF] == 1)
        table.deallocate()
        #expect(PagedByteTable([]).isEmpty)
    }
}
