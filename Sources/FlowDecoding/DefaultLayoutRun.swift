import FlowCore
import Glibc

/// Decodes stretches of consecutive default-layout lines as two streams side by side.
///
/// A line's fields form one long chain (each token's end is the next one's start), and the next
/// line starts where that chain ends, so a core decoding lines one after another mostly waits.
/// Here a segment of the input is cut at a line start near its middle, and
/// ``DefaultLayoutParser/pair(_:_:into:_:interner:)`` takes a line from each half in turn: two
/// independent chains. Each half's records are written into a block of blank records of its own,
/// then appended to the batch in input order; finding every line's end beforehand instead (with
/// memchr) cost a call and a mispredicted branch per line.
final class DefaultLayoutRun {
    /// Bytes in each half of a segment. The shortest line the parser takes has 46 bytes, so a half
    /// holds at most (2048 + 448) / 46 < 64 lines: the blocks never fill before a half ends (if
    /// they did, the run would only stop early and take the rest in the next segment).
    static let half = 2048
    static let blockSize = 64

    let parser: DefaultLayoutParser
    private let first: UnsafeMutablePointer<FlowRecord>
    private let second: UnsafeMutablePointer<FlowRecord>

    init(symbols: TokenSymbolCache) {
        parser = DefaultLayoutParser(symbols: symbols)
        first = .allocate(capacity: Self.blockSize)
        first.initialize(repeating: FlowRecord(), count: Self.blockSize)
        second = .allocate(capacity: Self.blockSize)
        second.initialize(repeating: FlowRecord(), count: Self.blockSize)
    }

    deinit {
        first.deallocate()
        second.deallocate()
    }

    /// What one segment produced.
    struct Outcome {
        /// Lines decoded and appended to the batch.
        var lines: Int
        /// Where decoding stopped: the start of the first line not taken.
        var position: Int
        /// False when a line at `position` is not one the run takes (the general path must).
        var complete: Bool
    }

    /// Decodes the lines of one segment starting at `position` (a line start no later than
    /// `limit`, the last start that leaves ``DefaultLayoutParser/slack`` readable bytes) and
    /// appends their records to `records`.
    func segment(
        _ base: UnsafePointer<UInt8>, from position: Int, limit: Int, into records: inout [FlowRecord],
        interner: inout LocalInterner
    ) -> Outcome {
        // The second half starts at the first line start after `position + half`.
        var split = Int.max
        if position &+ Self.half <= limit,
            let newline = memchr(base + position + Self.half, 0x0A, DefaultLayoutParser.lineLimit + 1)
        {
            let start = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) &+ 1
            if start <= limit { split = start }
        }
        var a = position
        var countA = 0
        var b = split
        var countB = 0
        let endB = split == Int.max ? Int.max : split &+ Self.half
        let capacity = Self.blockSize
        if split != Int.max {
            while a < split && b < endB && b <= limit && countA < capacity && countB < capacity {
                guard let (lengthA, lengthB) = parser.pair(
                    base + a, base + b, into: first + countA, second + countB, interner: &interner)
                else { break }
                a &+= lengthA
                b &+= lengthB
                countA &+= 1
                countB &+= 1
            }
        }
        // The first half alone: what is left of it, or a whole block when there is no split.
        let stoppedA = alone(base, from: &a, before: split, limit: limit, into: first, count: &countA, interner: &interner)
        flush(first, countA, into: &records)
        guard a == split else {
            // No split, or the first half stopped early: the second half's records are dropped and
            // read again from `a` on.
            return Outcome(lines: countA, position: a, complete: !stoppedA)
        }
        let stoppedB = alone(base, from: &b, before: endB, limit: limit, into: second, count: &countB, interner: &interner)
        flush(second, countB, into: &records)
        return Outcome(lines: countA &+ countB, position: b, complete: !stoppedB)
    }

    /// Lines one by one from `position` while they start before `end` (and at most at `limit`)
    /// and `block` has room, appended after its first `count` records. Returns true when a line
    /// was not taken.
    @inline(__always)
    private func alone(
        _ base: UnsafePointer<UInt8>, from position: inout Int, before end: Int, limit: Int,
        into block: UnsafeMutablePointer<FlowRecord>, count: inout Int, interner: inout LocalInterner
    ) -> Bool {
        while position < end && position <= limit && count < Self.blockSize {
            guard let length = parser.line(base + position, into: block + count, interner: &interner) else {
                return true
            }
            position &+= length
            count &+= 1
        }
        return false
    }

    /// Appends the first `count` records of `block` to `records`. The block needs no blanking
    /// afterwards: every line parsed into it writes the same fields, and the others stay blank.
    private func flush(_ block: UnsafeMutablePointer<FlowRecord>, _ count: Int, into records: inout [FlowRecord]) {
        if count > 0 { records.append(contentsOf: UnsafeBufferPointer(start: block, count: count)) }
    }
}
