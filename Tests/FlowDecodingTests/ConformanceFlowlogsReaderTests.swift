import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `flowlogs-reader/`: obsrvbl-oss/flowlogs-reader's test records (CloudWatch messages, S3 files
/// whose header lists the fields in alphabetical order, millisecond timestamps, a `bogus line`) and
/// the library's `to_dict()` output, transcribed to JSON (fields that were `-` are left out).
///
/// Deliberate differences and agreements:
/// - Millisecond start/end (`1512564058000`) become seconds, as in flowlogs-reader; that record is
///   therefore not printed back verbatim.
/// - `bogus line` is skipped by the library; FlowLens skips it too and counts it as malformed
///   (wrong field count).
/// - `flows.parquet` (and its expected file) belongs to the Parquet issue and is not decoded here;
///   it is a pandas fixture with a non-AWS schema anyway.
@Suite struct ConformanceFlowlogsReaderTests {
    fileprivate static let set = "flowlogs-reader"

    struct Sample: Sendable, CustomTestStringConvertible {
        var file: String
        var records: Int
        var headers: Int
        var malformed: [MalformedReason: Int] = [:]
        var testDescription: String { file }
    }

    static let samples: [Sample] = [
        Sample(file: "v2-cwl-messages.log", records: 5, headers: 0),
        Sample(file: "v2-millisecond-timestamps.log", records: 1, headers: 0),
        Sample(file: "v3-s3-with-header.log", records: 2, headers: 1),
        Sample(file: "v4-s3-with-header.log", records: 2, headers: 1),
        Sample(file: "v5-s3-with-header-and-bogus-line.log", records: 2, headers: 1, malformed: [.fieldCount: 1]),
        Sample(file: "v6-tgw-fields-s3-with-header.log", records: 1, headers: 1),
    ]

    @Test func everyFileIsCovered() throws {
        // The Parquet file is for the Parquet reader's issue, not the text decoder.
        let parquet = ["flows.parquet", "flows.parquet-expected.json"]
        let known = Self.samples.flatMap { [$0.file, $0.file + "-expected.json"] } + parquet + ["PROVENANCE.md"]
        #expect(try CorpusLocator.listing(Self.set) == known.sorted())
    }

    /// The library's dict as expected values for every field: keys it has, and absent for the
    /// fields of the layout it left out (they were `-`).
    fileprivate static func expectation(_ dictionary: [String: Any], layout: [FlowField]) throws -> [FlowField: String?] {
        var expected: [FlowField: String?] = [:]
        for field in layout { expected[field] = .some(nil) }
        for (key, raw) in dictionary {
            guard let field = FlowField(name: key) else { throw Conformance.Failure("unknown key \(key)") }
            expected[field] = .some(Conformance.canonical(expected: raw, for: field))
        }
        return expected
    }

    @Test(arguments: samples)
    func decodesLikeFlowlogsReader(_ sample: Sample) throws {
        let bytes = try CorpusLocator.bytes(Self.set, sample.file)
        let result = try Conformance.decode(bytes, plan: .v2Default, fileName: sample.file)
        #expect(result.records.count == sample.records)
        #expect(result.counters.headerLines == sample.headers)
        Conformance.expectMalformed(result, sample.malformed, context: sample.file)
        let layout = result.plan.fields
        #expect(result.plan.extraNames.isEmpty)

        let dataLines = Conformance.lines(String(decoding: bytes, as: UTF8.self)).dropFirst(sample.headers)
            .filter { !$0.isEmpty }
        let json = try CorpusLocator.json(Self.set, sample.file + "-expected.json")
        switch sample.file {
        case "v2-cwl-messages.log":
            // Expected output for two of the lines, keyed "line1 (test_parse)", "line3 (test_to_dict)".
            let byLine = try #require(json as? [String: [String: Any]])
            #expect(byLine.count == 2)
            for (key, dictionary) in byLine {
                let number = try #require(Int(key.dropFirst(4).prefix { $0.isNumber }), "line number in \(key)")
                Conformance.expectFields(
                    result.records[number - 1], try Self.expectation(dictionary, layout: layout),
                    context: "\(sample.file) line \(number)")
            }
        case "v2-millisecond-timestamps.log":
            // Only start and end are given: milliseconds, normalised to seconds.
            let dictionary = try #require(json as? [String: Any])
            #expect(Set(dictionary.keys) == ["start", "end"])
            var expected = try Self.expectation(dictionary, layout: [])
            expected[.logStatus] = "SKIPDATA"
            expected[.srcaddr] = .some(nil)
            Conformance.expectFields(result.records[0], expected, context: sample.file)
            #expect(result.records[0].start == 1_512_564_058 && result.records[0].end == 1_512_564_059)
        default:
            let list = try #require(json as? [[String: Any]])
            #expect(list.count == result.records.count)
            for (index, (record, dictionary)) in zip(result.records, list).enumerated() {
                Conformance.expectFields(
                    record, try Self.expectation(dictionary, layout: layout), context: "\(sample.file) record \(index + 1)")
            }
        }
        if sample.file != "v2-millisecond-timestamps.log" {
            let recordLines = sample.malformed.isEmpty ? Array(dataLines) : Array(dataLines.dropLast())
            #expect(recordLines.count == result.records.count)
            for (index, (record, line)) in zip(result.records, recordLines).enumerated() {
                Conformance.expectRoundTrip(
                    record, plan: result.plan, line: line, context: "\(sample.file) record \(index + 1)")
            }
        }
        if !sample.malformed.isEmpty {
            #expect(dataLines.last == "bogus line")
            let bogus = try #require(result.counters.samples.first)
            #expect(bogus.line == 4 && bogus.reason == .fieldCount)
        }
    }

    @Test func alphabeticalHeaderSetsThePlan() throws {
        let result = try Conformance.decode(
            CorpusLocator.bytes(Self.set, "v5-s3-with-header-and-bogus-line.log"), plan: .v2Default, fileName: "v5")
        #expect(result.plan.fields.first == .accountID && result.plan.fields.last == .vpcID)
        #expect(result.plan.fields.count == 29)
        let tgw = try Conformance.decode(
            CorpusLocator.bytes(Self.set, "v6-tgw-fields-s3-with-header.log"), plan: .v2Default, fileName: "v6")
        // Leading zeros in identifiers are text and stay.
        #expect(tgw.records.first?[text: .tgwID].string == "00000000")
        #expect(tgw.records.first?.value(.packetsLostTTLExpired) == .number(16))
    }
}
