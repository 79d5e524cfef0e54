import ArgumentParser
import FlowCore
import FlowDetection
import FlowEnrichment
import FlowExpression
import FlowLensKit
import Foundation

extension FlowLens {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Read flow logs once and write a report: statistics, charts and alerts.",
            discussion: """
                Reads the sources in one pass, runs the detections, and prints the report (text, \
                json or markdown). --html writes one self-contained HTML page (inline CSS and SVG, \
                no scripts, no network fetches) that can be mailed or attached to a ticket.

                Examples:
                  flowlens report ./logs --html report.html
                  flowlens report ./logs --config flowlens.yml --html report.html --format markdown
                  flowlens report 'logs/*.log.gz' --where 'action = REJECT' --format json
                """)

        @OptionGroup var input: SourceOptions
        @OptionGroup var detection: DetectionOptions

        @Flag(help: "Skip detections: statistics only.")
        var noRules = false

        @Option(name: .customLong("where"), help: "Keep only records matching this expression.")
        var whereExpression: String?

        @Option(help: "Write the HTML report to this file.")
        var html: String?

        @Option(help: "Output format on stdout: text, json or markdown.")
        var format: ReportFormat = .text

        @Option(name: .customLong("top"), help: "Length of the top-N tables.")
        var top = 10

        @Option(help: "Title of the report.")
        var title = "FlowLens report"

        @Flag(help: "Never show progress, even on a terminal.")
        var quiet = false

        mutating func run() async throws {
            let runner = ScanRunner(options: try input.scanOptions())
            let setup = try detection.setup()
            let context = setup.config.context
            var detections: DetectionSink?
            if !noRules {
                let engine = try CommandSupport.orExit { () throws(FlowLensError) in try setup.makeEngine() }
                detections = DetectionSink(engine: engine)
                runner.sinks.append(detections!)
            }
            let statistics = ReportStatistics(context: context)
            runner.sinks.append(statistics)
            if let whereExpression {
                let filter = try CommandSupport.filter(whereExpression, sets: context.namedSets)
                runner.filter = { filter.matches($0) }
            }
            let progress = ProgressLine(enabled: !quiet)
            let result = try CommandSupport.run(runner, progress: progress, reportProblems: true)
            let document = ReportDocument(
                result: result, statistics: statistics, alerts: detections?.alerts ?? [], context: context, top: top,
                title: title, generatedAt: Int64(Date().timeIntervalSince1970))
            if let html {
                guard FileManager.default.createFile(atPath: html, contents: Data(document.html().utf8)) else {
                    Stderr.print("flowlens: \(html): cannot write the file")
                    throw ExitCode(1)
                }
            }
            switch format {
            case .text: print(document.text(), terminator: "")
            case .markdown: print(document.markdown(), terminator: "")
            case .json: print(try CommandSupport.json(document))
            }
            if let html, format != .json { Stderr.print("HTML report written to \(html)") }
        }
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}
