import ArgumentParser
import FlowCore
import FlowStore
import Foundation

extension FlowLens {
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Delete old flows, rollups and alerts from a store.",
            discussion: """
                Removes flows that started before the cutoff (rounded down to the hour), their hourly \
                rollups and alerts last seen before it. Sources stay recorded, so re-ingesting an old \
                file still adds nothing.

                Examples:
                  flowlens prune --db flows.db --older-than 30d
                  flowlens prune --db flows.db --older-than 2026-11-01T00:00:00Z --vacuum
                """)

        @Option(help: "The store file.")
        var db: String

        @Option(help: "Age (30d, 12h, 2w) or an RFC 3339 time; older data is deleted.")
        var olderThan: String

        @Flag(help: "Give the freed space back to the file system (rewrites the file).")
        var vacuum = false

        func validate() throws {
            if Timestamp.parseTime(olderThan, now: 0) == nil {
                throw ValidationError("--older-than \(olderThan): expected an age such as 30d or an RFC 3339 time")
            }
        }

        mutating func run() async throws {
            let cutoff = Timestamp.parseTime(olderThan, now: Int64(Date().timeIntervalSince1970))!
            let store = try StoreSupport.open(db)
            do {
                let result = try store.prune(before: cutoff, vacuum: vacuum)
                print(
                    "pruned \(result.flows) flows, \(result.rollupRows) rollup rows and \(result.alerts) alerts "
                        + "before \(Timestamp.rfc3339(result.cutoff))")
            } catch {
                Stderr.print("flowlens: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
