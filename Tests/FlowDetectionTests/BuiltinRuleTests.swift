import FlowCore
import FlowDetection
import FlowLensKit
import Testing

/// Every built-in rule's own YAML tests, one parameterized case per rule, so a failing rule is
/// named in the test report.
@Suite struct BuiltinRuleTests {
    static let rules: [RuleDefinition] = (try? RuleLoader.builtin()) ?? []

    @Test func catalogLoadsWithEveryDesignRuleID() throws {
        let rules = try RuleLoader.builtin()
        let ids = Set(rules.map(\.id))
        let expected: Set<String> = [
            "remote-admin-from-internet", "ssh-brute-force", "rdp-brute-force", "port-scan", "port-sweep",
            "lateral-movement", "zone-policy-violation", "data-exfiltration", "unapproved-dns", "threat-intel-match",
            "crypto-mining", "beaconing", "outbound-dos", "unusual-port", "cleartext-protocol", "exposed-service",
            "log-skipdata",
        ]
        #expect(ids == expected)
        #expect(rules.count == expected.count)
        for rule in rules {
            #expect(!rule.mitre.isEmpty, "\(rule.id) names MITRE techniques")
            #expect(!rule.runbook.isEmpty, "\(rule.id) has a runbook")
            #expect(!rule.falsePositives.isEmpty, "\(rule.id) lists false positives")
            #expect(rule.tests.contains { $0.expectAlerts > 0 }, "\(rule.id) has a positive test")
            #expect(rule.tests.contains { $0.expectAlerts == 0 }, "\(rule.id) has a negative test")
        }
    }

    @Test(arguments: BuiltinRuleTests.rules.map(\.id))
    func ruleTestsPass(id: String) throws {
        let rule = try #require(Self.rules.first { $0.id == id })
        for outcome in RuleTestRunner.run([rule]) {
            #expect(outcome.passed, "\(outcome.rule): \(outcome.test): \(outcome.detail)")
        }
    }
}
