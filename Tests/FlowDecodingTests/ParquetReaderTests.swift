import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// Files written by pyarrow with AWS's Parquet schema for flow logs (every v2-v8 field with AWS's
/// types, plus one unknown column) must read back exactly as the same rows written as text: record
/// by record, every field, and the extra column.
@Suite struct ParquetReaderTests {
    static let codecs = ["none", "gzip", "snappy", "zstd"]
    static let layouts = ["dict-v1", "dict-v2", "plain-v1", "plain-v2"]
    static let files = codecs.flatMap { codec in layouts.map { "flows-\(codec)-\($0).parquet" } }

    @Test(arguments: files)
    func readsBackWhatPyarrowWrote(_ name: String) throws {
        let text = try ParquetFixtures.text("flows.txt")
        #expect(text.records.count == 1000)
        #expect(text.counters.malformedTotal == 0, "text: \(text.counters.samples)")
        let parquet = try ParquetFixtures.read(try ParquetFixtures.bytes(name), name: name)
        #expect(parquet.rowGroups == 5, "written with row_group_size=230")
        #expect(parquet.counters.records == 1000)
        #expect(parquet.counters.malformedTotal == 0, "\(parquet.counters.samples)")
        try #require(parquet.records.count == text.records.count)
        for (row, (got, want)) in zip(parquet.records, text.records).enumerated() {
            guard got != want else { continue }
            let differing = FlowField.allCases.filter { got.value($0) != want.value($0) }
            Issue.record("\(name) row \(row + 1): \(differing.map { "\($0.name) \(got.value($0)) != \(want.value($0))" })")
            break
        }
        #expect(parquet.extraNames == ["custom_note"])
        #expect(parquet.extraNames == text.extraNames)
        #expect(parquet.extraValues == text.extraValues)
        // Orientation is cached as the text decoder caches it.
        #expect(parquet.records.map(\.orientation) == text.records.map(\.orientation))
    }

    @Test func everyFieldOfEveryVersionIsRead() throws {
        let parquet = try ParquetFixtures.read(try ParquetFixtures.bytes("flows-gzip-dict-v1.parquet"), name: "x")
        let seen = parquet.records.reduce(UInt64(0)) { $0 | $1.present }
        let missing = FlowField.allCases.filter { seen & $0.bit == 0 }
        #expect(missing.isEmpty, "fields never present: \(missing.map(\.name))")
        // Millisecond start times became seconds, as in text.
        #expect(parquet.records.allSatisfy { $0.start < 1 << 31 })
        #expect(parquet.records.contains { $0.srcaddr.description.contains(":") }, "IPv6 addresses")
        #expect(parquet.records.contains { $0.logStatus == .noData && !$0.has(.srcaddr) }, "NODATA rows with nulls")
        #expect(parquet.records.contains { $0.packetsLost[3] > 1 << 40 }, "INT64 counters above 2^32")
    }

    @Test func subsetInAnotherOrder() throws {
        let text = try ParquetFixtures.text("flows-subset.txt")
        let parquet = try ParquetFixtures.read(try ParquetFixtures.bytes("flows-subset.parquet"), name: "subset")
        #expect(parquet.records == text.records)
        #expect(parquet.extraValues == text.extraValues)
        #expect(parquet.counters.layouts.keys.map(\.description) == [
            "log-status action dstaddr srcaddr dstport srcport protocol bytes start custom_note"
        ])
    }

    @Test func readsOnlyTheColumnsAskedFor() throws {
        let wanted: Set<FlowField> = [.srcaddr, .dstport, .action, .start]
        let mask = wanted.reduce(UInt64(0)) { $0 | $1.bit }
        let text = try ParquetFixtures.text("flows.txt")
        let parquet = try ParquetFixtures.read(
            try ParquetFixtures.bytes("flows-snappy-dict-v2.parquet"), name: "x", columns: wanted)
        #expect(parquet.extraNames.isEmpty, "extras are left out when columns are chosen")
        try #require(parquet.records.count == text.records.count)
        for (got, want) in zip(parquet.records, text.records) {
            #expect(got.present == want.present & mask)
            for field in wanted { #expect(got.value(field) == want.value(field)) }
        }
    }

    @Test func readerReportsItsShape() throws {
        let bytes = try ParquetFixtures.bytes("flows-zstd-plain-v2.parquet")
        #expect(ParquetFlowReader.isParquet(bytes.prefix(4)))
        #expect(!ParquetFlowReader.isParquet(Array("version account-id".utf8)))
        #expect(!ParquetFlowReader.isParquet([0x50, 0x41]))
        let reader = try ParquetFlowReader(bytes: bytes, fileName: "x")
        #expect(reader.rowCount == 1000)
        #expect(reader.rowGroupCount == 5)
        #expect(reader.createdBy?.hasPrefix("parquet-cpp-arrow") == true)
        #expect(reader.plan.fields.count == 60)
        var counters = DecodeCounters()
        let batch = try reader.readRowGroup(4, sourceIndex: 7, sequence: 3, counters: &counters)
        #expect(batch.sourceIndex == 7 && batch.sequence == 3)
        #expect(batch.count == 1000 - 4 * 230)
        #expect(counters.lines == batch.count)
        #expect(throws: FlowLensError.self) { try reader.readRowGroup(5, sourceIndex: 0, sequence: 0, counters: &counters) }
    }
}
