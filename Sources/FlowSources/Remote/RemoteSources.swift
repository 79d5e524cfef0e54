public import FlowAWS
public import FlowCore
import Foundation

/// Turns `s3://` and `cwl://` sources into remote `SourceFile`s: lists what a time range needs,
/// leaves out what the checkpoint has, and sets up the fetching.
public final class RemoteSources: @unchecked Sendable {
    public struct Settings: Sendable {
        public var aws = AWSClientConfiguration()
        /// Unix seconds.
        public var since: Int64?
        public var until: Int64?
        public var now = Int64(Date().timeIntervalSince1970)
        /// S3 layout filters; empty means all.
        public var accounts: Set<String> = []
        public var regions: Set<String> = []
        /// How late a delivery may come, in seconds: S3 lists that far past `until`; with a
        /// checkpoint, CloudWatch reads stop that far before now, so that a recorded range is
        /// complete.
        public var lateness: Int64 = 900
        /// S3 objects downloaded at once.
        public var concurrency = 8
        /// Read the field list of CloudWatch records from the flow log's LogFormat (off when the
        /// user gave `--fields`).
        public var lookUpLogFormat = true
        /// CloudWatch range when `--since` is not given.
        public var defaultCloudWatchWindow: Int64 = 86400

        public init() {}
    }

    /// What resolving one source gave.
    public struct Resolution: Sendable {
        public var files: [SourceFile] = []
        /// Sources the checkpoint says are done.
        public var skipped = 0
        /// Things the user should know (the field list used for a log group, say).
        public var notes: [String] = []
    }

    public let settings: Settings
    public let checkpoint: Checkpoint?
    private var client: AWSClient?
    private var prefetchers: [S3Prefetcher] = []

    public init(settings: Settings, checkpoint: Checkpoint?) {
        self.settings = settings
        self.checkpoint = checkpoint
    }

    public static func isRemote(_ spec: String) -> Bool {
        spec.hasPrefix("s3://") || spec.hasPrefix("cwl://")
    }

    /// Resolves one `s3://` or `cwl://` source; indices start at `startingIndex`.
    public func resolve(_ spec: String, startingIndex: Int) throws(FlowLensError) -> Resolution {
        if let location = S3Location(url: spec) {
            return try resolveS3(location, startingIndex: startingIndex)
        }
        if let location = CloudWatchLocation(url: spec) {
            return try resolveCloudWatch(location, startingIndex: startingIndex)
        }
        throw FlowLensError(
            .badArgument, "not a remote source: expected s3://bucket/prefix or cwl://log-group", location: spec)
    }

    /// Starts the first downloads; call once every source is resolved.
    public func startFetching() {
        for prefetcher in prefetchers { prefetcher.start() }
    }

    /// Closes the HTTP client.
    public func shutdown() {
        guard let client else { return }
        _ = try? BlockingAwait.run { try await client.shutdown() }
        self.client = nil
    }

    private func awsClient() throws(FlowLensError) -> AWSClient {
        if let client { return client }
        do {
            let made = try AWSClient(configuration: settings.aws)
            client = made
            return made
        } catch {
            throw FlowLensError(.badArgument, "AWS setup: \(error)")
        }
    }

    private func resolveS3(_ location: S3Location, startingIndex: Int) throws(FlowLensError) -> Resolution {
        let client = try awsClient()
        var plan = S3ListingPlan(location: location, since: settings.since, until: settings.until, now: settings.now)
        plan.accounts = settings.accounts
        plan.regions = settings.regions
        plan.lateness = settings.lateness
        var objects = try plan.objects(using: S3ObjectLister(client: client, bucket: location.bucket))
        var resolution = Resolution()
        if let checkpoint {
            let before = objects.count
            objects.removeAll { checkpoint.isDone("\(location.url(key: $0.key))#\($0.eTag)") }
            resolution.skipped = before - objects.count
        }
        if objects.isEmpty && resolution.skipped == 0 {
            throw FlowLensError(.emptySource, "no objects to read here for this time range", location: location.description)
        }
        let prefetcher = S3Prefetcher(
            client: client, location: location, objects: objects, concurrency: settings.concurrency)
        prefetchers.append(prefetcher)
        resolution.files = prefetcher.sources(startingIndex: startingIndex)
        return resolution
    }

    private func resolveCloudWatch(_ location: CloudWatchLocation, startingIndex: Int) throws(FlowLensError) -> Resolution {
        let client = try awsClient()
        var resolution = Resolution()
        var header: String?
        if settings.lookUpLogFormat {
            header = try logFormatHeader(client: client, location: location, notes: &resolution.notes)
        }
        var end = (settings.until ?? settings.now)
        if checkpoint != nil {
            // A range recorded as done must be complete: stay behind the delivery delay.
            end = min(end, settings.now - settings.lateness)
        }
        let start = settings.since ?? (end - settings.defaultCloudWatchWindow)
        let key = location.description
        let finished = checkpoint?.finishedRanges(key) ?? []
        let all = CloudWatchSlicePlan.slices(start: start * 1000, end: end * 1000, finished: [])
        let slices = CloudWatchSlicePlan.slices(start: start * 1000, end: end * 1000, finished: finished)
        resolution.skipped = all.count - slices.count
        let fetcher = CloudWatchSliceFetcher(client: client, location: location, header: header)
        for (offset, slice) in slices.enumerated() {
            let url = "\(location) [\(Timestamp.rfc3339(slice.start / 1000)) – \(Timestamp.rfc3339(slice.end / 1000))]"
            let content = RemoteContent(
                url: url, identity: "\(location)#\(slice.start)-\(slice.end)", logSlice: (key, slice)
            ) { () throws(FlowLensError) in try fetcher.fetch(slice) }
            resolution.files.append(SourceFile(index: startingIndex + offset, remote: content))
        }
        return resolution
    }

    /// The header line for a log group's records, from the LogFormat of the flow log that writes
    /// to it. Without one (no flow log found, or no permission to ask), the run's field list
    /// applies (`--fields`, else the v2 default), and a note says so.
    private func logFormatHeader(
        client: AWSClient, location: CloudWatchLocation, notes: inout [String]
    ) throws(FlowLensError) -> String? {
        let group = location.logGroup
        let found: Result<[FlowLogDescription], any Error>
        do {
            found = .success(try BlockingAwait.run { try await client.describeFlowLogs(logGroupName: group) })
        } catch {
            found = .failure(error)
        }
        switch found {
        case .failure(let error):
            notes.append("\(location): cannot look up the flow log's format (\(error)); using the default field list")
            return nil
        case .success(let flowLogs):
            let formats = Set(flowLogs.map(\.logFormat).filter { !$0.isEmpty })
            guard let format = formats.sorted().first else {
                notes.append("\(location): no flow log delivers to this log group; using the default field list")
                return nil
            }
            if formats.count > 1 {
                notes.append("\(location): flow logs with different formats deliver here; using \(format)")
            }
            // `${version} ${srcaddr}` → `version srcaddr`, which the decoder takes as a header.
            return format.split(separator: " ").map {
                String($0).replacingOccurrences(of: "${", with: "").replacingOccurrences(of: "}", with: "")
            }.joined(separator: " ")
        }
    }
}
