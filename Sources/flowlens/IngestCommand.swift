import ArgumentParser
import FlowCore
import FlowDetection
import FlowExpression
import FlowLensKit
import FlowSources
import FlowStore
import Foundation

extension FlowLens {
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Load flow logs into a SQLite store for SQL queries.",
            discussion: """
                Each source is one transaction: it is kept whole or not at all (a file that fails \
                mid-way leaves nothing). A file already in the store (same content hash) is skipped, \
                so ingesting the same folder again adds only new files.

                Examples:
                  flowlens ingest ./logs --db flows.db
                  flowlens ingest 'logs/2026/11/*.log.gz' --db flows.db
                  zcat a.log.gz | flowlens ingest - --db flows.db
                  flowlens ingest ./logs --db web.db --where 'addr in web' --config flowlens.yml
                  flowlens ingest s3://my-bucket/AWSLogs/ --since 1d --db flows.db --checkpoint ingest.ckpt
                """)

        @OptionGroup var input: SourceOptions

        @Option(help: "The store file (created when missing).")
        var db: String

        @Option(name: .customLong("where"), help: "Keep only records matching this expression.")
        var whereExpression: String?

        @Option(help: "Config file for named sets such as $internal and zones (default: ./flowlens.yml when present).")
        var config: String?

        @Flag(help: "Never show progress, even on a terminal.")
        var quiet = false

        @Option(
            help: ArgumentHelp(
                "Record finished sources in this file and skip them on the next run.",
                discussion: "S3 objects by key and ETag, files by path, size and time, CloudWatch Logs by time range."))
        var checkpoint: String?

        mutating func run() async throws {
            var options = try input.scanOptions()
            options.checkpointPath = checkpoint
            let runner = ScanRunner(options: options)
            if let whereExpression {
                let filter = try CommandSupport.filter(whereExpression, sets: CommandSupport.namedSets(config: config))
                runner.filter = { filter.matches($0) }
            }
            let store = try StoreSupport.open(db)
            let sink = StoreSink(store: store)
            runner.sinks.append(sink)
            let result = try CommandSupport.run(runner, progress: ProgressLine(enabled: !quiet))
            try StoreSupport.report(sink, seconds: result.elapsedSeconds)
            // The store has committed everything: only now are the sources done. A run killed
            // earlier reads them again, and the store's content hashes keep them from counting twice.
            try CommandSupport.orExit { () throws(FlowLensError) in try result.checkpoint?.commit() }
        }
    }
}

/// Glue shared by the store commands: opening with errors mapped to exit code 1, receipts.
enum StoreSupport {
    static func open(_ path: String, readOnly: Bool = false) throws -> FlowStore {
        do {
            return try FlowStore(path: path, readOnly: readOnly)
        } catch {
            Stderr.print("flowlens: \(error)")
            throw ExitCode(1)
        }
    }

    /// Prints what the sink did with each source; a store error exits 1.
    static func report(_ sink: StoreSink, seconds: Double) throws {
        var skipped = 0
        for receipt in sink.receipts {
            switch receipt {
            case .ingested: break
            case .alreadyIngested(let name, let known):
                skipped += 1
                if skipped <= 3 {
                    Stderr.print("flowlens: \(name): already in the store\(known == name ? "" : " as \(known)"), skipped")
                }
            case .discarded(let name, let reason): Stderr.print("flowlens: \(name): \(reason)")
            }
        }
        if skipped > 3 { Stderr.print("flowlens: ... and \(skipped - 3) more sources already in the store") }
        let files = sink.receipts.filter { if case .ingested = $0 { true } else { false } }.count
        let records = sink.recordsIngested
        let rate = seconds > 0 ? Int(Double(records) / seconds) : 0
        print(
            "ingested \(records) records from \(files) source\(files == 1 ? "" : "s") into \(sink.store.path)"
                + (skipped > 0 ? " (\(skipped) already there)" : "")
                + " in \(String(format: "%.2f", seconds)) s (\(rate) records/s)")
        if let error = sink.error {
            Stderr.print("flowlens: \(error)")
            throw ExitCode(1)
        }
    }
}

extension StoreSupport {
    /// After `scan --db`: stores the run's alerts and reports the ingest on stderr (stdout carries
    /// the summary).
    static func finishScan(_ sink: StoreSink, alerts: [Alert], result: ScanResult) throws {
        var added = 0
        if sink.error == nil {
            do {
                added = try sink.store.insertAlerts(alerts.map(StoredAlert.init))
            } catch {
                Stderr.print("flowlens: \(error)")
                throw ExitCode(1)
            }
        }
        let records = sink.recordsIngested
        let known = sink.receipts.filter { if case .alreadyIngested = $0 { true } else { false } }.count
        Stderr.print(
            "flowlens: stored \(records) records and \(added) new alerts in \(sink.store.path)"
                + (known > 0 ? " (\(known) sources already there)" : ""))
        for receipt in sink.receipts {
            switch receipt {
            case .ingested: break
            case .alreadyIngested: break
            case .discarded(let name, let reason): Stderr.print("flowlens: \(name): \(reason)")
            }
        }
        if let error = sink.error {
            Stderr.print("flowlens: \(error)")
            throw ExitCode(1)
        }
    }
}
