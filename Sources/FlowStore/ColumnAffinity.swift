/// A column's type affinity, by SQLite's rules (https://sqlite.org/datatype3.html): what a
/// comparison converts the other operand to, and what a value stored in the column becomes.
///
/// A subquery's columns have an affinity (SQLite takes it from the expressions of the first arm
/// of a compound) without converting the values that pass through; a table built to stand in for
/// the subquery must declare the same affinities and hold only values they leave as they are
/// (``keeps(_:)``).
enum ColumnAffinity: Equatable, Sendable {
    /// No affinity ("BLOB"): values are compared and stored as they are.
    case blob
    case text
    case numeric
    case integer
    case real

    /// The affinity SQLite gives a column declared with `type` (section 3.1 of the page above).
    init(declaredType type: String) {
        let type = type.uppercased()
        if type.contains("INT") {
            self = .integer
        } else if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") {
            self = .text
        } else if type.isEmpty || type.contains("BLOB") {
            self = .blob
        } else if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") {
            self = .real
        } else {
            self = .numeric
        }
    }

    /// One value as SQLite returned it, for ``keeps(_:)``.
    enum Value {
        case null
        case integer
        case real(Double)
        /// Text, by its bytes.
        case text(UnsafeBufferPointer<UInt8>)
        case blob
    }

    /// True when storing `value` in a column of this affinity keeps its type and value, so that
    /// reading it back gives what was stored.
    ///
    /// Conservative for text in a numeric column: any text that begins (after spaces) like a
    /// number counts as converted, though SQLite converts only well-formed numbers.
    func keeps(_ value: Value) -> Bool {
        switch (self, value) {
        case (.blob, _), (_, .null), (_, .blob): true
        case (.text, .text): true
        case (.text, _): false
        case (.numeric, .integer), (.integer, .integer): true
        // A real with an integer value is stored as an integer and read back as one.
        case (.numeric, .real(let number)), (.integer, .real(let number)):
            !(number == number.rounded(.towardZero) && abs(number) < 9.2e18)
        case (.real, .real): true
        // An integer is read back from a REAL column as a real.
        case (.real, .integer): false
        case (_, .text(let bytes)): !Self.mayBeNumber(bytes)
        }
    }

    private static func mayBeNumber(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in text {
            switch byte {
            case 0x09...0x0D, 0x20: continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."): return true
            default: return false
            }
        }
        return false
    }
}
