import FlowCore
import Foundation

/// Inline SVG charts for the HTML report: stacked time series, horizontal bars, heat maps.
///
/// Charts scale with their container (`viewBox`, `width: 100%`) and print as vectors. Labels are
/// written with ``HTMLPage/text(_:)``, so a hostile id is as inert in a chart as in a table.
enum SVGCharts {
    /// Stacked bars per time bin: accepted, rejected, then records without an action.
    static func timeSeries(
        _ page: inout HTMLPage, _ timeline: ReportDocument.Timeline, id: String,
        metric: (TrafficCounter) -> UInt64
    ) {
        let width = 1000.0
        let height = 220.0
        let left = 70.0
        let bottom = 24.0
        let top = 8.0
        let plotWidth = width - left - 8
        let plotHeight = height - bottom - top
        let bins = timeline.bins
        let maxValue = bins.map { metric($0.accepted) + metric($0.rejected) + metric($0.other) }.max() ?? 0
        let scaleMax = niceCeiling(Double(max(maxValue, 1)))
        // A short range keeps narrow bars rather than one bar across the whole chart.
        let step = plotWidth / Double(max(bins.count, 24))
        let gap = step > 4 ? 1.0 : 0.0
        page.raw("<svg id=\"\(id)\" class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" preserveAspectRatio=\"none\" xmlns=\"http://www.w3.org/2000/svg\">")
        // Grid and y labels.
        for i in 0...4 {
            let value = scaleMax * Double(i) / 4
            let y = top + plotHeight - plotHeight * Double(i) / 4
            page.raw("<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(width - 8))\" y2=\"\(f(y))\"/>")
            page.raw("<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">")
            page.text(id == "chart-bytes" ? Format.bytes(UInt64(value)) : compact(value))
            page.raw("</text>")
        }
        for (index, bin) in bins.enumerated() {
            let x = left + Double(index) * step
            var y = top + plotHeight
            for (value, tone) in [(metric(bin.accepted), "accept"), (metric(bin.rejected), "reject"), (metric(bin.other), "other")] where value > 0 {
                let h = plotHeight * Double(value) / scaleMax
                y -= h
                page.raw("<rect class=\"\(tone)\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(step - gap, 0.5)))\" height=\"\(f(max(h, 0.5)))\"><title>")
                page.text("\(bin.start) \(tone): \(id == "chart-bytes" ? Format.bytes(value) : Format.count(value))")
                page.raw("</title></rect>")
            }
        }
        // About six time labels along the x axis.
        let every = max(1, bins.count / 6)
        for index in stride(from: 0, to: bins.count, by: every) {
            let x = left + Double(index) * step
            page.raw("<line class=\"tick\" x1=\"\(f(x))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight + 4))\"/>")
            page.raw("<text class=\"axis\" x=\"\(f(x))\" y=\"\(f(height - 6))\">")
            page.text(shortTime(bins[index].start, binSeconds: timeline.binSeconds, span: timeline.binSeconds * Int64(bins.count)))
            page.raw("</text>")
        }
        page.raw("</svg>")
    }

    /// Horizontal bars, one per row, longest first as given.
    static func bars(_ page: inout HTMLPage, id: String, _ rows: [(label: String, value: UInt64, text: String)], tone: String = "accept") {
        guard !rows.isEmpty else { return }
        let rowHeight = 22.0
        let width = 520.0
        let labelWidth = 200.0
        let valueWidth = 70.0
        let height = rowHeight * Double(rows.count) + 4
        let maxValue = Double(rows.map(\.value).max() ?? 1)
        page.raw("<svg id=\"\(id)\" class=\"bars\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">")
        for (index, row) in rows.enumerated() {
            let y = Double(index) * rowHeight + 2
            let w = maxValue > 0 ? (width - labelWidth - valueWidth) * Double(row.value) / maxValue : 0
            page.raw("<text class=\"label\" x=\"\(f(labelWidth - 6))\" y=\"\(f(y + 15))\" text-anchor=\"end\">")
            page.text(row.label.count > 30 ? String(row.label.prefix(29)) + "…" : row.label)
            page.raw("</text><rect class=\"\(tone)\" x=\"\(f(labelWidth))\" y=\"\(f(y + 3))\" width=\"\(f(max(w, 1)))\" height=\"\(f(rowHeight - 6))\" rx=\"2\"><title>")
            page.text("\(row.label): \(row.text)")
            page.raw("</title></rect><text class=\"value\" x=\"\(f(labelWidth + max(w, 1) + 4))\" y=\"\(f(y + 15))\">")
            page.text(row.text)
            page.raw("</text>")
        }
        page.raw("</svg>")
    }

    /// A zone-by-zone heat map; colour intensity follows the logarithm of the value.
    static func heatMap(
        _ page: inout HTMLPage, _ matrix: ReportDocument.Matrix, id: String, tone: String,
        value: (ReportStatistics.ZoneCell) -> UInt64, label: (UInt64) -> String
    ) {
        let n = matrix.zones.count
        let cell = 64.0
        let left = 90.0
        let top = 70.0
        let size = left + cell * Double(n) + 4
        let values = matrix.cells.flatMap { $0.map(value) }
        let maxLog = log(Double((values.max() ?? 0) + 1))
        let (r, g, b) = tone == "reject" ? (200, 40, 40) : (31, 100, 200)
        page.raw("<svg id=\"\(id)\" class=\"heat\" viewBox=\"0 0 \(Int(size)) \(Int(top + cell * Double(n) + 4))\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">")
        for (j, name) in matrix.zones.enumerated() {
            let x = left + cell * Double(j) + cell / 2
            page.raw("<text class=\"label\" transform=\"translate(\(f(x)),\(f(top - 6))) rotate(-40)\">")
            page.text(name.count > 12 ? String(name.prefix(11)) + "…" : name)
            page.raw("</text>")
        }
        for (i, name) in matrix.zones.enumerated() {
            let y = top + cell * Double(i)
            page.raw("<text class=\"label\" x=\"\(f(left - 6))\" y=\"\(f(y + cell / 2 + 4))\" text-anchor=\"end\">")
            page.text(name.count > 12 ? String(name.prefix(11)) + "…" : name)
            page.raw("</text>")
            for j in 0..<n {
                let v = value(matrix.cells[i][j])
                let alpha = maxLog > 0 && v > 0 ? 0.12 + 0.88 * log(Double(v + 1)) / maxLog : 0
                let x = left + cell * Double(j)
                page.raw("<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell - 2))\" height=\"\(f(cell - 2))\" fill=\"rgb(\(r),\(g),\(b))\" fill-opacity=\"\(f(alpha))\" class=\"cell\"><title>")
                page.text("\(name) → \(matrix.zones[j]): \(label(v))")
                page.raw("</title></rect><text class=\"\(alpha > 0.55 ? "cellv light" : "cellv")\" x=\"\(f(x + cell / 2 - 1))\" y=\"\(f(y + cell / 2 + 3))\" text-anchor=\"middle\">")
                page.text(v == 0 ? "·" : label(v))
                page.raw("</text>")
            }
        }
        page.raw("</svg>")
    }

    /// A round number at or above `value` that divides into four round ticks: four times 1, 2
    /// or 5 times a power of ten.
    static func niceCeiling(_ value: Double) -> Double {
        let quarter = value / 4
        let power = pow(10, floor(log10(quarter)))
        for m in [1.0, 2, 5, 10] where m * power >= quarter { return 4 * m * power }
        return 40 * power
    }

    static func compact(_ value: Double) -> String {
        if value >= 1e9 { return trimmed(value / 1e9) + "G" }
        if value >= 1e6 { return trimmed(value / 1e6) + "M" }
        if value >= 1e3 { return trimmed(value / 1e3) + "k" }
        return trimmed(value)
    }

    private static func trimmed(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }

    /// `2026-11-02T03:15:00Z` as `03:15`, or `11-02` when bins are a day or more, or with the
    /// date when bins span hours.
    static func shortTime(_ rfc3339: String, binSeconds: Int64, span: Int64) -> String {
        let chars = Array(rfc3339)
        guard chars.count >= 16 else { return rfc3339 }
        let date = String(chars[5..<10])
        let time = String(chars[11..<16])
        if binSeconds >= 86400 { return date }
        if span > 86400 { return date + " " + time }
        return time
    }

    /// Formats a coordinate with at most one decimal.
    static func f(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
