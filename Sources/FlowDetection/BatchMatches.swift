/// The records of one batch that each rule matched, as ``DetectionEngine/findMatches(in:)`` found them.
///
/// One mask per record of the nodes of the plan where rules end and that the record passed,
/// rather than a list of records per rule: the engine applies a record to all its rules while
/// the record is in cache, and the matching stage appends to no arrays.
public struct BatchMatches: Sendable {
    /// By record: `words` words of report bits (see `MatchPlan.rulesByReport`).
    var reports: [UInt64] = []
    var words = 1
    /// By report bit: how many records have it.
    var counts: [Int] = []

    /// No matches yet.
    public init() {}

    /// Records in the batch.
    ///
    /// Also part of the public shape on purpose: the stored properties are internal, and a
    /// change to them alone does not make SwiftPM recompile other modules that hold the struct
    /// (the benchmark, `DetectionSink`), which then crash on the old layout.
    public var recordCount: Int { reports.count / max(words, 1) }
}
