import FlowCore

extension ReportDocument {
    /// The report for a terminal: aligned tables, most severe alerts first.
    public func text() -> String { render(markdown: false) }

    /// The report as Markdown, for tickets and wikis; every value is escaped.
    public func markdown() -> String { render(markdown: true) }

    private func render(markdown: Bool) -> String {
        var out: [String] = []
        let esc: (String) -> String = markdown ? { MarkdownText.escape($0) } : { $0 }
        func heading(_ text: String, level: Int = 2) {
            out.append("")
            if markdown {
                out.append(String(repeating: "#", count: level) + " " + text)
                out.append("")
            } else {
                out.append(text)
                out.append(String(repeating: level == 1 ? "=" : "-", count: text.count))
            }
        }
        func table(_ header: [String], _ rows: [[String]], empty: String = "none") {
            guard !rows.isEmpty else {
                out.append(markdown ? "_\(empty)_" : "  (\(empty))")
                return
            }
            if markdown {
                out.append("| " + header.joined(separator: " | ") + " |")
                out.append("|" + header.enumerated().map { $0.offset == 0 ? "---|" : "---:|" }.joined())
                for row in rows { out.append("| " + row.map(esc).joined(separator: " | ") + " |") }
            } else {
                out.append(Format.table(header, rows))
            }
        }
        func ranked(_ title: String, _ key: String, _ rows: [Ranked]) {
            heading(title, level: 3)
            table([key, "bytes", "packets", "flows"], rows.map {
                [$0.key, Format.bytes($0.bytes), Format.count($0.packets), Format.count($0.flows)]
            })
        }

        heading(esc(title), level: 1)
        out.append("Time: \(esc(summary.firstSeen ?? "-")) .. \(esc(summary.lastSeen ?? "-"))")
        if markdown { out.append("") }
        out.append("Records: \(Format.count(summary.records)); traffic \(Format.bytes(summary.bytes)) in \(Format.count(summary.packets)) packets")
        if markdown { out.append("") }
        out.append("Accepted \(Format.count(summary.accepted.flows)) flows (\(Format.bytes(summary.accepted.bytes))), rejected \(Format.count(summary.rejected.flows)) flows (\(Format.bytes(summary.rejected.bytes)))")
        if markdown { out.append("") }
        out.append("Alerts: \(alerts.count)" + (alerts.isEmpty ? "" : " (" + ["critical", "high", "medium", "low", "info"].compactMap { s in summary.alertCounts[s].map { "\($0) \(s)" } }.joined(separator: ", ") + ")"))

        heading("What to look at first")
        if lookFirst.isEmpty { out.append("Nothing: no alerts were raised.") }
        for (index, focus) in lookFirst.enumerated() {
            out.append("\(index + 1). [\(focus.severity)] \(esc(focus.host)): \(focus.alerts) alert(s): \(esc(focus.titles.joined(separator: "; ")))")
            if !focus.firstStep.isEmpty { out.append("   First step: \(esc(focus.firstStep))") }
        }

        heading("Alerts")
        table(["severity", "rule", "source → destination", "first seen", "count", "bytes"], alerts.prefix(100).map {
            [$0.severity, $0.rule, "\($0.src ?? "*") → \($0.dst ?? "*")" + ($0.dstPort.map { ":\($0)" } ?? ""), $0.firstSeen,
             Format.count($0.count), Format.bytes($0.bytes)]
        })
        if alerts.count > 100 { out.append("(\(alerts.count - 100) more not shown)") }

        heading("Traffic over time (\(Self.duration(timeline.binSeconds)) bins)")
        table(["bin start", "accepted flows", "accepted bytes", "rejected flows", "rejected bytes"], timeline.bins.map {
            [$0.start, Format.count($0.accepted.flows), Format.bytes($0.accepted.bytes), Format.count($0.rejected.flows), Format.bytes($0.rejected.bytes)]
        })

        heading("Zone to zone (accepted bytes / rejected flows)")
        table(["from \\ to"] + zoneMatrix.zones.map(esc), zoneMatrix.zones.enumerated().map { i, name in
            [name] + zoneMatrix.cells[i].map { "\(Format.bytes($0.accepted.bytes)) / \(Format.count($0.rejected.flows))" }
        })

        heading("Top talkers")
        ranked("Sources", "source", summary.topSources.map { Ranked($0.key, TrafficCounter(flows: $0.flows, packets: $0.packets, bytes: $0.bytes)) })
        ranked("Destinations", "destination", summary.topDestinations.map { Ranked($0.key, TrafficCounter(flows: $0.flows, packets: $0.packets, bytes: $0.bytes)) })
        ranked("Pairs", "source → destination", topPairs)
        heading("Destination ports", level: 3)
        table(["port", "flows", "bytes"], summary.topDestinationPorts.map { [$0.key, Format.count($0.flows), Format.bytes($0.bytes)] })
        heading("IPv4 and IPv6", level: 3)
        table(["family", "flows", "bytes"], [
            ["IPv4", Format.count(ipv4.flows), Format.bytes(ipv4.bytes)], ["IPv6", Format.count(ipv6.flows), Format.bytes(ipv6.bytes)],
        ])

        heading("Interfaces, subnets, instances")
        table(["interface", "records", "bytes", "rejected flows", "nodata", "skipdata"], interfaces.map {
            [$0.interfaceId, Format.count($0.records), Format.bytes($0.bytes), Format.count($0.rejectedFlows), Format.count($0.nodata), Format.count($0.skipdata)]
        })
        ranked("Subnets", "subnet", subnets)
        ranked("Instances", "instance", instances)
        heading("NODATA and SKIPDATA by interface", level: 3)
        table(["interface", "records", "nodata", "skipdata"], logStatus.map {
            [$0.interfaceId, Format.count($0.records), Format.count($0.nodata), Format.count($0.skipdata)]
        })

        heading("Rejected traffic")
        ranked("By source", "source", rejectedBySource)
        ranked("By destination port", "port", rejectedByPort)

        heading("AWS services")
        table(["service", "to flows", "to bytes", "from flows", "from bytes"], awsServices.map {
            [$0.service, Format.count($0.to.flows), Format.bytes($0.to.bytes), Format.count($0.from.flows), Format.bytes($0.from.bytes)]
        })
        return out.joined(separator: "\n").trimmingPrefixNewlines() + "\n"
    }
}

extension String {
    fileprivate func trimmingPrefixNewlines() -> String {
        String(drop { $0 == "\n" })
    }
}
