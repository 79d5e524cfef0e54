import FlowCore
import FlowDecoding
import Foundation
import Testing

/// Inputs the Parquet reader must refuse with a clear error naming the file, the column and the
/// problem, or count as malformed rows, and never crash on: files pyarrow wrote with features
/// FlowLens does not read, and pyarrow's bytes cut or damaged on purpose.
@Suite struct ParquetBadInputTests {
    private func expectError(
        _ bytes: [UInt8], name: String, code: FlowLensError.Code, contains parts: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = ParquetFixtures.error(reading: bytes, name: name) else {
            Issue.record("\(name): read without error", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.location == name, sourceLocation: sourceLocation)
        for part in parts {
            #expect(error.description.contains(part), "'\(part)' not in: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func unsupportedCodecs() throws {
        expectError(
            try ParquetFixtures.bytes("bad-lz4.parquet"), name: "bad-lz4.parquet", code: .unreadable,
            contains: ["column 'version', row group 0", "unsupported compression codec LZ4", "GZIP, SNAPPY and ZSTD"])
        expectError(
            try ParquetFixtures.bytes("bad-brotli.parquet"), name: "bad-brotli.parquet", code: .unreadable,
            contains: ["column 'version'", "unsupported compression codec BROTLI"])
    }

    @Test func unsupportedEncoding() throws {
        expectError(
            try ParquetFixtures.bytes("bad-delta.parquet"), name: "bad-delta.parquet", code: .unreadable,
            contains: ["column 'srcport', row group 0", "unsupported encoding DELTA_BINARY_PACKED"])
    }

    @Test func columnsOfTheWrongType() throws {
        expectError(
            try ParquetFixtures.bytes("bad-srcaddr-int64.parquet"), name: "bad-srcaddr-int64.parquet", code: .badHeader,
            contains: ["column 'srcaddr' has type INT64", "must be a string"])
        expectError(
            try ParquetFixtures.bytes("bad-start-int96.parquet"), name: "bad-start-int96.parquet", code: .badHeader,
            contains: ["column 'start' has type INT96", "must be an integer"])
        // The same file is fine when the column is not needed.
        let bytes = try ParquetFixtures.bytes("bad-start-int96.parquet")
        let result = try ParquetFixtures.read(bytes, name: "int96", columns: [.srcaddr, .dstaddr])
        #expect(result.records.count == 50)
    }

    @Test func numbersStoredAsStringsThatDoNotParse() throws {
        let name = "bad-srcport-strings.parquet"
        let result = try ParquetFixtures.read(try ParquetFixtures.bytes(name), name: name)
        #expect(result.records.count == 48)
        #expect(result.counters.malformed == [.notANumber: 1, .numberTooLarge: 1])
        #expect(result.counters.samples.map(\.description) == [
            "\(name):3: srcport: abc: not a number", "\(name):7: srcport: 99999: number out of range",
        ])
        #expect(result.extraValues.count == 48, "extra values follow the kept rows")
    }

    @Test func truncatedFile() throws {
        let bytes = try ParquetFixtures.bytes("flows-gzip-dict-v1.parquet")
        for cut in [bytes.count - 1, bytes.count / 2, 100, 11] {
            expectError(
                Array(bytes.prefix(cut)), name: "cut-\(cut).parquet", code: .unreadable,
                contains: cut < 12 ? ["truncated Parquet file"] : ["no PAR1 magic at the end", "cut short"])
        }
        expectError([], name: "empty.parquet", code: .notFlowLog, contains: ["not an Apache Parquet file"])
    }

    @Test func wrongMagic() throws {
        var bytes = try ParquetFixtures.bytes("flows-none-plain-v1.parquet")
        bytes[bytes.count - 1] = UInt8(ascii: "X")
        expectError(bytes, name: "end.parquet", code: .unreadable, contains: ["no PAR1 magic at the end"])
        bytes = try ParquetFixtures.bytes("flows-none-plain-v1.parquet")
        bytes[0] = UInt8(ascii: "Q")
        expectError(bytes, name: "start.parquet", code: .notFlowLog, contains: ["no PAR1 magic at the start"])
    }

    @Test func corruptFooter() throws {
        let original = try ParquetFixtures.bytes("flows-snappy-plain-v2.parquet")
        let count = original.count
        let footerLength = Int(original[count - 8]) | Int(original[count - 7]) << 8 | Int(original[count - 6]) << 16
        // A footer length larger than the file.
        var bytes = original
        bytes[count - 5] = 0x7F
        expectError(bytes, name: "length.parquet", code: .unreadable, contains: ["corrupt Parquet footer", "does not fit"])
        // Footer bytes overwritten with garbage.
        bytes = original
        for k in (count - 8 - footerLength)..<(count - 8 - footerLength + 64) { bytes[k] = 0xFF }
        expectError(bytes, name: "garbage.parquet", code: .unreadable, contains: ["corrupt Parquet footer"])
        // The footer cut in half (its length field kept): the metadata ends early.
        bytes = Array(original.prefix(count - 8 - footerLength / 2)) + Array(original.suffix(8))
        bytes.replaceSubrange((bytes.count - 8)..<(bytes.count - 4), with: withUnsafeBytes(of: UInt32(footerLength / 2).littleEndian, Array.init))
        expectError(bytes, name: "half.parquet", code: .unreadable, contains: ["corrupt Parquet footer"])
    }

    @Test func dataMissingBeforeTheFooter() throws {
        let original = try ParquetFixtures.bytes("flows-zstd-dict-v2.parquet")
        let count = original.count
        let footerLength = Int(original[count - 8]) | Int(original[count - 7]) << 8 | Int(original[count - 6]) << 16
        // Drop half of the data but keep a valid footer: the column chunks now point past the data.
        let footerStart = count - 8 - footerLength
        let bytes = Array(original.prefix(4)) + Array(original[(footerStart / 2)...])
        expectError(bytes, name: "hole.parquet", code: .unreadable, contains: ["column '", "row group"])
    }

    /// Damaged pages: every outcome is an error or a result, never a crash or a hang. Bytes are
    /// overwritten all through the data section of each kind of file.
    @Test(arguments: ["none-dict-v1", "gzip-plain-v2", "snappy-dict-v2", "zstd-plain-v1"])
    func damagedPagesNeverCrash(_ layout: String) throws {
        let original = try ParquetFixtures.bytes("flows-\(layout).parquet")
        var errors = 0
        var generator = SplitMix(seed: 42)
        for trial in 0..<300 {
            var bytes = original
            let position = 4 + Int(generator.next() % UInt64(bytes.count - 12))
            for k in 0..<(1 + trial % 4) where position + k < bytes.count - 8 {
                bytes[position + k] = UInt8(truncatingIfNeeded: generator.next())
            }
            if ParquetFixtures.error(reading: bytes, name: "damaged.parquet") != nil { errors += 1 }
        }
        #expect(errors > 0)
    }
}

/// A tiny deterministic generator for the damage positions.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
