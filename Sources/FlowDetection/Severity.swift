/// How urgent an alert is, from `info` to `critical`. Ordered, so `--min-severity` and
/// `--fail-on` compare with `>=`.
public enum Severity: Int, Sendable, Hashable, Comparable, CaseIterable, Codable, CustomStringConvertible {
    case info, low, medium, high, critical

    public init?(name: String) {
        guard let found = Severity.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = found
    }

    public var description: String {
        switch self {
        case .info: "info"
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let severity = Severity(name: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad severity"))
        }
        self = severity
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
