/// Page compression codecs, by their `parquet.thrift` numbers.
enum ParquetCodec: Int32, Sendable, CustomStringConvertible {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    var description: String {
        switch self {
        case .uncompressed: "UNCOMPRESSED"
        case .snappy: "SNAPPY"
        case .gzip: "GZIP"
        case .lzo: "LZO"
        case .brotli: "BROTLI"
        case .lz4: "LZ4"
        case .zstd: "ZSTD"
        case .lz4Raw: "LZ4_RAW"
        }
    }

    static func name(_ raw: Int32) -> String { ParquetCodec(rawValue: raw)?.description ?? "codec \(raw)" }

    /// The codecs this build can read.
    var isSupported: Bool { self == .uncompressed || self == .snappy || self == .gzip || self == .zstd }
}
