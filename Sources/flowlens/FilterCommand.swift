import ArgumentParser
import FlowCore
import FlowDecoding
import FlowExpression
import FlowLensKit
import FlowStore
import Foundation

extension FlowLens {
    struct Filter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "filter",
            abstract: "Print the records that match an expression, as flow log text, CSV or JSON lines.",
            discussion: """
                Examples:
                  flowlens filter ./logs --where 'dstport = 22 and action = ACCEPT'
                  flowlens filter ./logs --where 'addr = 10.20.1.10' --format csv > host.csv
                  flowlens filter ./logs --where 'action = REJECT' --format json --columns "srcaddr dstaddr dstport start"
                  flowlens filter --db flows.db --where 'addr = 10.20.1.10' --since 2026-11-03T04:00:00Z --until 2026-11-03T05:00:00Z
                """)

        @OptionGroup var input: SourceOptions

        @Option(help: "Read a store (from flowlens ingest) instead of sources.")
        var db: String?

        @Option(name: .customLong("where"), help: "Keep only records matching this expression.")
        var whereExpression: String?

        @Option(help: "Output format: text, csv or json (one object a line).")
        var format: RecordFormat = .text

        @Option(help: "Columns to print, AWS names (default: the v2 default fields).")
        var columns: String?

        @Option(help: "Config file for named sets such as $trusted and zones (default: ./flowlens.yml when present).")
        var config: String?

        mutating func run() async throws {
            let fields: [FlowField]
            if let columns {
                do { fields = try ColumnPlan(fieldList: columns).fields } catch { throw ValidationError(error.description) }
            } else {
                fields = FlowField.v2Default
            }
            let writer = RecordWriter(format: format.value, fields: fields) { bytes in
                StandardOutput.write(bytes)
            }
            try StoreSupport.runRecords(input: input, db: db, whereExpression: whereExpression, config: config, sink: writer)
        }
    }

    struct Ips: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ips",
            abstract: "Print the distinct addresses of the matching records, one a line (an IP set).",
            discussion: """
                Examples:
                  flowlens ips ./logs --where 'action = REJECT and dstport = 22' --side src
                  flowlens ips ./logs --where 'src in $internal and dst not in $internal' --side dst
                  flowlens ips --db flows.db --where 'dstport = 22 and action = ACCEPT' --side src
                """)

        @OptionGroup var input: SourceOptions

        @Option(help: "Read a store (from flowlens ingest) instead of sources.")
        var db: String?

        @Option(name: .customLong("where"), help: "Keep only records matching this expression.")
        var whereExpression: String?

        @Option(help: "Which addresses: src, dst or both (packet-level addresses).")
        var side: AddressSide = .both

        @Option(help: "Config file for named sets such as $trusted and zones (default: ./flowlens.yml when present).")
        var config: String?

        mutating func run() async throws {
            let collector = AddressCollector(side: side.value)
            try StoreSupport.runRecords(input: input, db: db, whereExpression: whereExpression, config: config, sink: collector)
            for address in collector.addresses.sorted() { print(address) }
        }
    }
}

enum RecordFormat: String, ExpressibleByArgument, CaseIterable {
    case text, csv, json
    var value: RecordWriter.Format { RecordWriter.Format(rawValue: rawValue)! }
}

enum AddressSide: String, ExpressibleByArgument, CaseIterable {
    case src, dst, both
    var value: AddressCollector.Side { AddressCollector.Side(rawValue: rawValue)! }
}

extension StoreSupport {
    /// Runs `sink` over the records of the sources or, with `db`, of a store, keeping those that
    /// match `whereExpression` (with the config's named sets) and fall within --since/--until.
    static func runRecords(
        input: SourceOptions, db: String?, whereExpression: String?, config: String?, sink: any FlowSink
    ) throws {
        if db != nil && !input.sources.isEmpty { throw ValidationError("give sources or --db FILE (not both)") }
        let filter = try whereExpression.map {
            try CommandSupport.filter($0, sets: CommandSupport.namedSets(config: config))
        }
        guard let db else {
            let runner = ScanRunner(options: try input.scanOptions())
            if let filter { runner.filter = { filter.matches($0) } }
            runner.sinks.append(sink)
            _ = try CommandSupport.run(runner, progress: ProgressLine(enabled: false))
            return
        }
        let store = try open(db, readOnly: true)
        do {
            let range = input.timeRange()
            try StoreReplay.run(
                store, since: range.since, until: range.until, filter: filter.map { f in { f.matches($0) } },
                touching: filter?.expression.requiredAddresses, sinks: [sink])
        } catch {
            Stderr.print("flowlens: \(error)")
            throw ExitCode(1)
        }
    }
}
