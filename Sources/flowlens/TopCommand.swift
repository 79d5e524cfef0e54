import ArgumentParser
import FlowCore
import FlowDecoding
import FlowEnrichment
import FlowExpression
import FlowLensKit
import FlowStore
import Foundation

extension FlowLens {
    struct Top: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "top",
            abstract: "Rank addresses, pairs, ports, protocols, interfaces or zones by bytes, packets or flows.",
            discussion: """
                Reads sources in one streaming pass (no store needed), or a store with --db. On a \
                store, a plain ranking by srcaddr, dstaddr, address, dstport, protocol or interface \
                comes from the rollups (flows_totals, one row per key); with --where, --every or \
                another key the store's records are read back and ranked as a scan would rank them. \
                --by address counts a record for its source and for its destination; --by zone ranks \
                pairs of trust zones (from the config) of the packet-level source and destination. \
                --every turns the ranking into a time series: the top N of each time bin.

                Examples:
                  flowlens top ./logs --by address --metric bytes
                  flowlens top ./logs --by dstport --metric flows --where 'action = REJECT' -n 20
                  flowlens top ./logs --by srcaddr --every 5m -n 3 --format csv
                  flowlens top ./logs --by zone --config flowlens.yml
                  flowlens top --db flows.db --by srcaddr --metric packets --format csv
                  flowlens top --db flows.db --by pair --where 'dst not in $internal' -n 5
                """)

        @Argument(help: "Files, folders, globs, or - for stdin (omit with --db).")
        var sources: [String] = []

        @Option(help: "Read a store instead of sources.")
        var db: String?

        @Option(help: "Key: \(TopDimension.allCases.map(\.rawValue).joined(separator: ", ")).")
        var by: String = "address"

        @Option(help: "What to sum: bytes, packets or flows.")
        var metric: String = "bytes"

        @Option(name: .short, help: "How many to show (per time bin with --every).")
        var n = 10

        @Option(name: .customLong("where"), help: "Count only records matching this expression.")
        var whereExpression: String?

        @Option(help: "Rank per time bin of this width (30s, 5m, 1h, 1d): a time series.")
        var every: String?

        @Option(help: "Config file for zones and named sets such as $trusted (default: ./flowlens.yml when present).")
        var config: String?

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
            if let every, (Timestamp.duration(every) ?? 0) <= 0 {
                throw ValidationError("--every \(every): expected a duration such as 30s, 5m, 1h or 1d")
            }
        }

        mutating func run() async throws {
            let dimension = TopDimension(rawValue: by)!
            let metric = TopMetric(rawValue: metric)!
            let binSeconds = every.flatMap(Timestamp.duration)
            let output = BufferedOutput()
            let formatter = QueryOutput(format: format.value) { output.write($0) }
            defer { output.flush() }
            if let db, whereExpression == nil, binSeconds == nil,
                let sql = TopTalkers.rollupSQL(by: dimension, metric: metric, count: n)
            {
                let store = try StoreSupport.open(db, readOnly: true)
                do { try store.query(sql, to: formatter) } catch {
                    Stderr.print("flowlens: \(error)")
                    throw ExitCode(1)
                }
                return
            }
            let needsConfig = dimension == .zone || whereExpression != nil
            let context = needsConfig ? try CommandSupport.networkContext(config: config) : nil
            let filter = try whereExpression.map { try CommandSupport.filter($0, sets: context?.namedSets ?? [:]) }
            let talkers = TopTalkers(by: dimension, binSeconds: binSeconds, zones: context?.zones ?? [])
            if let db {
                let store = try StoreSupport.open(db, readOnly: true)
                do {
                    try StoreReplay.run(
                        store, filter: filter.map { f in { f.matches($0) } }, touching: filter?.expression.requiredAddresses,
                        sinks: [talkers])
                } catch {
                    Stderr.print("flowlens: \(error)")
                    throw ExitCode(1)
                }
            } else {
                var plan: ColumnPlan?
                if let fields {
                    do { plan = try ColumnPlan(fieldList: fields) } catch { throw ValidationError(error.description) }
                }
                let runner = ScanRunner(options: ScanOptions(sources: sources, plan: plan))
                if let filter { runner.filter = { filter.matches($0) } }
                runner.sinks.append(talkers)
                _ = try CommandSupport.run(runner, progress: ProgressLine(enabled: true))
            }
            let binned = binSeconds != nil
            formatter.begin(columns: (binned ? ["bin"] : []) + dimension.columns + ["flows", "packets", "bytes"])
            for entry in talkers.top(n, by: metric) {
                let bin: [QueryValue] = entry.bin.map { [.text(Timestamp.rfc3339($0))] } ?? []
                formatter.row(
                    bin + entry.key.map { QueryValue.text($0) } + [
                        .integer(Int64(bitPattern: entry.flows)), .integer(Int64(bitPattern: entry.packets)),
                        .integer(Int64(bitPattern: entry.bytes)),
                    ])
            }
            formatter.end()
        }
    }
}
