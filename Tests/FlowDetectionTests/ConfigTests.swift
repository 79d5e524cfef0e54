import FlowCore
import FlowDetection
import FlowEnrichment
import FlowLensKit
import Testing

@Suite struct ConfigTests {
    static let design = """
        networks:
          internal: [10.20.0.0/16]        # your address space
          trusted: [10.20.6.5/32]
          dns_resolvers: [10.20.0.2/32]
        zones:
          web: [10.20.1.0/24]
          db: [10.20.5.0/24]
          ops: [10.20.6.0/24]
        policy:
          protect: [db]
          allow:
            - {from: web, to: db, ports: [5432]}
            - {from: ops, to: db, ports: [22], sources: [10.20.6.5/32]}
        intel: [198.51.100.66/32]
        rules:
          port-scan: {threshold: 25, window: 10m}
        suppress:
          - {rule: port-sweep, src: 10.20.6.6/32}
        """

    @Test func theDesignExampleParses() throws {
        let config = try FlowLensConfig.parse(Self.design, name: "flowlens.yml")
        #expect(config.context.internalNetworks.contains(IPAddress("10.20.3.3")!))
        #expect(!config.context.internalNetworks.contains(IPAddress("10.30.0.1")!))
        #expect(config.context.trusted.contains(IPAddress("10.20.6.5")!))
        #expect(config.context.zones.map(\.name) == ["web", "db", "ops"])
        #expect(config.context.zoneName(of: IPAddress("10.20.5.9")!) == "db")
        #expect(config.context.policy.allow.count == 2)
        #expect(config.context.policy.allow[1].sources.contains(IPAddress("10.20.6.5")!))
        #expect(config.context.intel.contains(IPAddress("198.51.100.66")!))
        #expect(config.overrides["port-scan"]?.threshold == 25)
        #expect(config.overrides["port-scan"]?.windowSeconds == 600)
        #expect(config.suppressions.count == 1)
        let rules = try RuleLoader.catalog(userDirectories: [], config: config)
        #expect(rules.first { $0.id == "port-scan" }?.aggregate?.threshold == 25)
    }

    @Test func unknownKeysNameTheKeyAndTheLine() {
        let text = "networks:\n  internal: [10.0.0.0/8]\n  trusted_hosts: [10.0.0.1/32]\n"
        #expect(throws: FlowLensError.self) { try FlowLensConfig.parse(text, name: "flowlens.yml") }
        do {
            _ = try FlowLensConfig.parse(text, name: "flowlens.yml")
        } catch {
            #expect(error.description == "flowlens.yml:3: networks.trusted_hosts: unknown key (known: internal, trusted, dns_resolvers, nat_gateways)")
        }
    }

    @Test func badValuesNameTheLine() {
        let cases: [(String, String)] = [
            ("zones:\n  web: [10.20.1.0/33]\n", "flowlens.yml:2: zones.web: '10.20.1.0/33' is not an IP address or CIDR"),
            ("policy:\n  protect: [dbs]\n", "flowlens.yml:2: policy.protect: unknown zone 'dbs' (zones: )"),
            ("lateness: soon\n", "flowlens.yml:1: lateness: 'soon' is not a duration (such as 90s, 10m, 6h, 1d)"),
            ("netwrks: {}\n", "flowlens.yml:1: netwrks: unknown key (known: networks, zones, policy, intel, rules, suppress, lateness, sets)"),
        ]
        for (text, message) in cases {
            do {
                _ = try FlowLensConfig.parse(text, name: "flowlens.yml")
                Issue.record("expected an error for \(text)")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func overridesForUnknownRulesAreRefused() throws {
        let config = try FlowLensConfig.parse("rules:\n  port-scna: {threshold: 5}\n", name: "flowlens.yml")
        #expect(throws: FlowLensError.self) { try RuleLoader.catalog(userDirectories: [], config: config) }
    }

    @Test func ruleFilesReportTheirProblems() {
        let text = "id: x\ntitle: X\nseverity: urgent\nmatch: dstport = 22\n"
        do {
            _ = try RuleLoader.parse(text, name: "x.yml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "x.yml:3: severity: 'urgent' is not one of info, low, medium, high, critical")
        }
    }
}
