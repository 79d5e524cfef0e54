import FlowCore
import FlowExpression

/// Connections from one internal host to one external destination and port at regular intervals
/// over hours: the heartbeat of command-and-control implants.
///
/// Per key it keeps the distinct connection start times (at most `max_events`). A key is judged
/// when it expires or at end of input: enough events, spread over enough time, with intervals
/// whose median absolute deviation is small relative to their median.
final class BeaconingDetector {
    private let rule: CompiledRule
    /// Tracks by (initiator, responder, port); every outbound request touches one, so the lookup
    /// is a flat index, not a dictionary.
    @exclusivity(unchecked) private var keys = KeyIndex()
    @exclusivity(unchecked) private var tracks: [Track] = []
    /// By slot: the track's newest event time, kept flat beside the tracks so that a sweep
    /// reads one array rather than every track object.
    @exclusivity(unchecked) private var lastSeen: [Int64] = []
    private let minEvents: Int
    private let minSpan: Int64
    private let maxJitter: Double
    private let minInterval: Double
    private let maxInterval: Double
    private let maxEvents: Int

    final class Track {
        /// First time seen of each connection, by client port.
        @exclusivity(unchecked) var connections: [UInt16: Int64] = [:]
        @exclusivity(unchecked) var bytes: UInt64 = 0
        @exclusivity(unchecked) var packets: UInt64 = 0
        @exclusivity(unchecked) var interface: Symbol = .empty
        @exclusivity(unchecked) var initiator: IPAddress
        @exclusivity(unchecked) var responder: IPAddress
        @exclusivity(unchecked) var port: UInt16
        init(initiator: IPAddress, responder: IPAddress, port: UInt16) {
            self.initiator = initiator
            self.responder = responder
            self.port = port
        }
    }

    init(rule: CompiledRule) {
        self.rule = rule
        minEvents = Int(rule.parameter("min_events", default: 12))
        minSpan = Int64(rule.parameter("min_span_seconds", default: 7200))
        maxJitter = rule.parameter("max_jitter", default: 0.2)
        minInterval = rule.parameter("min_interval_seconds", default: 30)
        maxInterval = rule.parameter("max_interval_seconds", default: 7200)
        maxEvents = Int(rule.parameter("max_events", default: 512))
    }

    var stateSize: Int { tracks.reduce(0) { $0 + 1 + $1.connections.count } }

    func observe(_ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts) {
        guard !facts.isResponse else { return }
        let key = WindowKey(a: facts.initiator, b: facts.responder, c: WindowKey.number(UInt64(facts.servicePort)))
        let (slot, inserted) = keys.insert(key)
        if inserted {
            tracks.append(Track(initiator: facts.initiator, responder: facts.responder, port: facts.servicePort))
            lastSeen.append(facts.time)
        } else if facts.time > lastSeen[slot] {
            lastSeen[slot] = facts.time
        }
        let track = tracks[slot]
        track.bytes &+= record.pointee.bytes
        track.packets &+= record.pointee.packets
        if track.interface == .empty { track.interface = record.interfaceSymbol }
        // A connection is counted once, by its client port: a long connection spans several
        // aggregation intervals and so several records, which are not separate beacons.
        let clientPort = facts.isResponse ? record.pointee.dstport : record.pointee.srcport
        if let seen = track.connections[clientPort] {
            if facts.time < seen { track.connections[clientPort] = facts.time }
        } else if track.connections.count < maxEvents {
            track.connections[clientPort] = facts.time
        }
    }

    /// Judges and drops keys idle past the watermark by more than the longest interval.
    func expire(before watermark: Int64, _ book: inout AlertBook) {
        let horizon = watermark - Int64(maxInterval) * 2
        for slot in lastSeen.indices where lastSeen[slot] < horizon { evaluate(tracks[slot], &book) }
        let kept = keys.compact { lastSeen[$0] >= horizon }
        tracks.keepInPlace(kept)
        lastSeen.keepInPlace(kept)
    }

    func evaluateAll(_ book: inout AlertBook) {
        for track in tracks { evaluate(track, &book) }
        keys.removeAll()
        tracks.removeAll()
        lastSeen.removeAll()
    }

    private func evaluate(_ track: Track, _ book: inout AlertBook) {
        let times = Array(Set(track.connections.values)).sorted()
        guard times.count >= minEvents, let first = times.first, let last = times.last, last - first >= minSpan else {
            return
        }
        var intervals: [Double] = []
        for i in 1..<times.count { intervals.append(Double(times[i] - times[i - 1])) }
        let median = Self.median(intervals)
        guard median >= minInterval, median <= maxInterval else { return }
        let deviation = Self.median(intervals.map { abs($0 - median) })
        let jitter = deviation / median
        guard jitter <= maxJitter else { return }
        book.raise(
            rule: rule, key: "\(track.initiator)|\(track.responder)|\(track.port)", time: first, src: track.initiator,
            dst: track.responder, dstPort: track.port, count: times.count, addCount: false, bytes: track.bytes,
            packets: track.packets, interface: track.interface, severity: rule.definition.severity
        ) {
            [
                "median_interval_seconds": .number(median), "jitter": .number((jitter * 1000).rounded() / 1000),
                "connections": .number(Double(times.count)), "span_seconds": .number(Double(last - first)),
            ]
        }
        if let index = book.alerts.lastIndex(where: { $0.dedupKey == rule.definition.id + "|\(track.initiator)|\(track.responder)|\(track.port)" }) {
            book.touch(index, time: last, bytes: 0, packets: 0)
        }
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
