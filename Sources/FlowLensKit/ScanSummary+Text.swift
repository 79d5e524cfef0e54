import FlowCore

extension ScanSummary {
    /// The human-readable rendering of the summary, as `scan` prints it.
    public func text() -> String {
        var out: [String] = []
        let read = sources.filter { $0.status != "failed" }.count
        out.append("Sources: \(sources.count) file(s), \(read) read, \(sources.count - read) failed")
        for source in sources where source.message != nil {
            out.append("  \(source.status): \(source.message!)")
        }
        for error in sourceErrors { out.append("  error: \(error)") }
        out.append("")
        out.append("Records:   \(Format.count(records))" + (matchedRecords != records ? "  (\(Format.count(matchedRecords)) match the filter)" : ""))
        out.append("Traffic:   \(Format.bytes(bytes)) in \(Format.count(packets)) packets")
        out.append("Accepted:  \(Format.count(accepted.flows)) flows, \(Format.bytes(accepted.bytes))")
        out.append("Rejected:  \(Format.count(rejected.flows)) flows, \(Format.bytes(rejected.bytes))")
        out.append("Time:      \(firstSeen ?? "-") .. \(lastSeen ?? "-")")
        out.append("Versions:  " + versions.sorted { Int($0.key)! < Int($1.key)! }.map { "v\($0.key): \(Format.count($0.value))" }.joined(separator: ", "))
        out.append("Log status: NODATA \(Format.count(nodata)), SKIPDATA \(Format.count(skipdata))")
        out.append("IPv4/IPv6: \(Format.count(ipv4.flows)) / \(Format.count(ipv6.flows)) flows, \(Format.bytes(ipv4.bytes)) / \(Format.bytes(ipv6.bytes))")
        out.append("Formats:")
        for layout in layouts { out.append("  \(layout.layout) (\(Format.count(UInt64(layout.records))) records): \(layout.fields)") }
        if !unknownFields.isEmpty { out.append("  unknown fields kept as extra columns: \(unknownFields.joined(separator: " "))") }
        out.append("")
        out.append("Interfaces: \(interfaceCount)")
        out.append(
            Format.table(
                ["interface", "records", "bytes", "nodata", "skipdata"],
                topInterfaces.map {
                    [$0.interfaceId, Format.count($0.records), Format.bytes($0.bytes), String($0.nodata), String($0.skipdata)]
                }))
        func rankedTable(_ title: String, _ keyName: String, _ rows: [Ranked]) {
            out.append("")
            out.append(title)
            out.append(
                Format.table(
                    [keyName, "bytes", "packets", "flows"],
                    rows.map { [$0.key, Format.bytes($0.bytes), Format.count($0.packets), Format.count($0.flows)] }))
        }
        rankedTable("Top sources by bytes", "source", topSources)
        rankedTable("Top destinations by bytes", "destination", topDestinations)
        rankedTable("Top destination ports by flows", "port", topDestinationPorts)
        rankedTable("Protocols", "protocol", protocols)
        out.append("")
        out.append("Malformed lines: \(malformed.total)")
        for (reason, count) in malformed.byReason.sorted(by: { $0.key < $1.key }) { out.append("  \(reason): \(count)") }
        for sample in malformed.samples { out.append("  \(sample)") }
        return out.joined(separator: "\n")
    }
}

/// Number and size formatting for terminal output.
public enum Format {
    public static func count(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    public static func count(_ value: Int) -> String { count(UInt64(max(0, value))) }

    public static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var v = Double(value)
        var unit = 0
        while v >= 1000 && unit < units.count - 1 {
            v /= 1000
            unit += 1
        }
        if unit == 0 { return "\(value) B" }
        let rounded = (v * 10).rounded() / 10
        return "\(rounded) \(units[unit])"
    }

    /// An aligned text table: numbers right-aligned, text left-aligned.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "  (none)" }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func isNumeric(_ s: String) -> Bool { s.first.map { $0.isNumber } ?? false && !s.contains(".") || s.hasSuffix("B") && s.first?.isNumber == true }
        func render(_ row: [String]) -> String {
            "  " + row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i > 0 && isNumeric(cell) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        return ([render(header)] + rows.map(render)).joined(separator: "\n")
    }
}
