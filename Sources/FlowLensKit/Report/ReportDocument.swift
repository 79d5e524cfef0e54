public import FlowCore
public import FlowDetection
public import FlowEnrichment

/// Everything `flowlens report` shows, as plain values: the model behind the HTML, text,
/// Markdown and JSON renderings.
///
/// Built once after a pass from the scan's result, the ``ReportStatistics`` sink and the alerts;
/// every id and address is a `String` here, and every renderer escapes them for its format.
public struct ReportDocument: Codable, Sendable {
    public struct Ranked: Codable, Sendable, Hashable {
        public var key: String
        public var flows: UInt64
        public var packets: UInt64
        public var bytes: UInt64

        init(_ key: String, _ counter: TrafficCounter) {
            self.key = key
            flows = counter.flows
            packets = counter.packets
            bytes = counter.bytes
        }
    }

    public struct AlertEntry: Codable, Sendable, Hashable {
        public var rule: String
        public var title: String
        public var severity: String
        public var firstSeen: String
        public var lastSeen: String
        public var src: String?
        public var dst: String?
        public var dstPort: UInt16?
        public var count: Int
        public var bytes: UInt64
        public var packets: UInt64
        public var interfaceIds: [String]
        public var evidence: [String: String]
        public var mitre: [String]
        public var runbook: String
    }

    /// One host to look at, with the alerts that involve it, most severe first.
    public struct Focus: Codable, Sendable, Hashable {
        public var host: String
        public var severity: String
        public var alerts: Int
        public var rules: [String]
        public var titles: [String]
        /// First line of the most severe alert's runbook.
        public var firstStep: String
    }

    public struct TimeBin: Codable, Sendable, Hashable {
        public var start: String
        public var accepted: TrafficCounter
        public var rejected: TrafficCounter
        public var other: TrafficCounter
    }

    public struct Timeline: Codable, Sendable {
        public var binSeconds: Int64
        /// Unix seconds of the first bin's start.
        public var startSeconds: Int64
        public var bins: [TimeBin]
    }

    public struct InterfaceRow: Codable, Sendable, Hashable {
        public var interfaceId: String
        public var records: UInt64
        public var flows: UInt64
        public var bytes: UInt64
        public var packets: UInt64
        public var rejectedFlows: UInt64
        public var nodata: UInt64
        public var skipdata: UInt64
    }

    public struct ServiceRow: Codable, Sendable, Hashable {
        public var service: String
        public var to: TrafficCounter
        public var from: TrafficCounter
    }

    /// Traffic from each zone (row) to each zone (column).
    public struct Matrix: Codable, Sendable {
        public var zones: [String]
        /// `cells[from][to]`.
        public var cells: [[ReportStatistics.ZoneCell]]
    }

    public var title: String
    public var generatedAt: String
    public var summary: ScanSummary
    public var alerts: [AlertEntry]
    public var lookFirst: [Focus]
    public var timeline: Timeline
    public var topPairs: [Ranked]
    public var interfaces: [InterfaceRow]
    public var subnets: [Ranked]
    public var instances: [Ranked]
    public var rejectedBySource: [Ranked]
    public var rejectedByPort: [Ranked]
    public var zoneMatrix: Matrix
    public var internalExternal: Matrix
    public var ipv4: TrafficCounter
    public var ipv6: TrafficCounter
    public var awsServices: [ServiceRow]
    /// Interfaces with NODATA or SKIPDATA records, most SKIPDATA first.
    public var logStatus: [InterfaceRow]

    /// - Parameters:
    ///   - result: The pass's result (statistics, sources, counters).
    ///   - statistics: The ``ReportStatistics`` sink of the same pass.
    ///   - alerts: Alerts raised in the pass (any order).
    ///   - context: The network context, to tell the internal host of an alert.
    ///   - top: Length of the top-N tables.
    ///   - generatedAt: Unix seconds the report is dated.
    public init(
        result: ScanResult, statistics: ReportStatistics, alerts: [Alert], context: NetworkContext = NetworkContext(),
        top: Int = 10, title: String = "FlowLens report", generatedAt: Int64
    ) {
        self.title = title
        self.generatedAt = Timestamp.rfc3339(generatedAt)
        summary = ScanSummary(result: result, top: top)
        let sorted = alerts.sorted {
            if $0.severity != $1.severity { return $0.severity > $1.severity }
            if $0.firstSeen != $1.firstSeen { return $0.firstSeen < $1.firstSeen }
            return $0.dedupKey < $1.dedupKey
        }
        summary.alertCounts = Dictionary(grouping: sorted, by: { $0.severity.description }).mapValues(\.count)
        self.alerts = sorted.map(Self.entry)
        lookFirst = Self.focus(sorted, internalNetworks: context.internalNetworks, limit: 8)

        let display = statistics.series.display()
        timeline = Timeline(
            binSeconds: display.width, startSeconds: display.start(of: 0),
            bins: display.bins.enumerated().map { index, bin in
                TimeBin(
                    start: Timestamp.rfc3339(display.start(of: index)), accepted: bin.accepted,
                    rejected: bin.rejected, other: bin.other)
            })
        topPairs = statistics.pairs.top(top, by: .bytes).map {
            Ranked("\($0.0.source) → \($0.0.destination)", $0.1)
        }
        let allInterfaces = statistics.interfaces.enumerated().filter { $0.element.records > 0 }.map { id, c in
            InterfaceRow(
                interfaceId: Symbol(id: UInt32(id)).string, records: c.records, flows: c.traffic.flows,
                bytes: c.traffic.bytes, packets: c.traffic.packets, rejectedFlows: c.rejected.flows,
                nodata: c.noData, skipdata: c.skipData)
        }
        interfaces = Array(
            allInterfaces.sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.interfaceId < $1.interfaceId }
                .prefix(top))
        logStatus = Array(
            allInterfaces.filter { $0.nodata + $0.skipdata > 0 }
                .sorted {
                    if $0.skipdata != $1.skipdata { return $0.skipdata > $1.skipdata }
                    if $0.nodata != $1.nodata { return $0.nodata > $1.nodata }
                    return $0.interfaceId < $1.interfaceId
                }.prefix(top * 2))
        func bySymbol(_ counters: [TrafficCounter]) -> [Ranked] {
            Array(
                counters.enumerated().filter { $0.element.flows > 0 }.map { Ranked(Symbol(id: UInt32($0.offset)).string, $0.element) }
                    .sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.key < $1.key }.prefix(top))
        }
        subnets = bySymbol(statistics.subnets)
        instances = bySymbol(statistics.instances)
        rejectedBySource = statistics.rejectedSources.top(top, by: .flows).map { Ranked($0.0.description, $0.1) }
        rejectedByPort = Array(
            statistics.rejectedPorts.enumerated().filter { $0.element.flows > 0 }
                .sorted { $0.element.flows != $1.element.flows ? $0.element.flows > $1.element.flows : $0.offset < $1.offset }
                .prefix(top).map { Ranked(String($0.offset), $0.element) })

        // Zones without traffic are left out of the matrix, except that "internet" always stays.
        let names = statistics.zones.names
        let n = names.count
        let keep = (0..<n).filter { i in
            i == statistics.zones.internetCategory
                || (0..<n).contains { j in
                    let a = statistics.zoneCell(from: i, to: j)
                    let b = statistics.zoneCell(from: j, to: i)
                    return a.accepted.flows + a.rejected.flows + a.other.flows + b.accepted.flows + b.rejected.flows
                        + b.other.flows > 0
                }
        }
        zoneMatrix = Matrix(
            zones: keep.map { names[$0] },
            cells: keep.map { i in keep.map { j in statistics.zoneCell(from: i, to: j) } })
        var collapsed = [[ReportStatistics.ZoneCell]](
            repeating: [ReportStatistics.ZoneCell](repeating: .init(), count: 2), count: 2)
        for i in 0..<n {
            for j in 0..<n {
                let cell = statistics.zoneCell(from: i, to: j)
                let a = i == statistics.zones.internetCategory ? 1 : 0
                let b = j == statistics.zones.internetCategory ? 1 : 0
                collapsed[a][b].accepted.add(cell.accepted)
                collapsed[a][b].rejected.add(cell.rejected)
                collapsed[a][b].other.add(cell.other)
            }
        }
        internalExternal = Matrix(zones: ["internal", "internet"], cells: collapsed)
        ipv4 = statistics.ipv4
        ipv6 = statistics.ipv6
        awsServices = statistics.services.enumerated()
            .filter { $0.element.to.flows + $0.element.from.flows > 0 }
            .map { ServiceRow(service: Symbol(id: UInt32($0.offset)).string, to: $0.element.to, from: $0.element.from) }
            .sorted {
                let a = $0.to.bytes + $0.from.bytes
                let b = $1.to.bytes + $1.from.bytes
                return a != b ? a > b : $0.service < $1.service
            }
    }

    static func entry(_ alert: Alert) -> AlertEntry {
        AlertEntry(
            rule: alert.rule, title: alert.title, severity: alert.severity.description,
            firstSeen: Timestamp.rfc3339(alert.firstSeen), lastSeen: Timestamp.rfc3339(alert.lastSeen),
            src: alert.src?.description, dst: alert.dst?.description, dstPort: alert.dstPort, count: alert.count,
            bytes: alert.bytes, packets: alert.packets, interfaceIds: alert.interfaceIDs,
            evidence: alert.evidence.mapValues(\.description), mitre: alert.mitre, runbook: alert.runbook)
    }

    /// Groups alerts by the host to investigate: the internal end of the alert (its source when
    /// internal, else its destination), else whichever address or interface it names.
    static func focus(_ alerts: [Alert], internalNetworks: CIDRSet, limit: Int) -> [Focus] {
        var order: [String] = []
        var groups: [String: [Alert]] = [:]
        for alert in alerts {
            let host: String
            if let src = alert.src, internalNetworks.contains(src) {
                host = src.description
            } else if let dst = alert.dst, internalNetworks.contains(dst) {
                host = dst.description
            } else if let address = alert.src ?? alert.dst {
                host = address.description
            } else {
                host = alert.interfaceIDs.first ?? alert.rule
            }
            if groups[host] == nil { order.append(host) }
            groups[host, default: []].append(alert)
        }
        // `alerts` is sorted most severe first, so `order` already ranks hosts by their worst
        // alert; among equals, more alerts first.
        let ranked = order.enumerated().sorted { a, b in
            let x = groups[a.element]!
            let y = groups[b.element]!
            if x[0].severity != y[0].severity { return x[0].severity > y[0].severity }
            if x.count != y.count { return x.count > y.count }
            return a.offset < b.offset
        }.map(\.element)
        return ranked.prefix(limit).map { host in
            let group = groups[host]!
            var rules: [String] = []
            var titles: [String] = []
            for alert in group where !rules.contains(alert.rule) {
                rules.append(alert.rule)
                titles.append(alert.title)
            }
            return Focus(
                host: host, severity: group[0].severity.description, alerts: group.count, rules: rules,
                titles: titles, firstStep: group[0].runbook.split(separator: "\n").first.map(String.init) ?? "")
        }
    }
}
