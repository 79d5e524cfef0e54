import FlowCore
import Foundation
import Testing

/// Reads the flow fields out of an Elastic document (Filebeat module, Beats processor or the
/// Elastic integration pipeline), flattened to dotted keys.
///
/// Only keys that carry a parsed flow field are used: `aws.vpcflow.<field>` and the ECS fields
/// Elastic fills straight from one flow field (`source.address`, `destination.port`,
/// `network.iana_number`, `event.start`, `cloud.account.id`, `orchestrator.cluster.name`, ...).
/// Enrichment and derived values (GeoIP, AS, `network.community_id`, `network.type`,
/// `network.transport`, `event.outcome`, `event.type`, `related.ip`, `tcp_flags_array`, `@timestamp`)
/// are not flow fields and are ignored.
///
/// Deliberate differences handled here:
/// - Elastic keeps the text `-` in some fields (older Filebeat: `aws.vpcflow.action: "-"`,
///   `aws.vpcflow.instance_id: "-"`; the integration: `cloud.region: "-"`,
///   `cloud.availability_zone: "-"`). In FlowLens `-` is absent, never a value (and never zero).
/// - The processor's ECS mode writes `event.action` in lower case (`accept`); FlowLens keeps AWS's
///   spelling (`ACCEPT`).
/// - The integration renames `pkt-src-aws-service` to `aws.vpcflow.pkt_src_service` (and dst).
struct ElasticExpectation {
    /// Every flow-field value Elastic reported, by field: (key, canonical value or nil for `-`).
    var values: [FlowField: [(key: String, value: String?)]] = [:]
    /// `aws.vpcflow.*` keys that name no flow field (a test failure: a raw field went unchecked).
    var unknownRawKeys: [String] = []
    /// `event.original` or `message`: the line Elastic parsed.
    var original: String?

    static let ecsKeys: [String: FlowField] = [
        "source.address": .srcaddr, "source.ip": .srcaddr,
        "destination.address": .dstaddr, "destination.ip": .dstaddr,
        "source.port": .srcport, "destination.port": .dstport,
        "network.iana_number": .proto,
        "network.bytes": .bytes, "source.bytes": .bytes,
        "network.packets": .packets, "source.packets": .packets,
        "event.start": .start, "event.end": .end,
        "event.action": .action,
        "event.reason": .rejectReason,
        "network.direction": .flowDirection,
        "cloud.account.id": .accountID,
        "cloud.instance.id": .instanceID,
        "cloud.region": .region,
        "cloud.availability_zone": .azID,
        "container.id": .ecsContainerID,
        "orchestrator.cluster.id": .ecsClusterARN,
        "orchestrator.cluster.name": .ecsClusterName,
        "orchestrator.resource.id": .ecsContainerInstanceID,
        "orchestrator.resource.name": .ecsContainerInstanceARN,
        "service.name": .ecsServiceName,
    ]

    /// Elastic's renamed raw fields.
    static let rawAliases: [String: FlowField] = [
        "pkt_src_service": .pktSrcAWSService, "pkt_dst_service": .pktDstAWSService,
    ]

    /// Derived raw keys, not flow fields.
    static let derivedRawKeys: Set<String> = ["tcp_flags_array"]

    init(document: Any, rawOnly: Bool = false) {
        var flat: [String: Any] = [:]
        Conformance.flatten(document, into: &flat)
        original = (flat["event.original"] as? String) ?? (flat["message"] as? String)
        for (key, raw) in flat {
            let field: FlowField
            if key.hasPrefix("aws.vpcflow.") {
                let name = String(key.dropFirst("aws.vpcflow.".count))
                if Self.derivedRawKeys.contains(name) { continue }
                guard let known = Self.rawAliases[name] ?? FlowField(name: name) else {
                    unknownRawKeys.append(key)
                    continue
                }
                field = known
            } else if !rawOnly, let known = Self.ecsKeys[key] {
                field = known
            } else {
                continue
            }
            var value = (raw as? String) == "-" ? nil : Conformance.canonical(expected: raw, for: field)
            if key == "event.action" { value = value?.uppercased() }
            values[field, default: []].append((key, value))
        }
    }

    /// Every value Elastic reported must equal FlowLens's (a `-` must be absent), and every field
    /// FlowLens has among `plan` must be reported by Elastic under some key.
    func expectMatches(
        _ record: FlowRecord, plan: [FlowField], context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(unknownRawKeys.isEmpty, "\(context): unmapped raw keys \(unknownRawKeys)", sourceLocation: sourceLocation)
        for field in values.keys.sorted() {
            let got = Conformance.canonical(record.value(field))
            for (key, want) in values[field]! {
                #expect(
                    got == want, "\(context): \(field.name) is \(got ?? "absent"), Elastic's \(key) is \(want ?? "-")",
                    sourceLocation: sourceLocation)
            }
        }
        for field in plan where record.has(field) {
            let reported = values[field]?.contains { $0.value != nil } ?? false
            #expect(
                reported, "\(context): \(field.name) = \(record.value(field)) is not in Elastic's output",
                sourceLocation: sourceLocation)
        }
    }
}
