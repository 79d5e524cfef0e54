import ArgumentParser
import FlowCore
import FlowDecoding
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
                """)

        @OptionGroup var input: SourceOptions

        @Option(name: .customLong("where"), help: "Keep only records matching this expression.")
        var whereExpression: String?

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        @Option(name: .customLong("top"), help: "Length of the top-N tables.")
        var top = 10

        @Flag(help: "Never show progress, even on a terminal.")
        var quiet = false

        mutating func run() async throws {
            let runner = ScanRunner(options: try input.scanOptions())
            if let whereExpression {
                let filter = try CommandSupport.filter(whereExpression)
                runner.filter = { filter.matches($0) }
            }
            let progress = ProgressLine(enabled: !quiet)
            let result = try CommandSupport.run(runner, progress: progress, reportProblems: format != .text)
            let summary = ScanSummary(result: result, top: top)
            switch format {
            case .text: print(summary.text())
            case .json: print(try CommandSupport.json(summary))
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

    func validate() throws {
        if sources.isEmpty { throw ValidationError("give at least one source (a file, folder, glob or -)") }
    }

    func scanOptions() throws -> ScanOptions {
        var plan: ColumnPlan?
        if let fields {
            do { plan = try ColumnPlan(fieldList: fields) } catch { throw ValidationError(error.description) }
        }
        return ScanOptions(sources: sources, plan: plan, strict: strict)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
