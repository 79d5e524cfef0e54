import FlowCore

/// The distinct values of one window (ports, addresses) with the newest time each was seen: a
/// map from value to time, as a `distinct:` measure counts it.
///
/// The first three values are kept inline and only a fourth one opens a dictionary. Most keys
/// of a scan see one to three values (a source probing a port or three of one host, for
/// `port-scan`: over the 10 M record test day it raises 140k alerts at a threshold of two
/// ports, 58k at three and none at four),
/// and a dictionary per key cost an allocation when its second value arrived, SipHash and
/// growth on every value, and a free when the key expired: more than the rest of the rule's
/// work on those keys.
struct DistinctTimes {
    /// Inline values `0..<inlineCount`, each with its newest time; the rest are in `others`.
    private var value0 = IPAddress(high: 0, low: 0)
    private var value1 = IPAddress(high: 0, low: 0)
    private var value2 = IPAddress(high: 0, low: 0)
    private var time0: Int64 = 0
    private var time1: Int64 = 0
    private var time2: Int64 = 0
    private var inlineCount = 0
    /// Values past the inline ones; never holds a value that is inline.
    private var others: [IPAddress: Int64] = [:]

    private static var inlineCapacity: Int { 3 }

    var count: Int { inlineCount + (others.isEmpty ? 0 : others.count) }

    /// Notes `value` seen at `time`: added when new, else its time raised to `time` if newer.
    @inline(__always)
    mutating func note(_ value: IPAddress, at time: Int64) {
        if inlineCount > 0 && value0 == value {
            if time > time0 { time0 = time }
        } else if inlineCount > 1 && value1 == value {
            if time > time1 { time1 = time }
        } else if inlineCount > 2 && value2 == value {
            if time > time2 { time2 = time }
        } else if inlineCount < Self.inlineCapacity && others.isEmpty {
            append(value, time)
        } else {
            noteInOthers(value, at: time)
        }
    }

    /// Adds a value that is neither inline nor in `others` to the inline ones.
    @inline(__always)
    private mutating func append(_ value: IPAddress, _ time: Int64) {
        switch inlineCount {
        case 0: (value0, time0) = (value, time)
        case 1: (value1, time1) = (value, time)
        default: (value2, time2) = (value, time)
        }
        inlineCount += 1
    }

    /// The dictionary half of ``note(_:at:)``, out of line: rare next to the inline cases.
    private mutating func noteInOthers(_ value: IPAddress, at time: Int64) {
        if let seen = others[value] {
            if time > seen { others[value] = time }
        } else if inlineCount < Self.inlineCapacity {
            append(value, time)
        } else {
            others[value] = time
        }
    }

    /// Drops the values last seen before `cutoff`.
    mutating func removeOlder(than cutoff: Int64) {
        var kept = 0
        for index in 0..<inlineCount {
            let (value, time) = inlineEntry(index)
            guard time >= cutoff else { continue }
            setInlineEntry(kept, value, time)
            kept += 1
        }
        inlineCount = kept
        if !others.isEmpty { others = others.filter { $0.value >= cutoff } }
    }

    /// Every value, in no particular order.
    var values: [IPAddress] { (0..<inlineCount).map { inlineEntry($0).value } + Array(others.keys) }

    /// The oldest time of any value, or `limit` when none is older.
    func earliest(below limit: Int64) -> Int64 {
        var earliest = limit
        for index in 0..<inlineCount where inlineEntry(index).time < earliest { earliest = inlineEntry(index).time }
        for time in others.values where time < earliest { earliest = time }
        return earliest
    }

    private func inlineEntry(_ index: Int) -> (value: IPAddress, time: Int64) {
        switch index {
        case 0: (value0, time0)
        case 1: (value1, time1)
        default: (value2, time2)
        }
    }

    private mutating func setInlineEntry(_ index: Int, _ value: IPAddress, _ time: Int64) {
        switch index {
        case 0: (value0, time0) = (value, time)
        case 1: (value1, time1) = (value, time)
        default: (value2, time2) = (value, time)
        }
    }
}
