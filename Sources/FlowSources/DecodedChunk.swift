public import FlowCore
public import FlowDecoding

/// The records decoded from one chunk of one source, delivered in source order.
public struct DecodedChunk: Sendable {
    public var file: SourceFile
    public var chunkIndex: Int
    /// Records, in line order; more than one batch only when the extra columns changed.
    public var batches: [FlowBatch]
    /// Counters for this chunk; sample line numbers are already file-absolute.
    public var counters: DecodeCounters
    /// The plan in effect after the chunk's last line (a header may have changed it).
    public var endPlan: ColumnPlan
    /// True for the marker that follows a source's last chunk.
    public var isEnd: Bool
    /// For the end marker: the error that stopped the source, if any.
    public var error: FlowLensError?
    public var encoding: ChunkReader.Encoding
    /// Raw bytes read and text bytes produced so far in this source.
    public var bytesRead: Int
    public var textBytes: Int

    public var recordCount: Int { batches.reduce(0) { $0 + $1.records.count } }
}
