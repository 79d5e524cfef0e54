import ArgumentParser
import FlowCore
import FlowDetection
import FlowLensKit

extension FlowLens {
    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rules",
            abstract: "List, show and test detection rules.",
            discussion: """
                Examples:
                  flowlens rules list
                  flowlens rules show port-scan
                  flowlens rules test
                  flowlens rules test ./my-rules
                """,
            subcommands: [List.self, Show.self, Test.self])
    }
}

extension FlowLens.Rules {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the rules in the catalog.", discussion: "Example:\n  flowlens rules list --rules ./my-rules")

        @OptionGroup var detection: DetectionOptions

        mutating func run() async throws {
            let setup = try detection.setup()
            let rows = setup.rules.map { rule -> [String] in
                let kind =
                    rule.detector.map { "detector: \($0)" }
                    ?? rule.aggregate.map { "window \($0.windowSeconds)s, threshold \(Int($0.threshold))" } ?? "per record"
                return [rule.id, rule.severity.description, rule.enabled ? "on" : "off", kind, rule.title]
            }
            print(Format.table(["id", "severity", "enabled", "logic", "title"], rows))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print a rule's YAML definition.", discussion: "Example:\n  flowlens rules show ssh-brute-force")

        @Argument(help: "Rule id.") var id: String
        @OptionGroup var detection: DetectionOptions

        mutating func run() async throws {
            let setup = try detection.setup()
            guard let rule = setup.rules.first(where: { $0.id == id }) else {
                throw ValidationError("no rule '\(id)' (known: \(setup.rules.map(\.id).joined(separator: ", ")))")
            }
            print("# \(rule.origin)\(rule.enabled ? "" : " (disabled)")")
            print(rule.source.hasSuffix("\n") ? String(rule.source.dropLast()) : rule.source)
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run the tests that rules carry and report pass or fail.",
            discussion: """
                Without a folder, tests the built-in catalog (plus --rules folders). With a folder, \
                tests the rules in it.
                Example:
                  flowlens rules test ./my-rules
                """)

        @Argument(help: "Folder of rule files to test (default: the built-in catalog).")
        var directory: String?
        @OptionGroup var detection: DetectionOptions

        mutating func run() async throws {
            let rules: [RuleDefinition]
            if let directory {
                rules = try CommandSupport.orExit { () throws(FlowLensError) in try RuleLoader.load(directory: directory) }
            } else {
                rules = try detection.setup().rules
            }
            let outcomes = RuleTestRunner.run(rules)
            for outcome in outcomes {
                print("\(outcome.passed ? "PASS" : "FAIL")  \(outcome.rule): \(outcome.test)"
                    + (outcome.passed ? "" : "\n      \(outcome.detail)"))
            }
            let failed = outcomes.filter { !$0.passed }.count
            print("\(outcomes.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
