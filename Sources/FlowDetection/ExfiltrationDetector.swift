import FlowCore
import FlowExpression

/// Outbound volume far above the host's own baseline: per internal host, bytes sent to external
/// addresses per hour, compared with the mean of its earlier hours.
///
/// An hour fires when it exceeds an absolute floor (`floor_bytes`, default 1 GB) and `ratio`
/// (default 10) times the baseline. Without enough history (`min_history_hours`, default 3), an
/// hour fires only when `cold_factor` is set and it exceeds `floor_bytes * cold_factor`. A steady heavy sender, such as a
/// nightly-all-day backup, has a high baseline and stays quiet.
final class ExfiltrationDetector {
    private let rule: CompiledRule
    /// Hosts by initiator address; the detector sees every outbound request, so the lookup is
    /// a flat index, not a dictionary.
    @exclusivity(unchecked) private var hostIndex = KeyIndex()
    @exclusivity(unchecked) private var hosts: [Host] = []
    private let floor: Double
    private let ratio: Double
    private let minHistory: Int
    private let coldFactor: Double

    /// Most destinations a host's evidence tracks: enough for the top five of any real host.
    static let maxDestinations = 256

    final class Host {
        let address: IPAddress
        /// Hours not judged yet, with the bytes and packets sent in each: one or two at a time,
        /// so a linear search beats any table.
        @exclusivity(unchecked) var openHours: [Int64] = []
        @exclusivity(unchecked) var openBytes: [UInt64] = []
        @exclusivity(unchecked) var openPackets: [UInt64] = []
        @exclusivity(unchecked) var closed: [UInt64] = []
        @exclusivity(unchecked) var firstHour: Int64
        @exclusivity(unchecked) var destinationIndex = KeyIndex(capacity: 8)
        @exclusivity(unchecked) var destinationBytes: [UInt64] = []
        @exclusivity(unchecked) var interface: Symbol = .empty

        init(address: IPAddress, firstHour: Int64) {
            self.address = address
            self.firstHour = firstHour
        }

        func add(hour: Int64, bytes: UInt64, packets: UInt64) {
            for position in openHours.indices.reversed() where openHours[position] == hour {
                openBytes[position] &+= bytes
                openPackets[position] &+= packets
                return
            }
            openHours.append(hour)
            openBytes.append(bytes)
            openPackets.append(packets)
        }

        /// Removes an open hour and returns what was sent in it.
        func take(hour: Int64) -> (bytes: UInt64, packets: UInt64)? {
            guard let position = openHours.firstIndex(of: hour) else { return nil }
            let taken = (openBytes[position], openPackets[position])
            openHours.remove(at: position)
            openBytes.remove(at: position)
            openPackets.remove(at: position)
            return taken
        }
    }

    init(rule: CompiledRule) {
        self.rule = rule
        floor = rule.parameter("floor_bytes", default: 1e9)
        ratio = rule.parameter("ratio", default: 10)
        minHistory = Int(rule.parameter("min_history_hours", default: 3))
        coldFactor = rule.parameter("cold_factor", default: 0)
    }

    var stateSize: Int { hosts.reduce(0) { $0 + 1 + $1.openHours.count + $1.destinationIndex.count } }

    func observe(_ record: UnsafePointer<FlowRecord>, _ facts: RecordFacts, _ book: inout AlertBook) {
        // Only the direction the host sends: the request side of connections it opened.
        guard !facts.isResponse else { return }
        let hour = facts.time / 3600 * 3600
        let (slot, inserted) = hostIndex.insert(WindowKey(a: facts.initiator, b: .zero, c: .zero))
        if inserted { hosts.append(Host(address: facts.initiator, firstHour: hour)) }
        let host = hosts[slot]
        if host.interface == .empty { host.interface = record.interfaceSymbol }
        host.add(hour: hour, bytes: record.pointee.bytes, packets: record.pointee.packets)
        let destination = WindowKey(a: facts.responder, b: .zero, c: .zero)
        if host.destinationIndex.count < Self.maxDestinations {
            let (position, isNew) = host.destinationIndex.insert(destination)
            if isNew { host.destinationBytes.append(0) }
            host.destinationBytes[position] &+= record.pointee.bytes
        } else if let position = host.destinationIndex.slot(of: destination) {
            host.destinationBytes[position] &+= record.pointee.bytes
        }
    }

    /// Judges every hour that ended before the watermark.
    func close(before watermark: Int64, _ book: inout AlertBook) {
        for host in hosts {
            for hour in host.openHours.sorted() where hour + 3600 <= watermark { judge(host, hour, &book) }
        }
    }

    func closeAll(_ book: inout AlertBook) {
        for host in hosts {
            for hour in host.openHours.sorted() { judge(host, hour, &book) }
        }
    }

    private func judge(_ host: Host, _ hour: Int64, _ book: inout AlertBook) {
        guard let (bytes, packets) = host.take(hour: hour) else { return }
        let address = host.address
        // Hours the host was quiet count as zero in its baseline.
        let span = Int((hour - host.firstHour) / 3600)
        let history = max(span, host.closed.count)
        let baseline = history > 0 ? Double(host.closed.reduce(0, +)) / Double(history) : 0
        defer { host.closed.append(bytes) }
        let volume = Double(bytes)
        guard volume >= floor else { return }
        if history >= minHistory {
            guard volume >= ratio * max(baseline, 1) else { return }
        } else {
            // Without enough history only a configured cold-start factor can fire: a new
            // host's first busy hours (a nightly batch to S3) look like exfiltration otherwise.
            guard coldFactor > 0, volume >= floor * coldFactor else { return }
        }
        // Largest first; equal volumes in the order the destinations were first seen.
        let sent = host.destinationBytes
        let top = sent.indices.sorted { sent[$0] != sent[$1] ? sent[$0] > sent[$1] : $0 < $1 }.prefix(5).map {
            (address: host.destinationIndex.keys[$0].a, bytes: sent[$0])
        }
        book.raise(
            rule: rule, key: "\(address)", time: hour, src: address, dst: top.first?.address, dstPort: nil, count: 1,
            addCount: true, bytes: bytes, packets: packets, interface: host.interface, severity: rule.definition.severity
        ) {
            [
                "hour_bytes": .number(volume), "baseline_bytes_per_hour": .number(baseline.rounded()),
                "history_hours": .number(Double(history)),
                "top_destinations": .list(top.map { "\($0.address) (\($0.bytes) B)" }),
            ]
        }
        if let index = book.alerts.lastIndex(where: { $0.dedupKey == rule.definition.id + "|\(address)" }) {
            book.touch(index, time: hour + 3599, bytes: 0, packets: 0)
        }
    }
}
