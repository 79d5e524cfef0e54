public import FlowCore
public import FlowDetection
import Foundation

/// Finds the config and the rule catalog for a run, as every command that detects does.
public struct DetectionSetup: Sendable {
    public var config: FlowLensConfig
    public var rules: [RuleDefinition]

    /// - Parameters:
    ///   - configPath: `--config`; when nil, `./flowlens.yml` is used if it exists.
    ///   - ruleDirectories: `--rules` folders with user rules.
    public init(configPath: String?, ruleDirectories: [String]) throws(FlowLensError) {
        config = try Self.config(path: configPath)
        rules = try RuleLoader.catalog(userDirectories: ruleDirectories, config: config)
    }

    /// The config alone, for commands that need its network context but no rules (parsing the
    /// built-in catalog's YAML took a tenth of a `filter --db` of one address's hour).
    ///
    /// - Parameter path: `--config`; when nil, `./flowlens.yml` is used if it exists.
    public static func config(path: String?) throws(FlowLensError) -> FlowLensConfig {
        if let path { return try FlowLensConfig.load(path: path) }
        if FileManager.default.fileExists(atPath: "flowlens.yml") { return try FlowLensConfig.load(path: "flowlens.yml") }
        return FlowLensConfig()
    }

    public func makeEngine() throws(FlowLensError) -> DetectionEngine {
        try DetectionEngine(
            rules: rules, context: config.context, suppressions: config.suppressions,
            latenessSeconds: config.latenessSeconds)
    }
}
