public import FlowCore
import Foundation

/// The built-in scenarios of `flowlens generate --scenarios`: one attack per built-in rule, each
/// with the rule's id, and benign look-alikes (`benign-…`) that naive rules mistake for attacks.
///
/// ```swift
/// var options = SimulationOptions(outputDirectory: "/tmp/day")
/// options.scenarios = try ScenarioCatalog.injectors(for: "all")
/// ```
///
/// Every scenario writes its labels to `labels.jsonl`: attacks with the rule expected to fire,
/// look-alikes with an empty `rule` (no alert expected) and the host that could be blamed as
/// `src`. The threat-intel scenario contacts ``ThreatIntelMatchScenario/indicator``, which the
/// scanning config must list (``configYAML(for:)`` adds it).
public enum ScenarioCatalog {
    /// Every attack scenario type, in rule catalog order.
    public static let attacks: [any CatalogScenario.Type] = [
        RemoteAdminFromInternetScenario.self, SSHBruteForceScenario.self, RDPBruteForceScenario.self,
        PortScanScenario.self, PortSweepScenario.self, LateralMovementScenario.self, ZonePolicyViolationScenario.self,
        DataExfiltrationScenario.self, UnapprovedDNSScenario.self, ThreatIntelMatchScenario.self,
        CryptoMiningScenario.self, BeaconingScenario.self, OutboundDoSScenario.self, UnusualPortScenario.self,
        CleartextProtocolScenario.self, ExposedServiceScenario.self, LogSkipDataScenario.self,
    ]

    /// Every benign look-alike scenario type.
    public static let benign: [any CatalogScenario.Type] = [
        BenignMonitoringScenario.self, BenignHealthChecksScenario.self, BenignBastionAdminScenario.self,
        BenignS3BackupScenario.self, BenignInternetScannersScenario.self, BenignNATGatewayScenario.self,
    ]

    /// Ids of the attack scenarios, each the id of the rule it should trigger.
    public static let attackIDs: [String] = attacks.map { $0.id }
    /// Ids of the benign look-alikes.
    public static let benignIDs: [String] = benign.map { $0.id }

    /// The injectors a `--scenarios` value names: `all` (every attack and look-alike), `benign`
    /// (every look-alike), or a comma-separated list of those words and scenario ids, in
    /// catalog order without repeats. An empty value names none.
    ///
    /// - Throws: ``FlowLensError`` (`badArgument`) naming an unknown id.
    public static func injectors(for list: String) throws(FlowLensError) -> [any ScenarioInjector] {
        try types(for: list).map { $0.init() }
    }

    /// The scenario types a `--scenarios` value names (see ``injectors(for:)``).
    public static func types(for list: String) throws(FlowLensError) -> [any CatalogScenario.Type] {
        var wanted = Set<String>()
        for item in list.split(separator: ",") {
            let name = item.trimmingCharacters(in: .whitespaces).lowercased()
            switch name {
            case "": continue
            case "all": wanted.formUnion(attackIDs + benignIDs)
            case "benign": wanted.formUnion(benignIDs)
            case "attacks": wanted.formUnion(attackIDs)
            default:
                guard attackIDs.contains(name) || benignIDs.contains(name) else {
                    throw FlowLensError(
                        .badArgument,
                        "unknown scenario '\(name)' in --scenarios (known: all, attacks, benign, "
                            + (attackIDs + benignIDs).joined(separator: ", ") + ")")
                }
                wanted.insert(name)
            }
        }
        return (attacks + benign).filter { wanted.contains($0.id) }
    }

    /// The simulated hours the named scenarios need to play out: the longest lead time among them.
    public static func minimumHours(for list: String) throws(FlowLensError) -> Double {
        try types(for: list).map { $0.minimumHours }.max() ?? 0
    }

    /// The `intel:` config line listing the threat-intel scenario's indicator.
    public static var intelYAML: String {
        "intel: [" + ThreatIntelMatchScenario.intelEntries.joined(separator: ", ") + "]\n"
    }

    /// A `flowlens.yml` for scanning a run of `network`: ``SimulatedNetwork/flowLensConfigYAML()``
    /// plus the intel list the threat-intel scenario needs.
    public static func configYAML(for network: SimulatedNetwork) -> String {
        network.flowLensConfigYAML() + intelYAML
    }
}
