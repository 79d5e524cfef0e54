import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `elastic-integrations/`: the Elastic AWS integration's `vpcflow` pipeline tests — header-less
/// logs whose layout Elastic picks by token count (14, 21, 29, 36, 39, 40), some without a final
/// newline, one wrapped as `{"message":"…"}` — and the ECS documents the pipeline produced
/// (`{"expected":[…]}`, nested). Flow fields are compared through ``ElasticExpectation``.
///
/// Deliberate differences and agreements:
/// - The integration keeps `cloud.region: "-"` and `cloud.availability_zone: "-"`; in FlowLens `-`
///   is absent.
/// - `test-v5-all-fields.log` has a truncated start time `164000066`: below 2^31 it is seconds
///   (1975-03-14) for FlowLens as for Elastic; only values from 2^31 up are read as milliseconds.
/// - NODATA/SKIPDATA rows that still carry an action, addresses and byte counts (synthetic ECS and
///   TGW samples) keep every value in FlowLens, as in Elastic.
@Suite struct ConformanceElasticIntegrationsTests {
    fileprivate static let set = "elastic-integrations"

    struct Sample: Sendable, CustomTestStringConvertible {
        var file: String
        var records: Int
        var tokens: Int
        var testDescription: String { file }
    }

    static let samples: [Sample] = [
        Sample(file: "test-ecs-samples.log", records: 10, tokens: 39),
        Sample(file: "test-extra-samples.log", records: 7, tokens: 14),
        Sample(file: "test-tcp-flag-sequence.log", records: 3, tokens: 21),
        Sample(file: "test-tgw-samples.log", records: 10, tokens: 36),
        Sample(file: "test-v5-all-fields.log", records: 1, tokens: 29),
        Sample(file: "test-v8-samples.log", records: 1, tokens: 40),
        Sample(file: "test-with-message-field.log", records: 1, tokens: 14),
    ]

    @Test func everyFileIsCovered() throws {
        let known = Self.samples.flatMap { [$0.file, $0.file + "-expected.json"] } + ["PROVENANCE.md"]
        #expect(try CorpusLocator.listing(Self.set) == known.sorted())
        #expect(Self.samples.reduce(0) { $0 + $1.records } == 33)
    }

    /// The flow log text of a line: the line itself, or its `message` when JSON-wrapped.
    fileprivate static func recordText(_ line: Substring) throws -> String {
        guard line.hasPrefix("{") else { return String(line) }
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        guard let message = (object as? [String: Any])?["message"] as? String else {
            throw Conformance.Failure("no message in \(line)")
        }
        return message
    }

    @Test(arguments: samples)
    func decodesLikeTheIntegration(_ sample: Sample) throws {
        let bytes = try CorpusLocator.bytes(Self.set, sample.file)
        let lines = Conformance.lines(String(decoding: bytes, as: UTF8.self)).filter { !$0.isEmpty }
        let texts = try lines.map(Self.recordText)
        // Elastic chooses the layout from the number of tokens; every line of a file has the same.
        #expect(Set(texts.map { Conformance.tokens($0).count }) == [sample.tokens])
        let plan = try #require(try Conformance.planByTokenCount(sample.tokens))
        let result = try Conformance.decode(bytes, plan: plan, fileName: sample.file)
        #expect(result.records.count == sample.records)
        #expect(result.counters.headerLines == 0)
        Conformance.expectMalformed(result, [:], context: sample.file)

        let json = try CorpusLocator.json(Self.set, sample.file + "-expected.json")
        guard let events = (json as? [String: Any])?["expected"] as? [Any] else {
            throw Conformance.Failure("\(sample.file)-expected.json has no \"expected\" array")
        }
        #expect(events.count == result.records.count, "expected events")
        for (index, (record, event)) in zip(result.records, events).enumerated() {
            let context = "\(sample.file) record \(index + 1)"
            let expected = ElasticExpectation(document: event)
            #expect(expected.original == texts[index], "\(context): event.original is the log line")
            expected.expectMatches(record, plan: plan.fields, context: context)
            Conformance.expectRoundTrip(record, plan: plan, line: texts[index], context: context)
        }
    }

    @Test func oddValuesAreKeptAsWritten() throws {
        let extra = try Conformance.decode(
            CorpusLocator.bytes(Self.set, "test-extra-samples.log"), plan: .v2Default, fileName: "extra")
        #expect(extra.records[2].interfaceID.string == "eni-89.160.20.1561aaaaaaaaa")
        let v5 = try Conformance.decode(
            CorpusLocator.bytes(Self.set, "test-v5-all-fields.log"), plan: ColumnPlan(fields: FlowField.v5All),
            fileName: "v5")
        #expect(v5.records.first?.start == 164_000_066)
        #expect(v5.records.first?.accountID.string == "64111117617")
        let v8 = try Conformance.decode(
            CorpusLocator.bytes(Self.set, "test-v8-samples.log"),
            plan: ColumnPlan(fields: Conformance.ecsAllFields + [.rejectReason]), fileName: "v8")
        #expect(v8.records.first?[text: .rejectReason].string == "BPA")
        #expect(v8.records.first?.srcaddr.description == "2a02:cf40::")
    }
}
