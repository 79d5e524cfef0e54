import CSQLite
import FlowCore
/// Formats query results as an aligned table, CSV (RFC 4180) or JSON (an array of objects per
/// statement), writing text through a closure so the caller decides where it goes.
public final class QueryOutput: QueryResultSink {
    public enum Format: String, Sendable, CaseIterable {
        case table, csv, json
    }

    public let format: Format
    private let write: (String) -> Void
    private var columns: [String] = []
    private var rows: [[String]] = []
    private var rowCount = 0
    private var statements = 0
    /// Rows written so far, over all statements.
    public private(set) var totalRows = 0

    public init(format: Format, write: @escaping (String) -> Void) {
        self.format = format
        self.write = write
    }

    public func begin(columns: [String]) {
        self.columns = columns
        rows = []
        rowCount = 0
        statements += 1
        switch format {
        case .table: if statements > 1 { write("\n") }
        case .csv:
            if statements > 1 { write("\n") }
            write(columns.map(Self.csvField).joined(separator: ",") + "\r\n")
        case .json: write("[")
        }
    }

    public func row(_ values: [QueryValue]) {
        rowCount += 1
        totalRows += 1
        switch format {
        case .table: rows.append(values.map(\.description))
        case .csv:
            write(values.map { $0 == .null ? "" : Self.csvField($0.description) }.joined(separator: ",") + "\r\n")
        case .json:
            var text = rowCount == 1 ? "\n  {" : ",\n  {"
            for (index, value) in values.enumerated() {
                if index > 0 { text += ", " }
                text += Self.jsonString(columns[index]) + ": " + Self.jsonValue(value)
            }
            write(text + "}")
        }
    }

    /// CSV bytes of rows taken straight from SQLite, written out in pieces of 64 KiB.
    private var csvBuffer: [UInt8] = []

    /// True when rows can come as SQLite statements (``csvRow(_:columns:)``) rather than values.
    var takesStatementRows: Bool { format == .csv }

    /// Writes the current row of `statement` as CSV, from SQLite's own text of each value: the
    /// same text as ``row(_:)`` writes, without a `String` per value.
    func csvRow(_ statement: OpaquePointer, columns: Int32) {
        rowCount += 1
        totalRows += 1
        for column in 0..<columns {
            if column > 0 { csvBuffer.append(UInt8(ascii: ",")) }
            switch sqlite3_column_type(statement, column) {
            case SQLITE_NULL: break
            case SQLITE_INTEGER: Self.appendDecimal(sqlite3_column_int64(statement, column), to: &csvBuffer)
            case SQLITE_FLOAT:
                csvBuffer.append(contentsOf: QueryValue.real(sqlite3_column_double(statement, column)).description.utf8)
            default:
                let count = Int(sqlite3_column_bytes(statement, column))
                guard let text = sqlite3_column_text(statement, column), count > 0 else { break }
                let bytes = UnsafeBufferPointer(start: text, count: count)
                if bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                    csvBuffer.append(UInt8(ascii: "\""))
                    for byte in bytes {
                        csvBuffer.append(byte)
                        if byte == 0x22 { csvBuffer.append(byte) }
                    }
                    csvBuffer.append(UInt8(ascii: "\""))
                } else {
                    csvBuffer.append(contentsOf: bytes)
                }
            }
        }
        csvBuffer.append(0x0D)
        csvBuffer.append(0x0A)
        if csvBuffer.count >= 1 << 16 { flushCSV() }
    }

    private func flushCSV() {
        guard !csvBuffer.isEmpty else { return }
        write(String(decoding: csvBuffer, as: UTF8.self))
        csvBuffer.removeAll(keepingCapacity: true)
    }

    private static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[index]) }
        }
    }

    public func end() {
        if format == .csv { flushCSV() }
        switch format {
        case .table:
            var widths = columns.map(\.count)
            for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { index, cell in
                    index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
                }.joined(separator: "  ")
            }
            var text = line(columns) + "\n"
            text += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
            for row in rows { text += line(row) + "\n" }
            text += "(\(rows.count) row\(rows.count == 1 ? "" : "s"))\n"
            write(text)
            rows = []
        case .csv: break
        case .json: write(rowCount == 0 ? "]\n" : "\n]\n")
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingQuotes + "\""
    }

    static func jsonValue(_ value: QueryValue) -> String {
        switch value {
        case .null: "null"
        case .integer(let n): String(n)
        case .real(let d): d.isFinite ? String(d) : "null"
        case .text(let t): jsonString(t)
        }
    }

    static func jsonString(_ text: String) -> String { JSON.string(text) }
}

extension String {
    fileprivate var replacingQuotes: String {
        var out = ""
        for character in self { out += character == "\"" ? "\"\"" : String(character) }
        return out
    }
}
