public import FlowCore

/// A literal on the right of a comparison, already typed for the subject it is compared with.
public enum FilterValue: Hashable, Sendable, CustomStringConvertible {
    /// Ports, counters, protocol numbers, TCP flag bits, versions.
    case number(UInt64)
    /// An inclusive range such as `1024-65535`; only in `in` lists.
    case range(ClosedRange<UInt64>)
    /// Unix seconds.
    case time(Int64)
    /// An address block; a single address is a /32 or /128.
    case network(CIDR)
    /// A named address set such as `$internal`, resolved when the filter is compiled.
    case set(String)
    /// Text for a string field, as it is stored (case canonicalized for enum-like text fields).
    case text(String)
    case action(FlowAction)
    case logStatus(LogStatus)
    case flowDirection(FlowDirection)

    /// The value as it would be written in an expression.
    public var description: String {
        switch self {
        case .number(let n): String(n)
        case .range(let r): "\(r.lowerBound)-\(r.upperBound)"
        case .time(let t): TimeLiteral.format(t)
        case .network(let cidr): cidr.bits == 128 ? cidr.network.description : cidr.description
        case .set(let name): "$" + name
        case .text(let text): FilterValue.quotedIfNeeded(text)
        case .action(let action): action.name
        case .logStatus(let status): status.name
        case .flowDirection(let direction): direction.name
        }
    }

    /// Bare when the lexer would read it back as the same single word, else single-quoted.
    static func quotedIfNeeded(_ text: String) -> String {
        let bare = !text.isEmpty && text.utf8.allSatisfy(Lexer.isWordByte) && !Keyword.isReserved(text)
        if bare { return text }
        var escaped = ""
        for character in text {
            if character == "'" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "'" + escaped + "'"
    }
}

/// The words the parser gives meaning to between conditions.
enum Keyword {
    static let reserved: Set<String> = ["and", "or", "not", "in", "has", "exists"]
    static func isReserved(_ word: String) -> Bool { reserved.contains(word.lowercased()) }
}
