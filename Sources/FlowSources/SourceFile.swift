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
/// It comes either whole (the `fetch` closure blocks the calling reader thread until the bytes are
/// there) or as a ``ByteStream`` that the reader reads as the download delivers it. Either way
/// ``open()`` hands the reader a stream and the decoding pipeline stays synchronous.
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
    private enum Access: Sendable {
        case whole(@Sendable () throws(FlowLensError) -> [UInt8])
        case streamed(@Sendable () throws(FlowLensError) -> ByteStream)
    }

    private let access: Access

    /// Content that arrives whole.
    public init(
        url: String, identity: String, expectedSize: Int = 0,
        logSlice: (key: String, range: Checkpoint.TimeRange)? = nil,
        fetch: @escaping @Sendable () throws(FlowLensError) -> [UInt8]
    ) {
        self.url = url
        self.identity = identity
        self.expectedSize = expectedSize
        self.logSlice = logSlice
        access = .whole(fetch)
    }

    /// Content read as it streams in.
    public init(
        url: String, identity: String, expectedSize: Int = 0,
        open: @escaping @Sendable () throws(FlowLensError) -> ByteStream
    ) {
        self.url = url
        self.identity = identity
        self.expectedSize = expectedSize
        logSlice = nil
        access = .streamed(open)
    }

    /// The content as a stream; whole content becomes a stream that has already ended.
    public func open() throws(FlowLensError) -> ByteStream {
        switch access {
        case .streamed(let opener):
            return try opener()
        case .whole(let fetcher):
            let stream = ByteStream()
            stream.write(try fetcher())
            stream.finish()
            return stream
        }
    }

    public static func == (lhs: RemoteContent, rhs: RemoteContent) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
