import FlowCore
/// What a simulation run wrote.
public struct SimulationSummary: Sendable, Hashable, CustomStringConvertible {
    public var outputDirectory: String
    public var files: Int
    public var records: Int
    /// Size of the flow log text before compression.
    public var textBytes: Int
    /// Size of the files on disk.
    public var writtenBytes: Int
    /// Unix seconds of the earliest record start and the latest record end, nil when empty.
    public var firstTime: Int64?
    public var lastTime: Int64?
    public var labels: Int
    public var flowLogID: String
    public var gzip: Bool
    /// Wall-clock time of the run.
    public var seconds: Double

    /// A few lines for people: counts, sizes, time range and where the files are.
    public var description: String {
        var lines: [String] = []
        let sizes =
            gzip
            ? "\(Self.size(textBytes)) of text, \(Self.size(writtenBytes)) gzipped"
            : "\(Self.size(writtenBytes))"
        lines.append("Wrote \(Self.grouped(records)) records in \(Self.grouped(files)) files (\(sizes)).")
        if let firstTime, let lastTime {
            lines.append("Time range: \(Timestamp.rfc3339(firstTime)) to \(Timestamp.rfc3339(lastTime)).")
        }
        lines.append("Flow log \(flowLogID); \(labels) scenario label\(labels == 1 ? "" : "s") in labels.jsonl.")
        lines.append("Output: \(outputDirectory)")
        let rate = seconds > 0 ? " (\(Self.grouped(Int(Double(records) / seconds))) records/s)" : ""
        lines.append("Took \(Self.decimal(seconds, places: 2)) s\(rate).")
        return lines.joined(separator: "\n")
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return value < 0 ? "-" + out : out
    }

    static func size(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : "\(decimal(value, places: 1)) \(units[unit])"
    }

    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        return "\(whole).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
    }
}
