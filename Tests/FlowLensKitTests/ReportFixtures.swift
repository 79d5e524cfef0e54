import FlowCore
import FlowDetection
import FlowEnrichment
import FlowLensKit
import Foundation

/// Builds reports from flow log text written to a temporary folder and read by a real pass.
enum ReportFixtures {
    static let header =
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service"

    /// Zones web (10.20.1.0/24) and db (10.20.5.0/24) inside 10.20.0.0/16.
    static var context: NetworkContext {
        NetworkContext(
            internalNetworks: CIDRSet([CIDR("10.20.0.0/16")!, CIDR("fd00::/8")!]),
            zones: [
                .init(name: "web", networks: CIDRSet([CIDR("10.20.1.0/24")!])),
                .init(name: "db", networks: CIDRSet([CIDR("10.20.5.0/24")!])),
            ])
    }

    /// Writes `files` (name → content) to a fresh folder and returns its path.
    static func folder(_ files: [String: String]) throws -> String {
        let directory = NSTemporaryDirectory() + "flowlens-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, content) in files {
            try content.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// Runs one pass over `files` with a ``ReportStatistics`` sink (and detections when `rules`).
    static func run(
        _ files: [String: String], context: NetworkContext = context, rules: Bool = false
    ) throws -> (ScanResult, ReportStatistics, [Alert]) {
        let directory = try folder(files)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let runner = ScanRunner(options: ScanOptions(sources: [directory]))
        let statistics = ReportStatistics(context: context)
        runner.sinks.append(statistics)
        var detections: DetectionSink?
        if rules {
            let setup = try DetectionSetup(configPath: nil, ruleDirectories: [])
            detections = DetectionSink(
                engine: try DetectionEngine(
                    rules: setup.rules, context: context, suppressions: [], latenessSeconds: 900))
            runner.sinks.append(detections!)
        }
        let result = try runner.run()
        return (result, statistics, detections?.alerts ?? [])
    }

    /// A report built from `files` plus `alerts`, dated 2026-11-02.
    static func document(
        _ files: [String: String], context: NetworkContext = context, alerts: [Alert] = []
    ) throws -> ReportDocument {
        let (result, statistics, _) = try run(files, context: context)
        return ReportDocument(
            result: result, statistics: statistics, alerts: alerts, context: context, generatedAt: 1_793_577_600)
    }

    /// A small ordinary day: web traffic from the internet, app to db, a rejected scan, S3.
    static var ordinaryLog: String {
        var lines = [header]
        let base: Int64 = 1_793_577_600  // 2026-11-02T00:00:00Z
        for i in 0..<48 {
            let t = base + Int64(i) * 1800
            lines.append(
                "5 123456789012 eni-web1 198.51.100.\(i % 7 + 1) 10.20.1.10 4\(1000 + i) 443 6 10 \(5000 + i * 100) \(t) \(t + 60) ACCEPT OK vpc-1 subnet-web i-web1 198.51.100.\(i % 7 + 1) 10.20.1.10 - -")
            lines.append(
                "5 123456789012 eni-db1 10.20.1.10 10.20.5.20 5\(1000 + i) 5432 6 4 800 \(t) \(t + 60) ACCEPT OK vpc-1 subnet-db i-db1 10.20.1.10 10.20.5.20 - -")
            lines.append(
                "5 123456789012 eni-web1 203.0.113.9 10.20.1.10 6\(1000 + i) \(20 + i) 6 1 40 \(t) \(t + 60) REJECT OK vpc-1 subnet-web i-web1 203.0.113.9 10.20.1.10 - -")
            lines.append(
                "5 123456789012 eni-app1 10.20.2.5 52.216.1.1 4\(2000 + i) 443 6 20 90000 \(t) \(t + 60) ACCEPT OK vpc-1 subnet-app i-app1 10.20.2.5 52.216.1.1 - S3")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let scriptPayload = "<script>document.title='pwned'</script>"
    static let imagePayload = "\"><svg/onload=document.body.appendChild(document.createElement('pwned'))>"
    static let attributePayload = "\"/onmouseover=document.title='pwned'/x=\""

    /// Flow log text whose ids, header and service names are markup and script.
    static var hostileLog: String {
        let t: Int64 = 1_793_581_200
        return [
            header,
            "5 123456789012 \(scriptPayload) 10.20.1.10 198.51.100.7 443 40000 6 10 5000 \(t) \(t + 60) ACCEPT OK vpc-1 \(attributePayload) \(imagePayload) 10.20.1.10 198.51.100.7 - <b>bold</b>",
            "5 123456789012 \(imagePayload) 198.51.100.7 10.20.1.10 40000 22 6 1 40 \(t) \(t + 60) REJECT OK vpc-1 subnet-1 i-1 198.51.100.7 10.20.1.10 \(scriptPayload) -",
            "5 123456789012 eni-9 10.20.9.5 10.20.5.20 50000 5432 6 4 400 \(t) \(t + 60) ACCEPT OK vpc-1 subnet-9 i-9 10.20.9.5 10.20.5.20 - -",
            "5 123456789012 \(attributePayload) - - - - - - - \(t) \(t + 60) - SKIPDATA - - - - - - -",
        ].joined(separator: "\n") + "\n"
    }

    /// An alert whose every string is hostile.
    static var hostileAlert: Alert {
        Alert(
            rule: "port-scan", title: attributePayload, severity: .high, firstSeen: 1_793_581_200,
            lastSeen: 1_793_581_260, src: IPAddress("198.51.100.7"), dst: IPAddress("10.20.1.10"), dstPort: 22, count: 3,
            bytes: 120, packets: 3, interfaceIDs: [scriptPayload],
            evidence: [imagePayload: .text(scriptPayload), "ports": .list([attributePayload])], mitre: [scriptPayload],
            runbook: imagePayload, dedupKey: "k")
    }

    /// A zone named with markup.
    static var hostileContext: NetworkContext {
        var context = context
        context.zones.append(.init(name: scriptPayload, networks: CIDRSet([CIDR("10.20.9.0/24")!])))
        return context
    }

    /// A header line that is markup: not a valid header, so the file fails and its first line
    /// is quoted in the message.
    static let hostileHeader = "version <svg/onload=document.title='pwned'> srcaddr\n2 x 10.0.0.1\n"

    /// The ordinary day, the hostile file, a file with a hostile header, and an empty file whose
    /// name is markup.
    static var hostileFiles: [String: String] {
        [
            "day.log": ordinaryLog, "hostile.log": hostileLog, "header.log": hostileHeader,
            "<img src=x onerror=document.title='pwned'>.log": "",
        ]
    }
}
