public import FlowCore

/// The layout of a flow log file: which field each whitespace-separated column holds.
///
/// It comes from the file's header line, a `--fields` list, a flow log's `LogFormat`, or the v2
/// default. Unknown names (from a header) become extra string columns so that nothing is lost.
public struct ColumnPlan: Sendable, Hashable, CustomStringConvertible {
    public enum Column: Sendable, Hashable {
        case field(FlowField)
        case extra(Int)
    }

    public private(set) var columns: [Column]
    /// Names of the extra (unknown) columns, in column order.
    public private(set) var extraNames: [String]

    public init(fields: [FlowField]) {
        columns = fields.map { .field($0) }
        extraNames = []
    }

    /// Builds a plan from names, keeping unknown ones as extra columns.
    public init(names: [String]) {
        columns = []
        extraNames = []
        for name in names {
            if let field = FlowField(name: name) {
                columns.append(.field(field))
            } else {
                columns.append(.extra(extraNames.count))
                extraNames.append(name)
            }
        }
    }

    /// Parses a user-supplied field list: AWS names, underscore names or `${name}` placeholders,
    /// separated by spaces or commas. Unknown names are an error here (a typo in `--fields` would
    /// otherwise silently shift every column).
    public init(fieldList: String) throws(FlowLensError) {
        let names = fieldList.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" })
        guard !names.isEmpty else { throw FlowLensError(.badFieldList, "the field list is empty") }
        var fields: [FlowField] = []
        for name in names {
            guard let field = FlowField(name: name) else {
                throw FlowLensError(
                    .badFieldList, "unknown field '\(name)' in the field list",
                    cause: "known fields: \(FlowField.allCases.map(\.name).joined(separator: " "))")
            }
            fields.append(field)
        }
        self.init(fields: fields)
    }

    public static let v2Default = ColumnPlan(fields: FlowField.v2Default)

    /// The known fields in column order.
    public var fields: [FlowField] {
        columns.compactMap { if case .field(let f) = $0 { f } else { nil } }
    }

    /// The plan as a header line (AWS names, unknown names as given).
    public var description: String {
        columns.map {
            switch $0 {
            case .field(let f): f.name
            case .extra(let i): extraNames[i]
            }
        }.joined(separator: " ")
    }

    /// A short name for the layout, for statistics: `v2-default`, `v5-all`, `tgw-default` or
    /// `custom-N` (N fields).
    public var layoutName: String {
        let known = fields
        if extraNames.isEmpty {
            if known == FlowField.v2Default { return "v2-default" }
            if known == FlowField.v5All { return "v5-all-fields" }
            if known == FlowField.transitGatewayDefault { return "tgw-default" }
        }
        return "custom-\(columns.count)"
    }
}

extension ColumnPlan {
    /// Recognises a header line: every token is a field-name-like word and the first is a known
    /// field. Data values (numbers, addresses, `ACCEPT`, `eni-…`) never pass both tests.
    public static func header(in line: UnsafeBufferPointer<UInt8>) -> ColumnPlan? {
        var names: [String] = []
        var knownCount = 0
        var i = 0
        let n = line.count
        while i < n {
            while i < n && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
            if i >= n { break }
            let start = i
            while i < n && line[i] != 0x20 && line[i] != 0x09 {
                let c = line[i]
                let ok =
                    (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                    || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
                    || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
                if !ok { return nil }
                i += 1
            }
            let name = String(decoding: UnsafeBufferPointer(rebasing: line[start..<i]), as: UTF8.self)
            if FlowField(name: name) != nil {
                knownCount += 1
            } else if names.isEmpty {
                return nil
            }
            names.append(name)
        }
        guard knownCount > 0 else { return nil }
        return ColumnPlan(names: names)
    }

    /// Quick pre-test so that data lines skip the full header check: a header starts with a
    /// lowercase letter or `$`.
    @inline(__always)
    static func mayBeHeader(firstByte c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || c == UInt8(ascii: "$")
    }
}
