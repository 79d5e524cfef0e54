public import FlowCore
public import FlowDecoding
public import FlowSources

/// What happened to one source in a run.
public struct SourceOutcome: Sendable {
    public enum Status: String, Sendable, Codable {
        /// Read to the end; may still have had malformed lines.
        case read
        /// Some records were read, then the source failed (a truncated gzip, say).
        case partial
        /// Nothing usable: unreadable, empty, binary, or another kind of log.
        case failed
        /// A header line and no records.
        case headerOnly = "header-only"
    }

    public var file: SourceFile
    public var status: Status
    public var encoding: ChunkReader.Encoding
    public var records: Int
    public var counters: DecodeCounters
    public var bytesRead: Int
    public var textBytes: Int
    /// Why the source failed or is partial, or what to know about it.
    public var problem: FlowLensError?

    /// True when records could be taken from the source (even if it then failed).
    public var wasRead: Bool { status != .failed }
}
