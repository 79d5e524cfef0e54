import ArgumentParser
import FlowCore
import FlowLensKit
import FlowSources
import Foundation

extension FlowLens {
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write realistic simulated VPC flow logs, laid out as S3 delivery leaves them.",
            discussion: """
                Simulates a VPC with load balancers, web, app, cache, database, batch and ops tiers, \
                internet clients, a NAT gateway, DNS, S3 and API traffic, and internet scanners, and \
                writes its flow logs as gzip files under AWSLogs/ with AWS's object names, one file \
                per interface group per 5-minute delivery. The same seed and options always give \
                the same bytes. labels.jsonl lists injected scenarios (empty for the baseline).

                --scenarios adds scripted traffic on top of the baseline, each with a line in \
                labels.jsonl: one attack per built-in rule (the scenario id is the rule id, such \
                as port-scan or data-exfiltration), and benign look-alikes that naive rules \
                mistake for attacks (monitoring scrapes, health checks, bastion admin sessions, \
                hourly S3 backups, internet scanner noise, NAT gateway traffic), labelled with an \
                empty rule. Some attacks need hours of history (data-exfiltration, unusual-port): \
                keep --hours at 8 or more. Scan with the config from --write-config, which lists \
                the threat-intel scenario's address as intel.

                Examples:
                  flowlens generate --out ./sim --records 100000
                  flowlens generate --out ./sim --hours 2 --version 5 --layout hive --hourly
                  flowlens generate --out ./sim --records 10000000 --seed 7 --aggregation 60
                  flowlens generate --out ./sim --fields "version srcaddr dstaddr dstport action" --no-gzip
                  flowlens generate --out ./day --version 5 --scenarios all --write-config ./day.yml
                  flowlens generate --out ./sim --hours 8 --scenarios port-scan,beaconing,benign
                """)

        @Option(help: "Folder to write AWSLogs/… and labels.jsonl into (created if missing).")
        var out: String

        @Option(help: "Random seed; the same seed and options give byte-identical files.")
        var seed: UInt64 = 1

        @Option(help: "About how many records to write (default: 5000 per simulated hour).")
        var records: Int?

        @Option(help: "Simulated duration in hours (default: 24).")
        var hours: Double?

        @Option(help: "First simulated time, RFC 3339.")
        var start = "2026-11-02T00:00:00Z"

        @Option(
            name: .customLong("version"),
            help: "Flow log version whose default field layout to write (2 to 10); v2 is AWS's default format.")
        var formatVersion: Int?

        @Option(help: "Explicit field list in AWS names, e.g. \"version srcaddr dstaddr action\".")
        var fields: String?

        @Flag(inversion: .prefixedNo, help: "Gzip the files, as AWS does.")
        var gzip = true

        @Flag(inversion: .prefixedNo, help: "Start each file with a header line of field names, as S3 delivery does.")
        var header = true

        @Option(help: "S3 key layout: plain or hive (Hive-compatible prefixes).")
        var layout: KeyLayoutArgument = .plain

        @Flag(help: "Add hour folders to the keys (AWS's per-hour partitions).")
        var hourly = false

        @Option(help: "Maximum aggregation interval in seconds: 60 or 600.")
        var aggregation = 600

        @Option(help: "AWS account id written in records and keys.")
        var account = "123456789012"

        @Option(help: "AWS region written in records and keys.")
        var region = "us-east-1"

        @Option(help: "Share of records delivered one or two files late (0 to 1).")
        var lateFraction = 0.02

        @Option(
            help: ArgumentHelp(
                "Scenarios to inject: all, attacks, benign, or a comma-separated list of scenario ids.",
                discussion: "Attack ids: \(ScenarioCatalog.attackIDs.joined(separator: ", ")). Look-alikes: \(ScenarioCatalog.benignIDs.joined(separator: ", ")).",
                valueName: "list"))
        var scenarios: String?

        @Option(
            name: .customLong("write-config"),
            help: ArgumentHelp(
                "Also write a flowlens.yml for scanning the output: the simulated network's zones, policy and trusted hosts, and the threat-intel scenario's address as intel.",
                valueName: "path"))
        var configPath: String?

        func validate() throws {
            if formatVersion != nil && fields != nil {
                throw ValidationError("give --version or --fields, not both")
            }
            if Timestamp.parse(start) == nil {
                throw ValidationError("--start must be an RFC 3339 time such as 2026-11-02T00:00:00Z, got '\(start)'")
            }
            do {
                try options().validate()
            } catch let error as FlowLensError {
                throw ValidationError(error.message)
            }
        }

        private func scenarioWarning() -> String? {
            guard let scenarios, let needed = try? ScenarioCatalog.minimumHours(for: scenarios) else { return nil }
            let hours = self.hours ?? 24
            guard hours < needed else { return nil }
            let short = (try? ScenarioCatalog.types(for: scenarios))?.filter { $0.minimumHours > hours }.map { $0.id }
            func text(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
            return "flowlens: warning: \((short ?? []).joined(separator: ", ")) need at least \(text(needed)) simulated hours to play out; --hours is \(text(hours))\n"
        }

        mutating func run() async throws {
            let summary: SimulationSummary
            if let warning = scenarioWarning() { FileHandle.standardError.write(Data(warning.utf8)) }
            do {
                let simulator = try FlowLogSimulator(options: try options())
                summary = try await simulator.run()
                if let configPath {
                    let text = ScenarioCatalog.configYAML(for: simulator.network)
                    guard FileManager.default.createFile(atPath: configPath, contents: Data(text.utf8)) else {
                        throw FlowLensError(.ioError, "cannot write the config", location: configPath)
                    }
                }
            } catch let error as FlowLensError {
                FileHandle.standardError.write(Data("flowlens: \(error)\n".utf8))
                throw ExitCode(1)
            }
            print(summary)
        }

        private func options() throws -> SimulationOptions {
            var options = SimulationOptions(outputDirectory: out)
            options.seed = seed
            options.records = records
            options.hours = hours
            options.start = Timestamp.parse(start)!
            if let fields {
                options.fields = try SimulationOptions.fields(parsing: fields)
            } else if let formatVersion {
                options.fields = try SimulationOptions.fields(forVersion: formatVersion)
                options.version = formatVersion
            }
            options.gzip = gzip
            options.header = header
            options.layout = layout.layout
            options.hourly = hourly
            options.aggregation = aggregation
            options.accountID = account
            options.region = region
            options.lateFraction = lateFraction
            if let scenarios { options.scenarios = try ScenarioCatalog.injectors(for: scenarios) }
            return options
        }
    }
}

/// `--layout` values; a local enum because the library type cannot conform publicly to a
/// protocol of a module the library does not import.
enum KeyLayoutArgument: String, CaseIterable, ExpressibleByArgument {
    case plain, hive

    var layout: S3KeyLayout { self == .plain ? .plain : .hive }
}
