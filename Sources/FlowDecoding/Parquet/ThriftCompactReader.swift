/// Reads the Thrift compact protocol, the encoding of Parquet's footer and page headers.
///
/// Every read is bounds-checked against the buffer: a length, count or nesting depth taken from the
/// input can never move the reader outside it. Failures throw ``ThriftCompactReader/Failure``; the
/// Parquet layer turns them into a ``FlowCore/FlowLensError`` that names the file and what was being read.
///
/// Wire format (Apache Thrift, `doc/specs/thrift-compact-protocol.md`): a field header byte holds a
/// field-id delta (high nibble, 0 means a zigzag varint id follows) and a type (low nibble);
/// integers are zigzag varints, binaries a varint length then bytes, lists a size/type byte
/// (size 15 means a varint size follows), structs end with a 0 byte.
struct ThriftCompactReader {
    enum WireType: UInt8 {
        case stop = 0, booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    struct Failure: Error {
        var message: String
    }

    /// A field header: its id and wire type (booleans carry their value in the type).
    struct FieldHeader {
        var id: Int16
        var type: WireType
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position: Int
    private var lastFieldIDs: [Int16] = []
    private var lastFieldID: Int16 = 0
    /// Nested structs and containers allowed: real Parquet metadata nests 5 deep; a hostile file
    /// must not overflow the stack while skipping.
    private static let maximumDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    // MARK: Structs

    mutating func beginStruct() throws(Failure) {
        guard lastFieldIDs.count < Self.maximumDepth else { throw Failure(message: "metadata nested too deeply") }
        lastFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    mutating func endStruct() {
        lastFieldID = lastFieldIDs.popLast() ?? 0
    }

    /// The next field's header, or nil at the struct's end (the stop byte).
    mutating func nextField() throws(Failure) -> FieldHeader? {
        let byte = try readByte()
        if byte == 0 { return nil }
        guard let type = WireType(rawValue: byte & 0x0F) else {
            throw Failure(message: "unknown Thrift type \(byte & 0x0F) at byte \(position - 1)")
        }
        let delta = byte >> 4
        let id: Int16
        if delta == 0 {
            let raw = try readZigZag()
            guard raw >= Int64(Int16.min) && raw <= Int64(Int16.max) else {
                throw Failure(message: "field id out of range at byte \(position)")
            }
            id = Int16(raw)
        } else {
            id = lastFieldID &+ Int16(delta)
        }
        lastFieldID = id
        return FieldHeader(id: id, type: type)
    }

    // MARK: Scalars

    mutating func readByte() throws(Failure) -> UInt8 {
        guard position < bytes.count else { throw Failure(message: "metadata ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readVarint() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw Failure(message: "varint too long at byte \(position)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readZigZag() throws(Failure) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func readI32(_ header: FieldHeader) throws(Failure) -> Int32 {
        guard header.type == .i32 || header.type == .i16 || header.type == .byte else {
            throw Failure(message: "field \(header.id) should be an integer")
        }
        if header.type == .byte { return Int32(Int8(bitPattern: try readByte())) }
        let value = try readZigZag()
        guard let narrow = Int32(exactly: value) else { throw Failure(message: "field \(header.id) out of range") }
        return narrow
    }

    mutating func readI64(_ header: FieldHeader) throws(Failure) -> Int64 {
        guard header.type == .i64 || header.type == .i32 || header.type == .i16 else {
            throw Failure(message: "field \(header.id) should be an integer")
        }
        return try readZigZag()
    }

    func readBool(_ header: FieldHeader) throws(Failure) -> Bool {
        switch header.type {
        case .booleanTrue: return true
        case .booleanFalse: return false
        default: throw Failure(message: "field \(header.id) should be a boolean")
        }
    }

    /// A binary or string field, as a range of the buffer.
    mutating func readBinary() throws(Failure) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(remaining) else { throw Failure(message: "string longer than the metadata") }
        let start = position
        position += Int(length)
        return start..<position
    }

    mutating func readString(_ header: FieldHeader) throws(Failure) -> String {
        guard header.type == .binary else { throw Failure(message: "field \(header.id) should be a string") }
        let range = try readBinary()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    // MARK: Containers

    /// A list header: element count and type. The count is checked against the bytes left (every
    /// element takes at least one byte, except booleans which take one each in lists too).
    mutating func readListHeader(_ header: FieldHeader) throws(Failure) -> (count: Int, type: WireType) {
        guard header.type == .list || header.type == .set else {
            throw Failure(message: "field \(header.id) should be a list")
        }
        return try readListHeader()
    }

    mutating func readListHeader() throws(Failure) -> (count: Int, type: WireType) {
        let byte = try readByte()
        guard let type = WireType(rawValue: byte & 0x0F) else {
            throw Failure(message: "unknown Thrift list element type \(byte & 0x0F)")
        }
        var count = UInt64(byte >> 4)
        if count == 15 { count = try readVarint() }
        guard count <= UInt64(remaining) else { throw Failure(message: "list longer than the metadata") }
        return (Int(count), type)
    }

    /// Skips a value of any type (fields this reader does not need).
    mutating func skip(_ type: WireType) throws(Failure) {
        try skip(type, depth: lastFieldIDs.count)
    }

    private mutating func skip(_ type: WireType, depth: Int) throws(Failure) {
        guard depth < Self.maximumDepth else { throw Failure(message: "metadata nested too deeply") }
        switch type {
        case .stop: throw Failure(message: "unexpected stop byte at \(position)")
        case .booleanTrue, .booleanFalse: break
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double:
            guard remaining >= 8 else { throw Failure(message: "metadata ends early") }
            position += 8
        case .binary: _ = try readBinary()
        case .list, .set:
            let (count, element) = try readListHeader()
            for _ in 0..<count {
                // Booleans inside a list are one byte each.
                if element == .booleanTrue || element == .booleanFalse { _ = try readByte() } else {
                    try skip(element, depth: depth + 1)
                }
            }
        case .map:
            let count = try readVarint()
            guard count <= UInt64(remaining) else { throw Failure(message: "map longer than the metadata") }
            if count > 0 {
                let types = try readByte()
                guard let key = WireType(rawValue: types >> 4), let value = WireType(rawValue: types & 0x0F) else {
                    throw Failure(message: "unknown Thrift map types")
                }
                for _ in 0..<count {
                    try skip(key, depth: depth + 1)
                    try skip(value, depth: depth + 1)
                }
            }
        case .structure:
            let saved = lastFieldID
            lastFieldID = 0
            while true {
                let byte = try readByte()
                if byte == 0 { break }
                guard let fieldType = WireType(rawValue: byte & 0x0F) else {
                    throw Failure(message: "unknown Thrift type \(byte & 0x0F) at byte \(position - 1)")
                }
                if byte >> 4 == 0 { _ = try readVarint() }
                try skip(fieldType, depth: depth + 1)
            }
            lastFieldID = saved
        }
    }
}
