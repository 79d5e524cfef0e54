import FlowCore
@testable import FlowDetection
import Testing

/// `DistinctTimes` (three values inline, a dictionary past them) keeps exactly what a dictionary
/// of value to newest time keeps, through any mix of notes and expiries.
@Suite struct DistinctTimesTests {
    @Test func agreesWithADictionaryThroughNotesAndExpiries() {
        var seed: UInt64 = 0x9E37_79B9
        func next(_ bound: UInt64) -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (seed >> 33) % bound
        }
        // Few values, so that they repeat, expire while others stay, and come back.
        for round in 0..<400 {
            var times = DistinctTimes()
            var reference: [IPAddress: Int64] = [:]
            let valueCount = UInt64(1 + round % 9)
            for _ in 0..<60 {
                if next(5) == 0 {
                    let cutoff = Int64(next(100))
                    times.removeOlder(than: cutoff)
                    reference = reference.filter { $0.value >= cutoff }
                } else {
                    let value = IPAddress(ipv4: 0x0A00_0000 | UInt32(next(valueCount)))
                    let time = Int64(next(100))
                    times.note(value, at: time)
                    if let seen = reference[value] {
                        if time > seen { reference[value] = time }
                    } else {
                        reference[value] = time
                    }
                }
                #expect(times.count == reference.count)
                #expect(times.values.sorted() == reference.keys.sorted())
                #expect(times.earliest(below: 1000) == reference.values.min() ?? 1000)
            }
        }
    }

    @Test func anEmptySetHasNoValuesAndNoEarliestTime() {
        var times = DistinctTimes()
        #expect(times.count == 0 && times.values.isEmpty && times.earliest(below: 7) == 7)
        times.note(IPAddress(ipv4: 1), at: 5)
        times.removeOlder(than: 6)
        #expect(times.count == 0 && times.values.isEmpty && times.earliest(below: 7) == 7)
    }
}
