import ArgumentParser
import FlowCore
import FlowDecoding
import FlowExpression
import FlowLensKit
import Foundation

extension FlowLens {
    struct Filter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the records that match an expression, as flow log text, CSV or JSON lines.",
            discussion: """
                Examples:
                  flowlens filter ./logs --where 'dstport = 22 and action = ACCEPT'
                  flowlens filter ./logs --where 'addr = 10.20.1.10' --format csv > host.csv
                  flowlens filter ./logs --where 'action = REJECT' --format json --columns "srcaddr dstaddr dstport start"
                """)

        @OptionGroup var input: SourceOptions

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
            let runner = ScanRunner(options: try input.scanOptions())
            if let whereExpression {
                let filter = try CommandSupport.filter(whereExpression, sets: CommandSupport.namedSets(config: config))
                runner.filter = { filter.matches($0) }
            }
            let writer = RecordWriter(format: format.value, fields: fields) { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            runner.sinks.append(writer)
            _ = try CommandSupport.run(runner, progress: ProgressLine(enabled: false))
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
                """)

        @OptionGroup var input: SourceOptions

        @Option(name: .customLong("where"), help: "Keep only records matching this expression.")
        var whereExpression: String?

        @Option(help: "Which addresses: src, dst or both (packet-level addresses).")
        var side: AddressSide = .both

        @Option(help: "Config file for named sets such as $trusted and zones (default: ./flowlens.yml when present).")
        var config: String?

        mutating func run() async throws {
            let runner = ScanRunner(options: try input.scanOptions())
            if let whereExpression {
                let filter = try CommandSupport.filter(whereExpression, sets: CommandSupport.namedSets(config: config))
                runner.filter = { filter.matches($0) }
            }
            let collector = AddressCollector(side: side.value)
            runner.sinks.append(collector)
            _ = try CommandSupport.run(runner, progress: ProgressLine(enabled: false))
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
