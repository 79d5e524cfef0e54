import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `elastic-beats/`: the Filebeat `aws` module's `vpcflow` fileset tests — `.log` files (some with
/// header lines, one with a blank line and a repeated header, one malformed) and the ECS documents
/// Filebeat produced for them (`<log>-expected.json`, flattened dotted keys).
///
/// Deliberate differences from Filebeat:
/// - `bad.log` (`Phony unsupported log format.`): Filebeat still emits an event carrying only
///   `event.original`; FlowLens emits no record and counts the line as malformed (wrong field count).
/// - Older expected files keep `-` as text (`aws.vpcflow.action: "-"`, `aws.vpcflow.instance_id: "-"`);
///   in FlowLens `-` is absent (see ``ElasticExpectation``).
/// - Header lines and blank lines produce nothing in either; FlowLens counts them.
@Suite struct ConformanceElasticBeatsTests {
    fileprivate static let set = "elastic-beats"

    struct Sample: Sendable, CustomTestStringConvertible {
        var file: String
        var records: Int
        var headers: Int
        var blanks: Int = 0
        var malformed: [MalformedReason: Int] = [:]
        var testDescription: String { file }
    }

    static let samples: [Sample] = [
        Sample(file: "accept-reject-traffic.log", records: 4, headers: 1),
        // The one line is not a flow log record: 4 tokens where 14 are expected.
        Sample(file: "bad.log", records: 0, headers: 0, malformed: [.fieldCount: 1]),
        Sample(file: "custom-nat-gateway.log", records: 2, headers: 1),
        Sample(file: "custom-transit-gateway.log", records: 1, headers: 1),
        Sample(file: "ipv6.log", records: 1, headers: 0),
        Sample(file: "no-data-skip-data.log", records: 2, headers: 0),
        Sample(file: "tcp-flag-sequence-skip-data.log", records: 2, headers: 2, blanks: 1),
        Sample(file: "tcp-flag-sequence.log", records: 3, headers: 1),
    ]

    @Test func everyFileIsCovered() throws {
        let known = Self.samples.flatMap { [$0.file, $0.file + "-expected.json"] } + ["PROVENANCE.md"]
        #expect(try CorpusLocator.listing(Self.set) == known.sorted())
    }

    @Test(arguments: samples)
    func decodesLikeFilebeat(_ sample: Sample) throws {
        let bytes = try CorpusLocator.bytes(Self.set, sample.file)
        // Files without a header use the v2 default format, as Filebeat's module does.
        let result = try Conformance.decode(bytes, plan: .v2Default, fileName: sample.file)
        #expect(result.records.count == sample.records)
        #expect(result.counters.headerLines == sample.headers)
        #expect(result.counters.blankLines == sample.blanks)
        Conformance.expectMalformed(result, sample.malformed, context: sample.file)

        guard let events = try CorpusLocator.json(Self.set, sample.file + "-expected.json") as? [Any] else {
            throw Conformance.Failure("\(sample.file)-expected.json is not a JSON array")
        }
        let parsed = events.map { ElasticExpectation(document: $0) }.filter { !$0.values.isEmpty }
        #expect(parsed.count == result.records.count, "events with parsed fields")
        if sample.file == "bad.log" {
            // Filebeat's one event for the malformed line has nothing but the original text.
            #expect(events.count == 1 && parsed.isEmpty)
            #expect(result.counters.samples.first?.line == 1)
        }
        for (index, (record, event)) in zip(result.records, parsed).enumerated() {
            let context = "\(sample.file) record \(index + 1)"
            event.expectMatches(record, plan: result.plan.fields, context: context)
            guard let original = event.original else {
                Issue.record("\(context): no event.original")
                continue
            }
            Conformance.expectRoundTrip(record, plan: result.plan, line: original, context: context)
        }
    }
}
