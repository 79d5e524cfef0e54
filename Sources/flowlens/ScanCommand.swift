import ArgumentParser
import FlowCore
import FlowDecoding
import FlowDetection
import FlowEnrichment
import FlowExpression
import FlowLensKit
import Foundation

extension FlowLens {
    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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

        mutating func run() async throws {
            let runner = ScanRunner(options: try input.scanOptions())
            let storeSink = try db.map { StoreSink(store: try StoreSupport.open($0), sources: input.sources) }
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
            if let failOn, raised.contains(where: { $0.severity >= failOn.value }) {
                throw ExitCode(3)
            }
        }
    }
}

/// Flags shared by every command that reads sources.
struct SourceOptions: ParsableArguments {
    @Argument(help: "Files, folders, globs, or - for stdin.")
    var sources: [String]

    @Option(help: "Field list for sources without a header line, e.g. \"version srcaddr dstaddr ...\".")
    var fields: String?

    @Flag(help: "Stop at the first malformed line instead of counting and skipping it.")
    var strict = false

    @Option(help: "Only records that start at or after this time: RFC 3339 or relative (6h, 2d).")
    var since: String?

    @Option(help: "Only records that start before this time: RFC 3339 or relative (1h).")
    var until: String?

    func validate() throws {
        if sources.isEmpty { throw ValidationError("give at least one source (a file, folder, glob or -)") }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Timestamp.parseTime(value, now: 0) == nil {
                throw ValidationError("\(name): '\(value)' is not an RFC 3339 time or a duration such as 6h")
            }
        }
    }

    func scanOptions() throws -> ScanOptions {
        var plan: ColumnPlan?
        if let fields {
            do { plan = try ColumnPlan(fieldList: fields) } catch { throw ValidationError(error.description) }
        }
        var options = ScanOptions(sources: sources, plan: plan, strict: strict)
        let now = Int64(Date().timeIntervalSince1970)
        options.since = since.flatMap { Timestamp.parseTime($0, now: now) }
        options.until = until.flatMap { Timestamp.parseTime($0, now: now) }
        return options
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
