import ArgumentParser
import FlowLensKit
import Foundation

extension FlowLens {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Generate a simulated day with attacks, scan it, and score the alerts.",
            discussion: """
                Generates a day of flow logs for a simulated VPC with one instance of every attack \
                FlowLens detects and benign look-alikes, scans it with a matching flowlens.yml, and \
                prints the alerts, the traffic summary and the score against the injected labels.

                Examples:
                  flowlens demo
                  flowlens demo --records 2000000 --keep ./demo-out
                """)

        @Option(help: "About how many records to simulate.")
        var records = 200_000

        @Option(help: "Random seed of the simulation.")
        var seed: UInt64 = 1

        @Option(help: "Keep the generated logs and config in this folder.")
        var keep: String?

        mutating func run() async throws {
            var options = DemoRunner.Options()
            options.records = records
            options.seed = seed
            options.keepDirectory = keep
            let result: DemoRunner.Result
            do {
                result = try await DemoRunner.run(options)
            } catch {
                Stderr.print("flowlens: demo failed: \(error)")
                throw ExitCode(1)
            }
            print("FlowLens demo: \(result.simulation.records) simulated records in \(result.simulation.files) files, scanned in \(String(format: "%.1f", result.scan.elapsedSeconds)) s")
            if keep != nil { print("Logs and flowlens.yml kept in \(result.directory)") }
            print("")
            print(AlertText.render(result.alerts))
            print("")
            print(ScanSummary(result: result.scan, top: 5).text())
            print("")
            print(result.scoreText)
            let reportPath = keep.map { $0 + "/flowlens-demo-report.html" } ?? "flowlens-demo-report.html"
            guard FileManager.default.createFile(atPath: reportPath, contents: Data(result.report.html().utf8)) else {
                Stderr.print("flowlens: \(reportPath): cannot write the report")
                throw ExitCode(1)
            }
            print("")
            print("HTML report: \(reportPath)")
        }
    }
}
