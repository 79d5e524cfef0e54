import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `envelopes/`: delivery envelopes around flow log records (CloudWatch Logs subscription payloads,
/// Elastic's Firehose-receiver documents, the Firehose HTTP delivery spec). Decoding the envelopes
/// themselves (base64, gzip, `logEvents`, Firehose `records`) belongs to a later issue; here only
/// what the text decoder already does with the records inside is checked, taking them out of the
/// decoded JSON with Foundation. No expected outputs come with this set.
///
/// Not decoded here (envelope issue): `streamlogs2fluentd-cwl-lambda-event-vpcflow.json` (base64 of
/// the `.json.gz`), `streamlogs2fluentd-cwl-subscription-vpcflow.json.gz` (gzip of the `.json`, whose
/// records are checked below), and `aws-docs-firehose-httpdeliveryrequestresponse.md` (a spec page).
@Suite struct ConformanceEnvelopesTests {
    fileprivate static let set = "envelopes"

    @Test func everyFileIsCovered() throws {
        let known = [
            "PROVENANCE.md", "aws-docs-firehose-httpdeliveryrequestresponse.md",
            "elastic-awsfirehose-test-vpcflow-log.json", "flowlog-exporter-cwl-subscription-decoded.json",
            "streamlogs2fluentd-cwl-lambda-event-vpcflow.json", "streamlogs2fluentd-cwl-subscription-vpcflow.json",
            "streamlogs2fluentd-cwl-subscription-vpcflow.json.gz",
        ]
        #expect(try CorpusLocator.listing(Self.set) == known.sorted())
    }

    /// The `logEvents[].message` strings of a decoded CloudWatch Logs subscription `DATA_MESSAGE`.
    fileprivate static func logEventMessages(_ file: String) throws -> [String] {
        let object = try CorpusLocator.json(Self.set, file) as? [String: Any]
        #expect(object?["messageType"] as? String == "DATA_MESSAGE")
        guard let events = object?["logEvents"] as? [[String: Any]] else { throw Conformance.Failure("no logEvents") }
        return try events.map {
            guard let message = $0["message"] as? String else { throw Conformance.Failure("no message") }
            return message
        }
    }

    struct Subscription: Sendable, CustomTestStringConvertible {
        var file: String
        var records: Int
        var accepted: Int
        var testDescription: String { file }
    }

    static let subscriptions = [
        Subscription(file: "flowlog-exporter-cwl-subscription-decoded.json", records: 139, accepted: 125),
        Subscription(file: "streamlogs2fluentd-cwl-subscription-vpcflow.json", records: 2, accepted: 2),
    ]

    @Test(arguments: subscriptions)
    func subscriptionMessagesDecode(_ subscription: Subscription) throws {
        let messages = try Self.logEventMessages(subscription.file)
        #expect(messages.count == subscription.records)
        let result = try Conformance.decode(
            messages.joined(separator: "\n"), plan: .v2Default, fileName: subscription.file)
        #expect(result.records.count == subscription.records)
        Conformance.expectMalformed(result, [:], context: subscription.file)
        #expect(result.records.filter { $0.action == .accept }.count == subscription.accepted)
        #expect(result.records.filter { $0.action == .reject }.count == subscription.records - subscription.accepted)
        for (index, (record, message)) in zip(result.records, messages).enumerated() {
            Conformance.expectRoundTrip(record, plan: .v2Default, line: message, context: "\(subscription.file) \(index + 1)")
        }
        // The 10-digit account id of the anonymised capture is text like any other.
        if subscription.records == 139 { #expect(result.records[0].accountID.string == "1234567890") }
    }

    /// Elastic's Firehose receiver documents: each `message` is a `{"message":"<record>"}` line,
    /// which the decoder unwraps itself. The layout is chosen by token count as for the Elastic
    /// integration. The synthetic v4 record (18 tokens: v2 + region az-id sublocation-type
    /// sublocation-id) gets that layout explicitly. The fake v9 and v10 records carry a 30th token
    /// that no AWS layout names: FlowLens does not guess at unknown trailing columns, so against
    /// the 29-field layout they are malformed (wrong field count) — a header or field list naming
    /// the extra column is needed.
    @Test func firehoseDocumentsDecode() throws {
        let object = try CorpusLocator.json(Self.set, "elastic-awsfirehose-test-vpcflow-log.json") as? [String: Any]
        let documents = try #require(object?["events"] as? [[String: Any]])
        #expect(documents.count == 15)
        var decoded = 0
        var rejected = 0
        for (index, document) in documents.enumerated() {
            let line = try #require(document["message"] as? String)
            let inner = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let record = try #require(inner?["message"] as? String)
            let tokens = Conformance.tokens(record)
            let context = "firehose document \(index + 1) (version \(tokens[0]))"
            let plan: ColumnPlan
            if tokens.count == 18 {
                plan = ColumnPlan(fields: FlowField.v2Default + [.region, .azID, .sublocationType, .sublocationID])
            } else if tokens.count == 30 {
                plan = ColumnPlan(fields: FlowField.v5All)
            } else {
                plan = try #require(try Conformance.planByTokenCount(tokens.count), "\(context): \(tokens.count) tokens")
            }
            // Fed as the receiver got it: the JSON line itself, unwrapped by the decoder.
            let result = try Conformance.decode(line, plan: plan, fileName: context)
            if tokens.count == 30 {
                #expect(["9", "10"].contains(tokens[0]))
                Conformance.expectMalformed(result, [.fieldCount: 1], context: context)
                #expect(result.records.isEmpty)
                rejected += 1
                continue
            }
            Conformance.expectMalformed(result, [:], context: context)
            let decodedRecord = try #require(result.records.first, "\(context): no record")
            #expect(result.records.count == 1)
            #expect(decodedRecord.value(.version) == .number(UInt64(tokens[0])!))
            Conformance.expectRoundTrip(decodedRecord, plan: plan, line: record, context: context)
            decoded += 1
        }
        #expect(decoded == 13 && rejected == 2)
    }
}
