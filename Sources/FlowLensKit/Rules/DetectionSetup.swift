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
        if let configPath {
            config = try FlowLensConfig.load(path: configPath)
        } else if FileManager.default.fileExists(atPath: "flowlens.yml") {
            config = try FlowLensConfig.load(path: "flowlens.yml")
        } else {
            config = FlowLensConfig()
        }
        rules = try RuleLoader.catalog(userDirectories: ruleDirectories, config: config)
    }

    public func makeEngine() throws(FlowLensError) -> DetectionEngine {
        try DetectionEngine(
            rules: rules, context: config.context, suppressions: config.suppressions,
            latenessSeconds: config.latenessSeconds)
    }
}
