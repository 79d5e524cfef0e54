import FlowCore
import FlowDecoding
import FlowSources

/// The document `scan --format json` prints, and the model the text output renders.
///
/// Keys are snake_case in JSON. Counts are exact; "top" lists are cut at the requested length.
public struct ScanSummary: Codable, Sendable {
    public struct Source: Codable, Sendable {
        public var file: String
        public var status: String
        public var encoding: String
        public var records: Int
        public var malformedLines: Int
        public var bytesRead: Int
        public var message: String?
    }

    public struct Layout: Codable, Sendable {
        public var layout: String
        public var fields: String
        public var records: Int
    }

    public struct Ranked: Codable, Sendable {
        public var key: String
        public var flows: UInt64
        public var packets: UInt64
        public var bytes: UInt64
    }

    public struct Interface: Codable, Sendable {
        public var interfaceId: String
        public var records: UInt64
        public var bytes: UInt64
        public var packets: UInt64
        public var nodata: UInt64
        public var skipdata: UInt64
    }

    public struct Malformed: Codable, Sendable {
        public var total: Int
        public var byReason: [String: Int]
        public var samples: [String]
    }

    public var sources: [Source]
    public var sourceErrors: [String]
    public var records: UInt64
    public var matchedRecords: UInt64
    public var bytes: UInt64
    public var packets: UInt64
    public var accepted: TrafficCounter
    public var rejected: TrafficCounter
    public var firstSeen: String?
    public var lastSeen: String?
    public var versions: [String: UInt64]
    public var layouts: [Layout]
    public var unknownFields: [String]
    public var interfaceCount: Int
    public var topInterfaces: [Interface]
    public var topSources: [Ranked]
    public var topDestinations: [Ranked]
    public var topDestinationPorts: [Ranked]
    public var protocols: [Ranked]
    public var ipv4: TrafficCounter
    public var ipv6: TrafficCounter
    public var nodata: UInt64
    public var skipdata: UInt64
    public var malformed: Malformed
    public var elapsedSeconds: Double
    /// Alerts raised, by severity (empty when detections did not run).
    public var alertCounts: [String: Int] = [:]

    public init(result: ScanResult, top: Int = 10) {
        let stats = result.statistics
        sources = result.outcomes.map {
            Source(
                file: $0.file.displayName, status: $0.status.rawValue, encoding: $0.encoding.rawValue,
                records: $0.records, malformedLines: $0.counters.malformedTotal, bytesRead: $0.bytesRead,
                message: $0.problem?.description)
        }
        sourceErrors = result.resolutionErrors.map(\.description)
        records = UInt64(result.counters.records)
        matchedRecords = result.matchedRecords
        bytes = stats.total.bytes
        packets = stats.total.packets
        accepted = stats.accepted
        rejected = stats.rejected
        firstSeen = stats.firstStart.map(Timestamp.rfc3339)
        lastSeen = stats.lastEnd.map(Timestamp.rfc3339)
        var versions: [String: UInt64] = [:]
        for (version, count) in stats.versions.enumerated() where count > 0 { versions[String(version)] = count }
        self.versions = versions
        layouts = result.counters.layouts.map {
            Layout(layout: $0.key.layoutName, fields: $0.key.description, records: $0.value)
        }.sorted { $0.records != $1.records ? $0.records > $1.records : $0.fields < $1.fields }
        unknownFields = result.counters.unknownFields.sorted()
        let interfaces = stats.interfaces.enumerated().filter { $0.element.records > 0 }
        interfaceCount = interfaces.count
        topInterfaces = interfaces.map { (id, counter) in
            Interface(
                interfaceId: Symbol(id: UInt32(id)).string, records: counter.records, bytes: counter.traffic.bytes,
                packets: counter.traffic.packets, nodata: counter.noData, skipdata: counter.skipData)
        }.sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.interfaceId < $1.interfaceId }
            .prefix(top).map { $0 }
        func ranked(_ entries: [(IPAddress, TrafficCounter)]) -> [Ranked] {
            entries.map { Ranked(key: $0.0.description, flows: $0.1.flows, packets: $0.1.packets, bytes: $0.1.bytes) }
        }
        topSources = ranked(stats.sources.top(top, by: .bytes))
        topDestinations = ranked(stats.destinations.top(top, by: .bytes))
        topDestinationPorts = stats.destinationPorts.enumerated().filter { $0.element.flows > 0 }
            .sorted { $0.element.flows != $1.element.flows ? $0.element.flows > $1.element.flows : $0.offset < $1.offset }
            .prefix(top).map {
                Ranked(key: String($0.offset), flows: $0.element.flows, packets: $0.element.packets, bytes: $0.element.bytes)
            }
        protocols = stats.protocols.enumerated().filter { $0.element.flows > 0 }
            .sorted { $0.element.bytes != $1.element.bytes ? $0.element.bytes > $1.element.bytes : $0.offset < $1.offset }
            .map {
                Ranked(
                    key: IPProtocolNames.name(UInt8($0.offset)), flows: $0.element.flows, packets: $0.element.packets,
                    bytes: $0.element.bytes)
            }
        ipv4 = stats.ipv4
        ipv6 = stats.ipv6
        nodata = stats.noData
        skipdata = stats.skipData
        var byReason: [String: Int] = [:]
        for (reason, count) in result.counters.malformed { byReason[reason.rawValue] = count }
        malformed = Malformed(
            total: result.counters.malformedTotal, byReason: byReason,
            samples: result.counters.samples.map(\.description))
        elapsedSeconds = result.elapsedSeconds
    }
}
