/// The built-in catalog: one YAML rule file per rule, compiled into the binary so that FlowLens
/// stays a single file. Each `Rules/*Rule.swift` holds one rule's YAML, named after its id.
public enum BuiltinRules {
    /// (file name, YAML text) for every built-in rule, in catalog order.
    public static let files: [(String, String)] = [
        ("remote-admin-from-internet.yml", RemoteAdminFromInternetRule.yaml),
        ("ssh-brute-force.yml", SSHBruteForceRule.yaml),
        ("rdp-brute-force.yml", RDPBruteForceRule.yaml),
        ("port-scan.yml", PortScanRule.yaml),
        ("port-sweep.yml", PortSweepRule.yaml),
        ("lateral-movement.yml", LateralMovementRule.yaml),
        ("zone-policy-violation.yml", ZonePolicyViolationRule.yaml),
        ("data-exfiltration.yml", DataExfiltrationRule.yaml),
        ("unapproved-dns.yml", UnapprovedDNSRule.yaml),
        ("threat-intel-match.yml", ThreatIntelMatchRule.yaml),
        ("crypto-mining.yml", CryptoMiningRule.yaml),
        ("beaconing.yml", BeaconingRule.yaml),
        ("outbound-dos.yml", OutboundDoSRule.yaml),
        ("unusual-port.yml", UnusualPortRule.yaml),
        ("cleartext-protocol.yml", CleartextProtocolRule.yaml),
        ("exposed-service.yml", ExposedServiceRule.yaml),
        ("log-skipdata.yml", LogSkipDataRule.yaml),
    ]
}
