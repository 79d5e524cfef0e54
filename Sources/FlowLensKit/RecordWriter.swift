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
    private let write: ([UInt8]) -> Void
    private var wroteHeader = false
    public private(set) var written = 0

    /// - Parameters:
    ///   - fields: Columns to print, in order.
    ///   - write: Receives the output's UTF-8 bytes, a batch at a time.
    public init(format: Format, fields: [FlowField], write: @escaping ([UInt8]) -> Void) {
        self.format = format
        self.fields = fields
        encoder = FlowLineEncoder(fields: fields, style: format == .csv ? .csv : .text)
        self.write = write
    }

    public func consume(_ batch: FlowBatch) {
        var out: [UInt8] = []
        if format != .json { out.reserveCapacity(batch.records.count * 128) }
        if !wroteHeader {
            wroteHeader = true
            switch format {
            case .text: out += (fields.map(\.name).joined(separator: " ") + "\n").utf8
            case .csv: out += (fields.map(\.columnName).joined(separator: ",") + "\n").utf8
            case .json: break
            }
        }
        switch format {
        case .text, .csv:
            for record in batch.records { encoder.append(record, to: &out) }
        case .json:
            for record in batch.records { out += (Self.json(record, fields) + "\n").utf8 }
        }
        written += batch.records.count
        if !out.isEmpty { write(out) }
    }

    public func finish() {}

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
