import FlowCore

/// The distinct values of one window (ports, addresses) with the newest time each was seen: a
/// map from value to time, as a `distinct:` measure counts it.
///
/// The first value is kept inline and only a second one opens a dictionary. Most keys of a scan
/// never see a second value (one source probing one port of one host, for `port-scan`), and a
/// dictionary per key cost an allocation when the key appeared, a free when it expired, and a
/// SipHash per record: in a 10 M record scan, more than the rest of the rule's work.
struct DistinctTimes {
    private var firstValue = IPAddress.zero
    private var firstTime: Int64 = 0
    private var hasFirst = false
    /// Every value but the inline one; never holds `firstValue` while `hasFirst`.
    private var others: [IPAddress: Int64] = [:]

    var count: Int { (hasFirst ? 1 : 0) + others.count }

    /// Notes `value` seen at `time`: added when new, else its time raised to `time` if newer.
    @inline(__always)
    mutating func note(_ value: IPAddress, at time: Int64) {
        if hasFirst && firstValue == value {
            if time > firstTime { firstTime = time }
        } else if !hasFirst && others.isEmpty {
            firstValue = value
            firstTime = time
            hasFirst = true
        } else {
            noteInOthers(value, at: time)
        }
    }

    /// The dictionary half of ``note(_:at:)``, out of line: rare next to the inline case.
    private mutating func noteInOthers(_ value: IPAddress, at time: Int64) {
        if let seen = others[value] {
            if time > seen { others[value] = time }
        } else if !hasFirst {
            firstValue = value
            firstTime = time
            hasFirst = true
        } else {
            others[value] = time
        }
    }

    /// Drops the values last seen before `cutoff`.
    mutating func removeOlder(than cutoff: Int64) {
        if hasFirst && firstTime < cutoff { hasFirst = false }
        if !others.isEmpty { others = others.filter { $0.value >= cutoff } }
    }

    /// Every value, in no particular order.
    var values: [IPAddress] { (hasFirst ? [firstValue] : []) + Array(others.keys) }

    /// The oldest time of any value, or `limit` when none is older.
    func earliest(below limit: Int64) -> Int64 {
        var earliest = limit
        if hasFirst && firstTime < earliest { earliest = firstTime }
        for time in others.values where time < earliest { earliest = time }
        return earliest
    }
}
