import ArgumentParser
import FlowCore
import FlowDecoding
import FlowDetection
import FlowEnrichment
import FlowExpression
import FlowLensKit
import FlowAWS
import FlowSources
import Foundation

extension FlowLens {
    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Read flow logs and report what is in them.",
            discussion: """
                Sources are files, folders (read recursively), globs, or - for standard input. Gzip is \
                detected by its magic bytes. Files are decoded in parallel on all cores.

                Examples:
                  flowlens scan ./logs
                  flowlens scan 'logs/*.log.gz' --format json
                  zcat a.log.gz | flowlens scan - --fields "version srcaddr dstaddr action"
                  flowlens scan ./logs --where 'dstport in (22, 3389) and action = REJECT'
                  flowlens scan ./logs --config flowlens.yml --alerts alerts.jsonl --fail-on high
                """)

        @OptionGroup var input: SourceOptions
        @OptionGroup var detection: DetectionOptions

        @Flag(help: "Skip detections: statistics only.")
        var noRules = false

        @Option(help: "Write alerts as JSON lines to this file (- for stdout).")
        var alerts: String?

        @Option(help: "Report only alerts at or above this severity (info, low, medium, high, critical).")
        var minSeverity = SeverityArgument(argument: "info")!

        @Option(help: "Exit with code 3 when an alert at or above this severity was raised.")
        var failOn: SeverityArgument?

        @Option(name: .customLong("where"), help: "Keep only records matching this expression.")
        var whereExpression: String?

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        @Option(name: .customLong("top"), help: "Length of the top-N tables.")
        var top = 10

        @Flag(help: "Never show progress, even on a terminal.")
        var quiet = false

        @Option(help: "Also ingest the records and alerts into this SQLite store (see ingest).")
        var db: String?

        @Option(
            help: ArgumentHelp(
                "Record finished sources in this file and skip them on the next run.",
                discussion: "S3 objects by key and ETag, files by path, size and time, CloudWatch Logs by time range."))
        var checkpoint: String?

        mutating func run() async throws {
            var options = try input.scanOptions()
            options.checkpointPath = checkpoint
            let runner = ScanRunner(options: options)
            let storeSink = try db.map { StoreSink(store: try StoreSupport.open($0)) }
            var sets: [String: CIDRSet] = [:]
            var sink: DetectionSink?
            if !noRules {
                let setup = try detection.setup()
                sets = setup.config.context.namedSets
                let engine = try CommandSupport.orExit { () throws(FlowLensError) in try setup.makeEngine() }
                sink = DetectionSink(engine: engine)
                runner.sinks.append(sink!)
            }
            if let whereExpression {
                let filter = try CommandSupport.filter(whereExpression, sets: sets)
                runner.filter = { filter.matches($0) }
            }
            if let storeSink { runner.sinks.append(storeSink) }
            let progress = ProgressLine(enabled: !quiet)
            let result = try CommandSupport.run(runner, progress: progress, reportProblems: format != .text)
            if let storeSink { try StoreSupport.finishScan(storeSink, alerts: sink?.alerts ?? [], result: result) }
            let raised = (sink?.alerts ?? []).filter { $0.severity >= minSeverity.value }
            if let alerts {
                try CommandSupport.writeLines(raised.map(\.jsonLine), to: alerts)
            }
            var summary = ScanSummary(result: result, top: top)
            summary.alertCounts = Dictionary(grouping: raised, by: { $0.severity.description }).mapValues(\.count)
            switch format {
            case .text:
                print(summary.text())
                if sink != nil && alerts != "-" {
                    print("")
                    print(AlertText.render(raised))
                }
            case .json: print(try CommandSupport.json(summary))
            }
            // Only now is everything this run read reported: record it as done.
            try CommandSupport.orExit { () throws(FlowLensError) in try result.checkpoint?.commit() }
            if let failOn, raised.contains(where: { $0.severity >= failOn.value }) {
                throw ExitCode(3)
            }
        }
    }
}

/// Flags shared by every command that reads sources.
struct SourceOptions: ParsableArguments {
    @Argument(help: "Files, folders, globs, - for stdin, s3://bucket/prefix, or cwl://log-group[?stream=prefix].")
    var sources: [String] = []

    @Option(help: "Field list for sources without a header line, e.g. \"version srcaddr dstaddr ...\".")
    var fields: String?

    @Flag(help: "Stop at the first malformed line instead of counting and skipping it.")
    var strict = false

    @Option(help: "Only records that start at or after this time: RFC 3339 or relative (6h, 2d).")
    var since: String?

    @Option(help: "Only records that start before this time: RFC 3339 or relative (1h).")
    var until: String?

    @Option(help: "AWS profile from ~/.aws/config and ~/.aws/credentials (else AWS_PROFILE, else default).")
    var profile: String?

    @Option(
        help: ArgumentHelp(
            "AWS region for API calls and, for S3, the regions to read (repeatable).",
            discussion: "Else AWS_REGION, AWS_DEFAULT_REGION or the profile's region; S3 reads every region then."))
    var region: [String] = []

    @Option(help: "S3 layout filter: only these AWS accounts (repeatable).")
    var account: [String] = []

    @Option(help: "Send AWS requests here (an S3-compatible store, a local test server); else AWS_ENDPOINT_URL.")
    var endpointURL: String?

    @Option(help: "Assume this IAM role (STS AssumeRole) with the credentials found.")
    var roleArn: String?

    @Option(help: "S3 objects downloaded at once.")
    var fetchConcurrency = 8

    func validate() throws {
        if fetchConcurrency < 1 { throw ValidationError("--fetch-concurrency must be at least 1") }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Timestamp.parseTime(value, now: 0) == nil {
                throw ValidationError("\(name): '\(value)' is not an RFC 3339 time or a duration such as 6h")
            }
        }
    }

    /// `--since` and `--until` as Unix seconds.
    func timeRange(now: Int64 = Int64(Date().timeIntervalSince1970)) -> (since: Int64?, until: Int64?) {
        (since.flatMap { Timestamp.parseTime($0, now: now) }, until.flatMap { Timestamp.parseTime($0, now: now) })
    }

    /// The pass over the sources; commands that can also read a store (`--db`) call it only
    /// when reading sources, so an empty source list is refused here, not at parsing.
    func scanOptions() throws -> ScanOptions {
        if sources.isEmpty { throw ValidationError("give at least one source (a file, folder, glob, -, s3:// or cwl://)") }
        var plan: ColumnPlan?
        if let fields {
            do { plan = try ColumnPlan(fieldList: fields) } catch { throw ValidationError(error.description) }
        }
        var options = ScanOptions(sources: sources, plan: plan, strict: strict)
        let now = Int64(Date().timeIntervalSince1970)
        (options.since, options.until) = timeRange(now: now)
        options.remote.now = now
        options.remote.aws.profile = profile
        options.remote.aws.region = region.first
        options.remote.aws.endpointURL = endpointURL
        options.remote.aws.roleARN = roleArn
        options.remote.regions = Set(region)
        options.remote.accounts = Set(account)
        options.remote.concurrency = fetchConcurrency
        return options
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
