import FlowCore
@testable import FlowDetection
import Testing

/// `KeyIndex` (linear probing, hash bits in the buckets, compaction that renumbers in place or
/// rebuilds) hands out exactly the slots a dictionary and an array of keys in insertion order
/// would, through any mix of inserts, lookups and compactions.
@Suite struct KeyIndexTests {
    /// A small pseudo-random generator, so that failures repeat.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }
    }

    /// Keys from a small space, so that they repeat; some IPv6, some with all three parts.
    static func key(_ n: UInt64) -> WindowKey {
        switch n % 3 {
        case 0: WindowKey(a: IPAddress(ipv4: UInt32(truncatingIfNeeded: n)), b: WindowKey.number(n % 11), c: .zero)
        case 1: WindowKey(a: IPAddress(high: 0x2001_0DB8 << 32, low: n), b: IPAddress(ipv4: 7), c: .zero)
        default: WindowKey(a: IPAddress(ipv4: 1), b: IPAddress(ipv4: UInt32(n)), c: WindowKey.number(n >> 4))
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func agreesWithADictionaryThroughInsertsAndCompactions(seed: UInt64) {
        var random = Generator(state: seed)
        var index = KeyIndex(capacity: Int(seed) * 3)
        var order: [WindowKey] = []
        var reference: [WindowKey: Int] = [:]
        for round in 0..<60 {
            // Phases of growth and of heavy expiry, so that the buckets grow, shrink, and are
            // renumbered in place at every load.
            let space = UInt64(1 + (round * 97) % 3_000)
            for _ in 0..<random.next(2_000) {
                let key = Self.key(random.next(space))
                let (slot, inserted) = index.insert(key)
                if let known = reference[key] {
                    #expect(!inserted && slot == known)
                } else {
                    #expect(inserted && slot == order.count)
                    reference[key] = order.count
                    order.append(key)
                }
            }
            let modulus = 1 + random.next(5)
            let keep: (Int) -> Bool = { UInt64($0 &* 7 + round) % modulus != 0 }
            let kept = index.compact(keeping: keep)
            let expected = order.indices.filter(keep)
            #expect(kept == expected)
            order = expected.map { order[$0] }
            reference = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
            #expect(index.count == order.count && index.keys == order)
            for n in 0..<min(space, 400) {
                let key = Self.key(n)
                #expect(index.slot(of: key) == reference[key])
            }
        }
    }

    /// A rule's inline key fields build the same keys as the array's fields, one by one.
    @Test func inlineKeyFieldsBuildTheKeysOfTheirArray() throws {
        let records = try SharedEvaluationTests.records()
        let context = KeyContext(
            zoneNames: ["a", "b"],
            zoneSets: [SharedEvaluationTests.set("10.0.1.0/24"), SharedEvaluationTests.set("10.0.3.0/24", "8.8.8.0/24")])
        let all = KeyField.allCases
        var fieldLists: [[KeyField]] = [[]]
        for (offset, field) in all.enumerated() {
            fieldLists.append([field])
            fieldLists.append([field, all[(offset + 3) % all.count]])
            fieldLists.append([all[(offset + 5) % all.count], field, all[(offset + 1) % all.count]])
        }
        records.withUnsafeBufferPointer { buffer in
            for fields in fieldLists {
                let inline = KeyFields(fields)
                for index in buffer.indices {
                    let record = buffer.baseAddress! + index
                    let facts = RecordFacts(at: record)
                    func value(_ position: Int) -> IPAddress {
                        position < fields.count ? WindowKey.value(fields[position], record, facts, context) : .zero
                    }
                    #expect(inline.key(record, facts, context) == WindowKey(a: value(0), b: value(1), c: value(2)))
                }
            }
        }
    }

    /// An element that counts its own destruction, to catch a leak or a double destroy.
    final class Tracked {
        final class Log { var destroyed: [Int] = [] }
        let id: Int
        let log: Log
        init(_ id: Int, _ log: Log) { (self.id, self.log) = (id, log) }
        deinit { log.destroyed.append(id) }
    }

    /// Keeping elements in place, by moves with a filler or by copies and swaps, keeps exactly
    /// the chosen ones in order and destroys every other one (and every filler) exactly once.
    @Test func keepingInPlaceKeepsTheChosenElementsAndDestroysTheRestOnce() {
        var random = Generator(state: 7)
        for round in 0..<300 {
            let count = Int(random.next(40))
            let chance = 1 + random.next(4)
            let kept = (0..<count).filter { _ in random.next(chance + 1) != 0 || round % 7 == 0 }
            let log = Tracked.Log()
            do {
                var moved = (0..<count).map { Tracked($0, log) }
                moved.keepInPlace(kept, refilling: Tracked(-1, log))
                #expect(moved.map(\.id) == kept)
                var swapped = (0..<count).map { Tracked(1_000 + $0, log) }
                swapped.keepInPlace(kept)
                #expect(swapped.map(\.id) == kept.map { 1_000 + $0 })
                var numbers = Array(0..<count)
                numbers.keepInPlace(kept)
                #expect(numbers == kept)
            }
            let real = log.destroyed.filter { $0 >= 0 }
            #expect(real.sorted() == (0..<count).map { $0 } + (0..<count).map { 1_000 + $0 })
            let fillers = log.destroyed.count - real.count
            #expect(fillers == kept.filter { $0 >= kept.count }.count)
        }
    }

    @Test func anIndexEmptiedByCompactionTakesNewKeysFromSlotZero() {
        var index = KeyIndex()
        for n in 0..<100 as Range<UInt64> { _ = index.insert(Self.key(n)) }
        #expect(index.compact { _ in false }.isEmpty)
        #expect(index.count == 0 && index.slot(of: Self.key(5)) == nil)
        let (slot, inserted) = index.insert(Self.key(5))
        #expect(slot == 0 && inserted)
        index.removeAll()
        #expect(index.count == 0 && index.insert(Self.key(5)) == (0, true))
    }
}
