public import FlowCore
import FlowDecoding
import Foundation

/// A sink that prints the records of a pass as flow log text, CSV or JSON lines, batch by batch
/// (`flowlens filter`).
public final class RecordWriter: FlowSink {
    public enum Format: String, Sendable, CaseIterable {
        case text, csv, json
    }

    private let format: Format
    private let fields: [FlowField]
    private var encoder: FlowLineEncoder
    private let write: (String) -> Void
    private var wroteHeader = false
    public private(set) var written = 0

    /// - Parameters:
    ///   - fields: Columns to print, in order.
    ///   - write: Receives the output text, a batch at a time.
    public init(format: Format, fields: [FlowField], write: @escaping (String) -> Void) {
        self.format = format
        self.fields = fields
        encoder = FlowLineEncoder(fields: fields)
        self.write = write
    }

    public func consume(_ batch: FlowBatch) {
        var out = ""
        if !wroteHeader {
            wroteHeader = true
            switch format {
            case .text: out += fields.map(\.name).joined(separator: " ") + "\n"
            case .csv: out += fields.map(\.columnName).joined(separator: ",") + "\n"
            case .json: break
            }
        }
        for record in batch.records {
            switch format {
            case .text: out += encoder.line(for: record) + "\n"
            case .csv: out += fields.map { Self.csv(record.value($0)) }.joined(separator: ",") + "\n"
            case .json: out += Self.json(record, fields) + "\n"
            }
        }
        written += batch.records.count
        if !out.isEmpty { write(out) }
    }

    public func finish() {}

    /// An absent field is an empty CSV cell; text is quoted when it needs to be (RFC 4180).
    static func csv(_ value: FieldValue) -> String {
        if case .absent = value { return "" }
        let text = value.description
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One JSON object: numbers as numbers, absent fields as null, keys as column names.
    static func json(_ record: FlowRecord, _ fields: [FlowField]) -> String {
        "{" + fields.map { field -> String in
            let value: String
            switch record.value(field) {
            case .absent: value = "null"
            case .number(let n): value = String(n)
            case .time(let t): value = String(t)
            case .address(let a): value = JSON.string(a.description)
            case .text(let s): value = JSON.string(s.string)
            }
            return JSON.string(field.columnName) + ":" + value
        }.joined(separator: ",") + "}"
    }
}

/// A sink that collects the distinct addresses of a pass (`flowlens ips`), like an IP set.
public final class AddressCollector: FlowSink {
    public enum Side: String, Sendable, CaseIterable {
        case src, dst, both
    }

    private let side: Side
    public private(set) var addresses: Set<IPAddress> = []

    public init(side: Side) { self.side = side }

    public func consume(_ batch: FlowBatch) {
        for record in batch.records {
            if side != .dst, record.has(.srcaddr) || record.has(.pktSrcaddr) { addresses.insert(record.packetSource) }
            if side != .src, record.has(.dstaddr) || record.has(.pktDstaddr) { addresses.insert(record.packetDestination) }
        }
    }

    public func finish() {}
}
