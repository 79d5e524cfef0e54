public import FlowCore
public import FlowDetection
public import FlowEnrichment
import Foundation
import Yams

/// `flowlens.yml`: the user's networks, zones, policy, intel lists, rule overrides and
/// suppressions (DESIGN.md). Unknown keys are errors naming the key and the line.
public struct FlowLensConfig: Sendable {
    public var context = NetworkContext()
    public var overrides: [String: RuleOverride] = [:]
    public var suppressions: [Suppression] = []
    /// How late a record may arrive and still join its window.
    public var latenessSeconds: Int64 = 900
    /// Where the config came from, or nil for the defaults.
    public var path: String?

    public init() {}

    /// Per-rule settings from the `rules:` section.
    public struct RuleOverride: Sendable, Hashable {
        public var enabled: Bool?
        public var severity: Severity?
        public var threshold: Double?
        public var windowSeconds: Int64?
        public var dedupSeconds: Int64?
        /// Detector parameters (`floor_bytes`, `ratio`, `min_events`, ...).
        public var parameters: [String: Double] = [:]
    }

    static let topKeys = ["networks", "zones", "policy", "intel", "rules", "suppress", "lateness", "sets"]

    /// Loads a config file; relative intel paths are taken from the file's folder.
    public static func load(path: String) throws(FlowLensError) -> FlowLensConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlowLensError(.badConfig, "cannot read the config file", location: path)
        }
        let folder = (path as NSString).deletingLastPathComponent
        var config = try parse(String(decoding: data, as: UTF8.self), name: path, baseDirectory: folder)
        config.path = path
        return config
    }

    /// Parses config text. `baseDirectory` resolves relative intel paths.
    public static func parse(_ text: String, name: String, baseDirectory: String = ".") throws(FlowLensError)
        -> FlowLensConfig
    {
        let reader = YAMLReader(name: name)
        var config = FlowLensConfig()
        guard let root = try reader.document(text) else { return config }
        if case .scalar(let s) = root, s.string.isEmpty { return config }
        for (key, node) in try reader.mapping(root, "", known: topKeys) {
            switch key {
            case "networks":
                for (name, value) in try reader.mapping(
                    node, "networks", known: ["internal", "trusted", "dns_resolvers", "nat_gateways"])
                {
                    let set = try reader.cidrs(value, "networks.\(name)")
                    switch name {
                    case "internal": config.context.internalNetworks = set
                    case "trusted": config.context.trusted = set
                    case "nat_gateways": config.context.natGateways = set
                    default: config.context.dnsResolvers = set
                    }
                }
            case "zones":
                for (name, value) in try reader.mapping(node, "zones", known: nil) {
                    config.context.zones.append(.init(name: name, networks: try reader.cidrs(value, "zones.\(name)")))
                }
            case "sets":
                for (name, value) in try reader.mapping(node, "sets", known: nil) {
                    config.context.extraSets[name] = try reader.cidrs(value, "sets.\(name)")
                }
            case "policy":
                config.context.policy = try parsePolicy(node, reader, zones: config.context.zones.map(\.name))
            case "intel":
                var blocks: [CIDR] = []
                for path in try reader.strings(node, "intel") {
                    // An entry is a list file, or an address or block written inline.
                    if let block = CIDR(path) {
                        blocks.append(block)
                        continue
                    }
                    let full = path.hasPrefix("/") ? path : baseDirectory + "/" + path
                    do {
                        blocks.append(contentsOf: try IntelList.load(path: full).blocks)
                    } catch {
                        throw FlowLensError(.badConfig, "intel: \(error.description)", location: reader.location(node))
                    }
                }
                config.context.intel = CIDRSet(blocks)
            case "rules":
                for (id, value) in try reader.mapping(node, "rules", known: nil) {
                    config.overrides[id] = try parseOverride(value, "rules.\(id)", reader)
                }
            case "suppress":
                guard case .sequence(let items) = node else { throw reader.fail(node, "suppress", "expected a list") }
                for item in items {
                    var rule: String?
                    var src: CIDRSet?
                    var dst: CIDRSet?
                    for (k, v) in try reader.mapping(item, "suppress", known: ["rule", "src", "dst"]) {
                        switch k {
                        case "rule": rule = try reader.string(v, "suppress.rule")
                        case "src": src = try reader.cidrs(v, "suppress.src")
                        default: dst = try reader.cidrs(v, "suppress.dst")
                        }
                    }
                    config.suppressions.append(Suppression(rule: rule, src: src, dst: dst))
                }
            default:
                config.latenessSeconds = try reader.duration(node, "lateness")
            }
        }
        return config
    }

    private static func parsePolicy(_ node: Node, _ reader: YAMLReader, zones: [String]) throws(FlowLensError)
        -> ZonePolicy
    {
        var policy = ZonePolicy()
        for (key, value) in try reader.mapping(node, "policy", known: ["protect", "allow"]) {
            if key == "protect" {
                policy.protect = try reader.strings(value, "policy.protect")
                // A typo would silently protect nothing.
                for zone in policy.protect where !zones.contains(zone) {
                    throw reader.fail(value, "policy.protect", "unknown zone '\(zone)' (zones: \(zones.joined(separator: ", ")))")
                }
                continue
            }
            guard case .sequence(let entries) = value else { throw reader.fail(value, "policy.allow", "expected a list") }
            for entry in entries {
                var from: String?
                var to: String?
                var ports: [ClosedRange<UInt16>] = []
                var sources = CIDRSet()
                for (k, v) in try reader.mapping(entry, "policy.allow", known: ["from", "to", "ports", "sources"]) {
                    switch k {
                    case "from": from = try reader.string(v, "policy.allow.from")
                    case "to": to = try reader.string(v, "policy.allow.to")
                    case "ports":
                        for text in try reader.strings(v, "policy.allow.ports") {
                            guard let range = parsePortRange(text) else {
                                throw reader.fail(v, "policy.allow.ports", "'\(text)' is not a port or range")
                            }
                            ports.append(range)
                        }
                    default: sources = try reader.cidrs(v, "policy.allow.sources")
                    }
                }
                guard let to else { throw reader.fail(entry, "policy.allow", "an entry needs 'to'") }
                for zone in [from, to].compactMap({ $0 }) where zone != "any" && !zones.contains(zone) {
                    throw reader.fail(entry, "policy.allow", "unknown zone '\(zone)' (zones: \(zones.joined(separator: ", ")))")
                }
                policy.allow.append(.init(from: from == "any" ? nil : from, to: to, ports: ports, sources: sources))
            }
        }
        return policy
    }

    static func parsePortRange(_ text: String) -> ClosedRange<UInt16>? {
        let parts = text.split(separator: "-")
        if parts.count == 1, let port = UInt16(parts[0]) { return port...port }
        if parts.count == 2, let low = UInt16(parts[0]), let high = UInt16(parts[1]), low <= high { return low...high }
        return nil
    }

    private static func parseOverride(_ node: Node, _ path: String, _ reader: YAMLReader) throws(FlowLensError)
        -> RuleOverride
    {
        var override = RuleOverride()
        for (key, value) in try reader.mapping(node, path, known: nil) {
            switch key {
            case "enabled": override.enabled = try reader.bool(value, "\(path).enabled")
            case "severity":
                let text = try reader.string(value, "\(path).severity")
                guard let severity = Severity(name: text) else {
                    throw reader.fail(value, "\(path).severity", "'\(text)' is not one of info, low, medium, high, critical")
                }
                override.severity = severity
            case "threshold": override.threshold = try reader.number(value, "\(path).threshold")
            case "window": override.windowSeconds = try reader.duration(value, "\(path).window")
            case "dedup": override.dedupSeconds = try reader.duration(value, "\(path).dedup")
            default: override.parameters[key] = try reader.number(value, "\(path).\(key)")
            }
        }
        return override
    }
}

extension RuleDefinition {
    /// This rule with the config's overrides applied.
    public func applying(_ override: FlowLensConfig.RuleOverride?) -> RuleDefinition {
        guard let override else { return self }
        var rule = self
        if let enabled = override.enabled { rule.enabled = enabled }
        if let severity = override.severity { rule.severity = severity }
        if let threshold = override.threshold { rule.aggregate?.threshold = threshold }
        if let window = override.windowSeconds { rule.aggregate?.windowSeconds = window }
        if let dedup = override.dedupSeconds { rule.dedupSeconds = dedup }
        for (key, value) in override.parameters { rule.parameters[key] = value }
        return rule
    }
}
