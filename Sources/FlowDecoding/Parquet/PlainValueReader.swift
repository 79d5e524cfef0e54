import FlowCore

/// Reads PLAIN-encoded values (little-endian INT32 and INT64, length-prefixed BYTE_ARRAY) one at
/// a time and converts each for a FlowLens field, checking every length against the page.
struct PlainValueReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let type: ParquetPhysicalType
    private var position = 0
    /// The bytes of the last value read, kept only to describe it when it is malformed.
    private var lastRange: Range<Int> = 0..<0

    init(_ bytes: UnsafeBufferPointer<UInt8>, type: ParquetPhysicalType) {
        self.bytes = bytes
        self.type = type
    }

    /// The last value as text, for a malformed-value sample.
    var lastValueText: String {
        let value = UnsafeBufferPointer(rebasing: bytes[lastRange])
        switch type {
        case .int32: return String(Int32(truncatingIfNeeded: Self.load(value, 4)))
        case .int64: return String(Int64(bitPattern: Self.load(value, 8)))
        default:
            var text = String(decoding: value.prefix(120), as: UTF8.self)
            if value.count > 120 { text += "…" }
            return text
        }
    }

    @inline(__always)
    private static func load(_ value: UnsafeBufferPointer<UInt8>, _ width: Int) -> UInt64 {
        var result: UInt64 = 0
        for k in 0..<min(width, value.count) { result |= UInt64(value[k]) << UInt64(8 * k) }
        return result
    }

    @inline(__always)
    mutating func next(for op: ColumnOp, interner: inout LocalInterner) throws(ParquetColumnDecoder.Failure) -> ParquetCell {
        switch type {
        case .int32:
            guard bytes.count - position >= 4 else { throw ParquetColumnDecoder.Failure(message: "INT32 values end early") }
            let raw = UnsafeRawPointer(bytes.baseAddress! + position).loadUnaligned(as: UInt32.self)
            lastRange = position..<(position + 4)
            position += 4
            return ParquetCell.integer(Int64(Int32(bitPattern: UInt32(littleEndian: raw))), for: op, interner: &interner)
        case .int64:
            guard bytes.count - position >= 8 else { throw ParquetColumnDecoder.Failure(message: "INT64 values end early") }
            let raw = UnsafeRawPointer(bytes.baseAddress! + position).loadUnaligned(as: UInt64.self)
            lastRange = position..<(position + 8)
            position += 8
            return ParquetCell.integer(Int64(bitPattern: UInt64(littleEndian: raw)), for: op, interner: &interner)
        case .byteArray:
            guard bytes.count - position >= 4 else {
                throw ParquetColumnDecoder.Failure(message: "BYTE_ARRAY values end early")
            }
            let length = Int(UInt32(littleEndian: UnsafeRawPointer(bytes.baseAddress! + position).loadUnaligned(as: UInt32.self)))
            position += 4
            guard length <= bytes.count - position else {
                throw ParquetColumnDecoder.Failure(message: "a BYTE_ARRAY value runs past the page")
            }
            lastRange = position..<(position + length)
            position += length
            return ParquetCell.bytes(UnsafeBufferPointer(rebasing: bytes[lastRange]), for: op, interner: &interner)
        default:
            throw ParquetColumnDecoder.Failure(message: "values of type \(type) cannot be read")
        }
    }
}
