/// A few thousand decoded records from one source, the unit that moves through the pipeline.
public struct FlowBatch: Sendable {
    /// Index of the source in the run (the order sources were given), for stable merging.
    public var sourceIndex: Int
    /// Position of this batch within its source.
    public var sequence: Int
    public var records: [FlowRecord]
    /// Names of header columns FlowLens does not know, kept as extra string columns.
    public var extraNames: [String]
    /// Values of the extra columns, `extraNames.count` per record, in record order.
    public var extraValues: [Symbol]

    public init(sourceIndex: Int = 0, sequence: Int = 0, capacity: Int = 4096) {
        self.sourceIndex = sourceIndex
        self.sequence = sequence
        records = []
        records.reserveCapacity(capacity)
        extraNames = []
        extraValues = []
    }

    public var count: Int { records.count }
}
