import FlowCore

/// Byte-level lookup of field names, so that testing a data line for "is this a header?" costs
/// no allocation.
enum FieldNameLookup {
    private static let names: [[UInt8]] = FlowField.allCases.map { Array($0.name.utf8) }

    /// True when `token` is a known field name in AWS (dash) or column (underscore) spelling.
    static func isKnown(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = token.count
        outer: for name in names where name.count == count {
            for i in 0..<count {
                let c = token[i] == UInt8(ascii: "_") ? UInt8(ascii: "-") : token[i]
                if c != name[i] { continue outer }
            }
            return true
        }
        return false
    }
}
