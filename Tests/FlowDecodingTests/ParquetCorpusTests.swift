import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `flowlogs-reader/flows.parquet`: the only Parquet file in the corpus, written by pandas
/// (pyarrow 6.0.1) for obsrvbl-oss/flowlogs-reader's tests; not an AWS schema.
///
/// What its schema allows, and how FlowLens differs from flowlogs-reader's expected `to_dict()`:
/// - `account_id` is INT64 here (a string in AWS files): it is read as the text `123456789010`.
/// - `srcport`, `dstport`, `protocol`, `packets` and `bytes` are strings; row 1's digits parse as
///   the numbers the text decoder would make of them.
/// - Rows 2 and 3 hold the literal string `None` (pandas' text for a missing value) in those
///   columns. flowlogs-reader drops such fields; FlowLens treats `None` as it would in a text
///   line, a value that is not a number, so both rows are counted as malformed and skipped. Row 3
///   also has protocol `8080`, over the 255 that a protocol number can be.
/// - `-` in `srcaddr`/`dstaddr`/`action` is absent, as in text.
@Suite struct ParquetCorpusTests {
    @Test func flowlogsReaderParquetSample() throws {
        let name = "flows.parquet"
        let bytes = try CorpusLocator.bytes("flowlogs-reader", name)
        let result = try ParquetFixtures.read(bytes, name: name)
        #expect(result.rowGroups == 1)
        #expect(result.records.count == 1)
        #expect(result.counters.malformed == [.notANumber: 1, .numberTooLarge: 1])
        #expect(result.counters.samples.map(\.description) == [
            "flows.parquet:2: srcport: None: not a number", "flows.parquet:3: protocol: 8080: number out of range",
        ])

        let expected = try #require(try CorpusLocator.json("flowlogs-reader", name + "-expected.json") as? [[String: Any]])
        try #require(expected.count == 3)
        var fields: [FlowField: String?] = [:]
        for field in FlowField.v2Default { fields[field] = .some(nil) }
        for (key, value) in expected[0] {
            let field = try #require(FlowField(name: key), "unknown key \(key)")
            fields[field] = .some(Conformance.canonical(expected: value, for: field))
        }
        Conformance.expectFields(result.records[0], fields, context: "\(name) row 1")
        // The same row as a text line gives the same record.
        let line = "2 123456789010 eni-102010ab 198.51.100.1 192.0.2.1 443 49152 6 10 840 1439387263 1439387264 ACCEPT OK\n"
        let text = try DecoderHarness.decode(line)
        #expect(text.records == [result.records[0]])
    }
}
