import FlowCore

/// The sliding event-time window of one key of one windowed rule.
///
/// Events older than the key's newest event minus the window drop out. Records may arrive out of
/// order: one older than the window's start is ignored for the measure (it could not have been in
/// the same window), and anything newer extends the window.
///
/// A value kept in the rule's flat array, not an object: a scan opens a window for most keys it
/// sees once, and an object per key cost an allocation, a free at expiry and a reference count
/// (plus a pointer load) on every record that touched it.
struct WindowState {
    /// Events in the window (from `head` on), each time with its amount: one array rather than
    /// two, since new keys keep appearing and each array costs allocations as it grows.
    var events: [WindowEvent] = []
    var head = 0
    var runningSum: UInt64 = 0
    var distinct = DistinctTimes()
    var maxTime = Int64.min
    var bytes: UInt64 = 0
    var packets: UInt64 = 0
    var interface = Symbol(id: 0)
    var alertIndex: Int?
    private var prunedCount = 0
    private var prunedAt = Int64.min / 2

    /// Adds a record's event (and its bytes, packets and interface) and returns the window's
    /// measure.
    mutating func add(
        _ record: UnsafePointer<FlowRecord>, time: Int64, amount: UInt64, value: IPAddress?, window: Int64,
        measure: Aggregation.Measure, threshold: Double
    ) -> Double {
        bytes &+= record.pointee.bytes
        packets &+= record.pointee.packets
        // Compared by id: `.empty` is a global, whose accessor ran a `swift_once` per record.
        if interface.id == 0 { interface = record.interfaceSymbol }
        if time > maxTime { maxTime = time }
        let cutoff = maxTime - window
        switch measure {
        case .distinct:
            if let value, time >= cutoff { distinct.note(value, at: time) }
            // Drop expired values when the count could cross the threshold (exact, before an
            // alert fires), and otherwise only now and then: filtering a large map on every
            // record of a busy key made long scans quadratic.
            let due = Double(distinct.count) >= threshold
                && (alertIndex == nil || distinct.count >= prunedCount * 2 || maxTime - prunedAt >= window / 8)
            if due || distinct.count > max(4096, prunedCount * 2) {
                distinct.removeOlder(than: cutoff)
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
        var earliest = distinct.earliest(below: cutoff)
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
