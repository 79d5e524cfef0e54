public import FlowCore

/// One input to read: a local file, standard input, or content fetched from elsewhere (an S3
/// object, a slice of a CloudWatch Logs group).
public struct SourceFile: Sendable, Hashable {
    /// Position in the run's source list; results merge in this order.
    public var index: Int
    /// Path to open (empty for stdin; the URL for remote content).
    public var path: String
    /// Name used in messages: the path as the user wrote it, `<stdin>`, or the remote URL.
    public var displayName: String
    public var isStandardInput: Bool
    /// Set for content that is not a local file; a reader thread calls it when it gets there.
    public var remote: RemoteContent?

    public init(index: Int, path: String, displayName: String? = nil, isStandardInput: Bool = false) {
        self.index = index
        self.path = path
        self.displayName = displayName ?? (isStandardInput ? "<stdin>" : path)
        self.isStandardInput = isStandardInput
    }

    public init(index: Int, remote: RemoteContent) {
        self.index = index
        path = remote.url
        displayName = remote.url
        isStandardInput = false
        self.remote = remote
    }
}

/// Content that a source fetches on demand, such as an S3 object.
///
/// `fetch` blocks the calling reader thread until the bytes are there (it is expected to wait on
/// a download that a prefetcher started earlier), so the decoding pipeline stays synchronous.
public final class RemoteContent: Sendable, Hashable {
    /// Where it comes from, as users write it (`s3://bucket/key`, `cwl://group?...`).
    public let url: String
    /// What makes this content unique (an S3 ETag, a CloudWatch time slice), for checkpoints and
    /// idempotent ingest.
    public let identity: String
    /// Expected size in bytes when known (0 otherwise), for progress.
    public let expectedSize: Int
    /// For a slice of a CloudWatch Logs group: the checkpoint key and the time range it covers.
    /// An empty slice is normal (no traffic in that hour), not an empty file.
    public let logSlice: (key: String, range: Checkpoint.TimeRange)?
    private let fetcher: @Sendable () throws(FlowLensError) -> [UInt8]

    public init(
        url: String, identity: String, expectedSize: Int = 0,
        logSlice: (key: String, range: Checkpoint.TimeRange)? = nil,
        fetch: @escaping @Sendable () throws(FlowLensError) -> [UInt8]
    ) {
        self.url = url
        self.identity = identity
        self.expectedSize = expectedSize
        self.logSlice = logSlice
        fetcher = fetch
    }

    public func fetch() throws(FlowLensError) -> [UInt8] { try fetcher() }

    public static func == (lhs: RemoteContent, rhs: RemoteContent) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
