import ArgumentParser
import FlowCore
import FlowDecoding
import FlowExpression
import FlowLensKit
import FlowStore
import Foundation

extension FlowLens {
    struct Top: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank addresses, pairs, ports, protocols or interfaces by bytes, packets or flows.",
            discussion: """
                Reads sources in one streaming pass (no store needed), or a store with --db (from the \
                hourly rollups for srcaddr, dstaddr, address, dstport, protocol and interface). \
                --by address counts a record for its source and for its destination.

                Examples:
                  flowlens top ./logs --by address --metric bytes
                  flowlens top ./logs --by dstport --metric flows --where 'action = REJECT' -n 20
                  flowlens top --db flows.db --by srcaddr --metric packets --format csv
                """)

        @Argument(help: "Files, folders, globs, or - for stdin (omit with --db).")
        var sources: [String] = []

        @Option(help: "Read a store instead of sources.")
        var db: String?

        @Option(help: "Key: \(TopDimension.allCases.map(\.rawValue).joined(separator: ", ")).")
        var by: String = "address"

        @Option(help: "What to sum: bytes, packets or flows.")
        var metric: String = "bytes"

        @Option(name: .short, help: "How many to show.")
        var n = 10

        @Option(name: .customLong("where"), help: "Count only records matching this expression (sources only).")
        var whereExpression: String?

        @Option(help: "Field list for sources without a header line.")
        var fields: String?

        @Option(help: "Output format: table, csv or json.")
        var format: QueryFormatArgument = .table

        func validate() throws {
            if TopDimension(rawValue: by) == nil {
                throw ValidationError("--by \(by): expected one of \(TopDimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if TopMetric(rawValue: metric) == nil { throw ValidationError("--metric \(metric): expected bytes, packets or flows") }
            if n < 1 { throw ValidationError("-n must be at least 1") }
            if (db == nil) == sources.isEmpty { throw ValidationError("give sources or --db FILE (not both)") }
            if db != nil && whereExpression != nil {
                throw ValidationError("--where works on sources; with --db use flowlens query and a WHERE clause")
            }
        }

        mutating func run() async throws {
            let dimension = TopDimension(rawValue: by)!
            let metric = TopMetric(rawValue: metric)!
            let output = BufferedOutput()
            let formatter = QueryOutput(format: format.value) { output.write($0) }
            defer { output.flush() }
            if let db {
                let store = try StoreSupport.open(db, readOnly: true)
                do {
                    try store.query(TopTalkers.storeSQL(by: dimension, metric: metric, count: n), to: formatter)
                } catch {
                    Stderr.print("flowlens: \(error)")
                    throw ExitCode(1)
                }
                return
            }
            var plan: ColumnPlan?
            if let fields {
                do { plan = try ColumnPlan(fieldList: fields) } catch { throw ValidationError(error.description) }
            }
            let runner = ScanRunner(options: ScanOptions(sources: sources, plan: plan))
            if let whereExpression {
                let filter = try CommandSupport.filter(whereExpression)
                runner.filter = { filter.matches($0) }
            }
            let talkers = TopTalkers(by: dimension)
            runner.sinks.append(talkers)
            _ = try CommandSupport.run(runner, progress: ProgressLine(enabled: true))
            formatter.begin(columns: dimension.columns + ["flows", "packets", "bytes"])
            for entry in talkers.top(n, by: metric) {
                formatter.row(
                    entry.key.map { QueryValue.text($0) } + [
                        .integer(Int64(bitPattern: entry.flows)), .integer(Int64(bitPattern: entry.packets)),
                        .integer(Int64(bitPattern: entry.bytes)),
                    ])
            }
            formatter.end()
        }
    }
}
