public import FlowCore
import Foundation

/// Reads threat-intelligence lists: one IP or CIDR a line, `#` comments, blank lines ignored.
public enum IntelList {
    /// Parses list text; `name` is used in messages (`file:line`).
    public static func parse(_ text: String, name: String) throws(FlowLensError) -> CIDRSet {
        var blocks: [CIDR] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            // Lists often carry extra columns (address, then a label); the first one is the address.
            let first = entry.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).first.map(String.init) ?? entry
            guard let block = CIDR(first) else {
                throw FlowLensError(
                    .badConfig, "intel list: '\(first)' is not an IP address or CIDR", location: "\(name):\(index + 1)")
            }
            blocks.append(block)
        }
        return CIDRSet(blocks)
    }

    public static func load(path: String) throws(FlowLensError) -> CIDRSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlowLensError(.badConfig, "cannot read intel list", location: path)
        }
        return try parse(String(decoding: data, as: UTF8.self), name: path)
    }
}
