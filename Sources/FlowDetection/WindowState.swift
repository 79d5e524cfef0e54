import FlowCore

/// The sliding event-time window of one key of one windowed rule.
///
/// Events older than the key's newest event minus the window drop out. Records may arrive out of
/// order: one older than the window's start is ignored for the measure (it could not have been in
/// the same window), and anything newer extends the window.
final class WindowState {
    /// Events in the window (from `head` on), each time with its amount: one array rather than
    /// two, since new keys keep appearing and each array costs allocations as it grows.
    @exclusivity(unchecked) var events: [WindowEvent] = []
    @exclusivity(unchecked) var head = 0
    @exclusivity(unchecked) var runningSum: UInt64 = 0
    @exclusivity(unchecked) var distinct: [IPAddress: Int64] = [:]
    @exclusivity(unchecked) var maxTime = Int64.min
    @exclusivity(unchecked) var firstSeen = Int64.max
    @exclusivity(unchecked) var bytes: UInt64 = 0
    @exclusivity(unchecked) var packets: UInt64 = 0
    @exclusivity(unchecked) var interface: Symbol = .empty
    @exclusivity(unchecked) var alertIndex: Int?
    @exclusivity(unchecked) private var prunedCount = 0
    @exclusivity(unchecked) private var prunedAt = Int64.min / 2
    @exclusivity(unchecked) var firedAt: Int64 = 0

    /// Adds an event and returns the window's measure.
    func add(time: Int64, amount: UInt64, value: IPAddress?, window: Int64, measure: Aggregation.Measure, threshold: Double)
        -> Double
    {
        if time > maxTime { maxTime = time }
        firstSeen = min(firstSeen, time)
        let cutoff = maxTime - window
        switch measure {
        case .distinct:
            if let value, time >= cutoff {
                if let seen = distinct[value] {
                    if time > seen { distinct[value] = time }
                } else {
                    distinct[value] = time
                }
            }
            // Drop expired values when the count could cross the threshold (exact, before an
            // alert fires), and otherwise only now and then: filtering a large map on every
            // record of a busy key made long scans quadratic.
            let due = Double(distinct.count) >= threshold
                && (alertIndex == nil || distinct.count >= prunedCount * 2 || maxTime - prunedAt >= window / 8)
            if due || distinct.count > max(4096, prunedCount * 2) {
                distinct = distinct.filter { $0.value >= cutoff }
                prunedCount = distinct.count
                prunedAt = maxTime
            }
            return Double(distinct.count)
        case .count, .sum, .rate:
            if time >= cutoff {
                events.append(WindowEvent(time: time, amount: amount))
                runningSum &+= amount
            }
            while head < events.count && events[head].time < cutoff {
                runningSum &-= events[head].amount
                head += 1
            }
            if head > 1024 && head * 2 > events.count {
                events.removeFirst(head)
                head = 0
            }
            if case .rate = measure { return Double(runningSum) / Double(max(window, 1)) }
            return Double(runningSum)
        }
    }

    /// The earliest event still in the window: where a new alert starts.
    var windowStart: Int64 {
        let cutoff = maxTime == Int64.min ? Int64.min : maxTime
        var earliest = cutoff
        for time in distinct.values where time < earliest { earliest = time }
        if head < events.count { for event in events[head...] where event.time < earliest { earliest = event.time } }
        return earliest
    }

    var approximateSize: Int { events.count - head + distinct.count }
}

/// One event of a ``WindowState``: its time and what it adds to the measure.
struct WindowEvent {
    var time: Int64
    var amount: UInt64
}
