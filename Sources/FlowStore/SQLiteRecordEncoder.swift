/// One SQLite record of integers, NULLs and short texts, encoded as SQLite's file format defines
/// it, for the B-tree pages that a bulk load writes itself (``FlowBulkLoad``).
///
/// A record is a header (its own length as a varint, then one serial type per column) followed
/// by the values. Integers take the serial type SQLite itself would choose: 8 and 9 for 0 and 1
/// (schema format 4, which every store of this SQLite has), otherwise the narrowest of 1, 2, 3,
/// 4, 6 or 8 big-endian bytes; NULL is type 0 with no bytes; a text of n bytes is type 2n + 13
/// followed by its bytes. Texts are at most ``longestText`` bytes, so that every serial type, and
/// the header's length, is one byte; records stay far below the overflow thresholds.
struct SQLiteRecordEncoder {
    /// At most this many columns.
    static let capacity = 12
    /// The longest text a column may hold (its serial type, 2n + 13, stays below 128).
    static let longestText = 57

    private var values = InlineArray<12, Int64>(repeating: 0)
    private var types = InlineArray<12, UInt8>(repeating: 0)
    /// The bytes of text columns (valid until ``write(to:)``).
    private var texts = InlineArray<12, UnsafeRawPointer?>(repeating: nil)
    private(set) var count = 0
    /// Bytes of the values (the header not included).
    private var bodySize = 0

    /// Whether 0 and 1 may be written as serial types 8 and 9 (schema format 4 or later).
    let constantTypes: Bool

    init(constantTypes: Bool = true) { self.constantTypes = constantTypes }

    mutating func reset() {
        count = 0
        bodySize = 0
    }

    @inline(__always)
    mutating func append(_ value: Int64) {
        let (type, length) = Self.serialType(value, constantTypes: constantTypes)
        values[count] = value
        types[count] = type
        bodySize += length
        count += 1
    }

    @inline(__always)
    mutating func appendNull() {
        types[count] = 0
        count += 1
    }

    @inline(__always)
    mutating func append(_ value: Int64?) {
        if let value { append(value) } else { appendNull() }
    }

    /// A text column; its bytes must stay valid until the record is written.
    mutating func append(text: UnsafeRawBufferPointer) {
        precondition(text.count <= Self.longestText, "a record text longer than the encoder takes")
        types[count] = UInt8(13 + 2 * text.count)
        values[count] = Int64(text.count)
        texts[count] = text.baseAddress
        bodySize += text.count
        count += 1
    }

    /// Bytes of the encoded record, header included.
    var size: Int { 1 + count + bodySize }

    /// Writes the record at `p`; returns ``size``.
    @inline(__always)
    @discardableResult
    func write(to p: UnsafeMutablePointer<UInt8>) -> Int {
        p[0] = UInt8(1 + count)
        var position = 1 + count
        for column in 0..<count {
            let type = types[column]
            p[1 + column] = type
            if type >= 13 {
                let length = Int(values[column])
                if length > 0 { UnsafeMutableRawPointer(p + position).copyMemory(from: texts[column]!, byteCount: length) }
                position += length
                continue
            }
            let length = Self.length(ofType: type)
            var value = UInt64(bitPattern: values[column])
            var index = position + length - 1
            while index >= position {
                p[index] = UInt8(truncatingIfNeeded: value)
                value >>= 8
                index -= 1
            }
            position += length
        }
        return position
    }

    /// SQLite's serial type of an integer and its length in bytes (sqlite3VdbeSerialType).
    @inline(__always)
    static func serialType(_ value: Int64, constantTypes: Bool) -> (UInt8, Int) {
        let magnitude = UInt64(bitPattern: value < 0 ? ~value : value)
        if magnitude <= 127 {
            if constantTypes && (value == 0 || value == 1) { return (8 + UInt8(value), 0) }
            return (1, 1)
        }
        if magnitude <= 32767 { return (2, 2) }
        if magnitude <= 8_388_607 { return (3, 3) }
        if magnitude <= 2_147_483_647 { return (4, 4) }
        if magnitude <= 0x7FFF_FFFF_FFFF { return (5, 6) }
        return (6, 8)
    }

    @inline(__always)
    static func length(ofType type: UInt8) -> Int {
        switch type {
        case 1: 1
        case 2: 2
        case 3: 3
        case 4: 4
        case 5: 6
        case 6: 8
        default: 0
        }
    }

    // MARK: varints

    /// Bytes of SQLite's varint of `value` (big-endian groups of 7 bits; a ninth byte of 8).
    @inline(__always)
    static func varintLength(_ value: UInt64) -> Int {
        if value <= 0x7F { return 1 }
        if value <= 0x3FFF { return 2 }
        if value & (0xFF00_0000 << 32) != 0 { return 9 }
        var length = 0
        var rest = value
        while rest != 0 {
            length += 1
            rest >>= 7
        }
        return length
    }

    /// Writes SQLite's varint of `value` at `p` (sqlite3PutVarint); returns its length.
    @inline(__always)
    @discardableResult
    static func putVarint(_ value: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if value <= 0x7F {
            p[0] = UInt8(value)
            return 1
        }
        if value <= 0x3FFF {
            p[0] = UInt8(truncatingIfNeeded: value >> 7) | 0x80
            p[1] = UInt8(truncatingIfNeeded: value) & 0x7F
            return 2
        }
        if value & (0xFF00_0000 << 32) != 0 {
            var rest = value
            p[8] = UInt8(truncatingIfNeeded: rest)
            rest >>= 8
            for index in stride(from: 7, through: 0, by: -1) {
                p[index] = UInt8(truncatingIfNeeded: rest) & 0x7F | 0x80
                rest >>= 7
            }
            return 9
        }
        let length = varintLength(value)
        var rest = value
        for index in stride(from: length - 1, through: 0, by: -1) {
            p[index] = UInt8(truncatingIfNeeded: rest) & 0x7F | (index == length - 1 ? 0 : 0x80)
            rest >>= 7
        }
        return length
    }
}
