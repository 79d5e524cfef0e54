import ArgumentParser
import FlowStore
import Foundation

extension FlowLens {
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query",
            abstract: "Run read-only SQL on a store (Athena's vpc_flow_logs queries run unchanged).",
            discussion: """
                Tables: flows (every field, AWS names with - as _, start/end in Unix seconds), the view \
                vpc_flow_logs (Athena tutorial names), flows_hourly (hourly rollups), flows_totals \
                (rollups over all hours, with dimension address), sources, alerts. \
                The store is opened read-only; a statement that would write is refused.

                Examples:
                  flowlens query --db flows.db "SELECT count(*) FROM flows"
                  flowlens query --db flows.db --file q.sql --format csv > out.csv
                  flowlens query --db flows.db --named top-talkers
                  flowlens query --db flows.db --named traffic-from --param ip=10.20.1.10
                  flowlens query --list
                """)

        @Option(help: "The store file.")
        var db: String?

        @Argument(help: "SQL to run (one or more statements).")
        var sql: String?

        @Option(help: "Read the SQL from this file.")
        var file: String?

        @Option(help: "Run a predefined query (see --list).")
        var named: String?

        @Option(help: "A parameter for :name in the SQL, as name=value (repeatable).")
        var param: [String] = []

        @Flag(help: "List the predefined queries.")
        var list = false

        @Option(help: "Output format: table, csv or json.")
        var format: QueryFormatArgument = .table

        func validate() throws {
            if list { return }
            let given = [sql != nil, file != nil, named != nil].filter { $0 }.count
            if given != 1 { throw ValidationError("give exactly one of: SQL, --file FILE, --named NAME (or --list)") }
            if db == nil { throw ValidationError("give the store with --db FILE") }
            if let named, NamedQuery.named(named) == nil {
                throw ValidationError(
                    "unknown named query '\(named)' (known: \(NamedQuery.all.map(\.name).joined(separator: ", ")))")
            }
            for entry in param where !entry.contains("=") {
                throw ValidationError("--param \(entry): expected name=value")
            }
        }

        mutating func run() async throws {
            if list {
                let width = NamedQuery.all.map(\.name.count).max() ?? 0
                for query in NamedQuery.all {
                    print(query.name + String(repeating: " ", count: width - query.name.count + 2) + query.summary)
                }
                return
            }
            var text: String
            if let file {
                guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                    Stderr.print("flowlens: \(file): cannot read the file")
                    throw ExitCode(1)
                }
                text = contents
            } else if let named {
                text = NamedQuery.named(named)!.sql
            } else {
                text = sql!
            }
            var parameters: [String: String] = [:]
            for entry in param {
                let parts = entry.split(separator: "=", maxSplits: 1)
                parameters[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            let store = try StoreSupport.open(db!, readOnly: true)
            let output = BufferedOutput()
            let formatter = QueryOutput(format: format.value) { output.write($0) }
            do {
                try store.query(text, parameters: parameters, to: formatter)
                output.flush()
            } catch {
                output.flush()
                var message = "flowlens: \(error)"
                if let pointer = error.pointing(into: text) { message += "\n" + pointer }
                Stderr.print(message)
                throw ExitCode(1)
            }
        }
    }
}

struct QueryFormatArgument: ExpressibleByArgument {
    var value: QueryOutput.Format
    init?(argument: String) {
        guard let value = QueryOutput.Format(rawValue: argument) else { return nil }
        self.value = value
    }
    init(_ value: QueryOutput.Format) { self.value = value }
    static let table = QueryFormatArgument(.table)
    static var allValueStrings: [String] { QueryOutput.Format.allCases.map(\.rawValue) }
    var defaultValueDescription: String { value.rawValue }
}

/// Collects output and writes it to stdout in large pieces.
final class BufferedOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 17) }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
