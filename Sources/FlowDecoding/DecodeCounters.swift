public import FlowCore

/// What a decoder saw besides records: malformed lines by reason (with the first few samples),
/// headers, comments and the layouts in use.
public struct DecodeCounters: Sendable {
    public var lines = 0
    public var records = 0
    public var blankLines = 0
    public var headerLines = 0
    public var commentLines = 0
    public var malformed: [MalformedReason: Int] = [:]
    /// The first malformed lines, as `file:line: field: value: reason`.
    public var samples: [MalformedLine] = []
    /// Unknown header names seen (kept as extra columns).
    public var unknownFields: Set<String> = []
    /// Layouts (column plans) that decoded at least one record, with their record counts.
    public var layouts: [ColumnPlan: Int] = [:]

    public static let sampleLimit = 10

    public init() {}

    public var malformedTotal: Int { malformed.values.reduce(0, +) }

    /// Adds another decoder's counters, shifting its sample line numbers by `lineOffset`.
    public mutating func merge(_ other: DecodeCounters, lineOffset: Int = 0) {
        lines += other.lines
        records += other.records
        blankLines += other.blankLines
        headerLines += other.headerLines
        commentLines += other.commentLines
        for (reason, count) in other.malformed { malformed[reason, default: 0] += count }
        for var sample in other.samples where samples.count < Self.sampleLimit {
            sample.line += lineOffset
            samples.append(sample)
        }
        unknownFields.formUnion(other.unknownFields)
        for (plan, count) in other.layouts { layouts[plan, default: 0] += count }
    }
}
