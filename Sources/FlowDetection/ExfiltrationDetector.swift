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
    private var hosts: [IPAddress: Host] = [:]
    private let floor: Double
    private let ratio: Double
    private let minHistory: Int
    private let coldFactor: Double

    final class Host {
        var hours: [Int64: UInt64] = [:]
        var packets: [Int64: UInt64] = [:]
        var closed: [UInt64] = []
        var firstHour: Int64
        var destinations: [IPAddress: UInt64] = [:]
        var interface: Symbol = .empty
        init(firstHour: Int64) { self.firstHour = firstHour }
    }

    init(rule: CompiledRule) {
        self.rule = rule
        floor = rule.parameter("floor_bytes", default: 1e9)
        ratio = rule.parameter("ratio", default: 10)
        minHistory = Int(rule.parameter("min_history_hours", default: 3))
        coldFactor = rule.parameter("cold_factor", default: 0)
    }

    var stateSize: Int { hosts.values.reduce(0) { $0 + 1 + $1.hours.count + $1.destinations.count } }

    func observe(_ record: FlowRecord, _ facts: RecordFacts, _ book: inout AlertBook) {
        // Only the direction the host sends: the request side of connections it opened.
        guard !facts.isResponse else { return }
        let hour = facts.time / 3600 * 3600
        let host: Host
        if let existing = hosts[facts.initiator] {
            host = existing
        } else {
            host = Host(firstHour: hour)
            hosts[facts.initiator] = host
        }
        if host.interface == .empty { host.interface = record.interfaceID }
        host.hours[hour, default: 0] &+= record.bytes
        host.packets[hour, default: 0] &+= record.packets
        if host.destinations.count < 256 || host.destinations[facts.responder] != nil {
            host.destinations[facts.responder, default: 0] &+= record.bytes
        }
    }

    /// Judges every hour that ended before the watermark.
    func close(before watermark: Int64, _ book: inout AlertBook) {
        for (address, host) in hosts {
            for hour in host.hours.keys.sorted() where hour + 3600 <= watermark { judge(address, host, hour, &book) }
        }
    }

    func closeAll(_ book: inout AlertBook) {
        for (address, host) in hosts {
            for hour in host.hours.keys.sorted() { judge(address, host, hour, &book) }
        }
    }

    private func judge(_ address: IPAddress, _ host: Host, _ hour: Int64, _ book: inout AlertBook) {
        guard let bytes = host.hours.removeValue(forKey: hour) else { return }
        let packets = host.packets.removeValue(forKey: hour) ?? 0
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
        let top = host.destinations.sorted { $0.value > $1.value }.prefix(5)
        book.raise(
            rule: rule, key: "\(address)", time: hour, src: address, dst: top.first?.key, dstPort: nil, count: 1,
            addCount: true, bytes: bytes, packets: packets, interface: host.interface, severity: rule.definition.severity
        ) {
            [
                "hour_bytes": .number(volume), "baseline_bytes_per_hour": .number(baseline.rounded()),
                "history_hours": .number(Double(history)),
                "top_destinations": .list(top.map { "\($0.key) (\($0.value) B)" }),
            ]
        }
        if let index = book.alerts.lastIndex(where: { $0.dedupKey == rule.definition.id + "|\(address)" }) {
            book.touch(index, time: hour + 3599, bytes: 0, packets: 0)
        }
    }
}
