import ArgumentParser

@main
struct FlowLens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowlens",
        abstract: "Turn AWS VPC Flow Logs into security answers.",
        discussion: """
            Examples:
              flowlens demo
              flowlens scan ./logs --format json
              flowlens generate --out ./sim --records 100000
            """,
        version: "0.1.0",
        subcommands: [Scan.self, Rules.self, Generate.self]
    )
}
