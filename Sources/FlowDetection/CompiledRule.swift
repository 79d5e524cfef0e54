public import FlowCore
import FlowEnrichment
public import FlowExpression

/// A rule ready to run: its expressions compiled against the network context.
public struct CompiledRule: Sendable {
    public let definition: RuleDefinition
    let filter: FlowFilter
    let escalations: [(FlowFilter, Severity)]
    let dedupFields: [KeyField]

    public init(_ definition: RuleDefinition, sets: [String: CIDRSet]) throws(FlowLensError) {
        self.definition = definition
        do {
            filter = try FlowFilter(definition.match, sets: sets)
            var compiled: [(FlowFilter, Severity)] = []
            for escalation in definition.escalations {
                compiled.append((try FlowFilter(escalation.when, sets: sets), escalation.severity))
            }
            escalations = compiled
        } catch {
            throw FlowLensError(
                .badExpression, "rule \(definition.id): \(error.message)", location: definition.origin)
        }
        if !definition.dedupBy.isEmpty {
            dedupFields = definition.dedupBy
        } else if let aggregate = definition.aggregate {
            dedupFields = aggregate.by
        } else {
            dedupFields = [.initiator, .responder, .servicePort]
        }
    }

    /// The rule's severity for the record that opens an alert: the highest escalation that holds.
    func severity(for record: UnsafePointer<FlowRecord>) -> Severity {
        var severity = definition.severity
        for (filter, level) in escalations where level > severity && filter.matches(record) { severity = level }
        return severity
    }

    func parameter(_ name: String, default value: Double) -> Double { definition.parameters[name] ?? value }
}
