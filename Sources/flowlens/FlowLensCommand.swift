import ArgumentParser
import FlowLensKit
import Foundation

@main
struct FlowLens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowlens",
        abstract: "Turn AWS VPC Flow Logs into security answers.",
        discussion: """
            Examples:
              flowlens demo
              flowlens scan ./logs --format json
              flowlens generate --out ./sim --records 100000
            """,
        version: "0.1.0",
        subcommands: [Demo.self, Scan.self, Rules.self, Generate.self, Report.self, Ingest.self, Query.self, Prune.self, Top.self, Filter.self, Ips.self]
    )

    /// Runs the command, mapping bad usage to exit code 2 (DESIGN.md: 0 done, 1 the run failed,
    /// 2 bad usage, 3 an alert at the `--fail-on` level), where argument-parser would use 64.
    static func main() async {
        MemoryTuning.keepLargeBlocksInHeap()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
