/// Parquet's physical (storage) types, by their `parquet.thrift` numbers.
enum ParquetPhysicalType: Int32, Sendable, CustomStringConvertible {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6
    case fixedLengthByteArray = 7

    var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLengthByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }

    /// A type number from the file, named even when unknown, for messages.
    static func name(_ raw: Int32) -> String { ParquetPhysicalType(rawValue: raw)?.description ?? "type \(raw)" }
}
