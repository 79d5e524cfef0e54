/// Why a line could not be decoded. Counted per reason; never fatal unless `--strict`.
public enum MalformedReason: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case fieldCount = "wrong field count"
    case notANumber = "not a number"
    case numberTooLarge = "number out of range"
    case badAddress = "bad address"
    case unknownAction = "unknown action"
    case unknownLogStatus = "unknown log status"
    case unknownDirection = "unknown flow direction"
    case badJSON = "bad JSON wrapper"
    case notFlowLog = "not a flow log line"

    public static func < (lhs: MalformedReason, rhs: MalformedReason) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One malformed line, as reported to the user: `file:line: field: value: reason`.
public struct MalformedLine: Sendable, Hashable, CustomStringConvertible, Codable {
    public var file: String
    public var line: Int
    /// The field being read when decoding failed (nil for a field-count mismatch).
    public var field: String?
    /// The offending value, or the whole line, shortened for display.
    public var value: String
    public var reason: MalformedReason

    public init(file: String, line: Int, field: String?, value: String, reason: MalformedReason) {
        self.file = file
        self.line = line
        self.field = field
        self.value = value
        self.reason = reason
    }

    public var description: String {
        "\(file):\(line): \(field ?? "line"): \(value): \(reason.rawValue)"
    }
}
