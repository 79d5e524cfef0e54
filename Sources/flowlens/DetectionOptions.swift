import ArgumentParser
import FlowDetection
import FlowLensKit

/// Flags for commands that run detections.
struct DetectionOptions: ParsableArguments {
    @Option(help: "Config file (default: ./flowlens.yml when present).")
    var config: String?

    @Option(name: .customLong("rules"), help: "Folder of extra rule files (*.yml); repeatable.")
    var ruleDirectories: [String] = []

    func setup() throws -> DetectionSetup {
        do {
            return try DetectionSetup(configPath: config, ruleDirectories: ruleDirectories)
        } catch {
            Stderr.print("flowlens: \(error)")
            throw ExitCode(1)
        }
    }
}

/// A severity given on the command line (`--fail-on high`).
struct SeverityArgument: ExpressibleByArgument {
    let value: Severity
    init?(argument: String) {
        guard let severity = Severity(name: argument) else { return nil }
        value = severity
    }
    static var allValueStrings: [String] { Severity.allCases.map(\.description) }
    var defaultValueDescription: String { value.description }
}
