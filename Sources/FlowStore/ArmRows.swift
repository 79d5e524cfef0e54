import CSQLite

/// The rows of one arm of a UNION ALL subquery, exactly as SQLite returned them (storage class
/// and value), kept until they are copied into a table of the main connection.
///
/// A value takes a type byte and eight bytes (an integer, a real's bits, or where its text or
/// blob starts and how long it is in one shared buffer): no allocation per row.
struct ArmRows: Sendable {
    let columnCount: Int
    /// SQLite's type codes (SQLITE_INTEGER, ...), one a value.
    private var types: [UInt8] = []
    private var payloads: [UInt64] = []
    private var bytes: [UInt8] = []

    init(columnCount: Int) { self.columnCount = columnCount }

    var rowCount: Int { columnCount == 0 ? 0 : types.count / columnCount }

    /// Bytes held, to keep a run within its memory budget.
    var memoryUsed: Int { types.count + payloads.count * 8 + bytes.count }

    /// Keeps the current row of `statement`.
    ///
    /// - Returns: false, keeping nothing of the row, when a value would change if stored in a
    ///   column of its affinity (see ``ColumnAffinity/keeps(_:)``), or a text or blob is past
    ///   what a payload can locate (4 GiB).
    mutating func append(rowOf statement: OpaquePointer, affinities: [ColumnAffinity]) -> Bool {
        let rowStart = types.count
        let bytesStart = bytes.count
        for column in 0..<Int32(columnCount) {
            let type = sqlite3_column_type(statement, column)
            let value: ColumnAffinity.Value
            var payload: UInt64 = 0
            switch type {
            case SQLITE_NULL: value = .null
            case SQLITE_INTEGER:
                value = .integer
                payload = UInt64(bitPattern: sqlite3_column_int64(statement, column))
            case SQLITE_FLOAT:
                let number = sqlite3_column_double(statement, column)
                value = .real(number)
                payload = number.bitPattern
            default:
                // Text is read as text and a blob as a blob, so that neither is converted.
                let pointer =
                    type == SQLITE_TEXT
                    ? UnsafeRawPointer(sqlite3_column_text(statement, column)) : sqlite3_column_blob(statement, column)
                let count = Int(sqlite3_column_bytes(statement, column))
                let content = UnsafeBufferPointer(start: pointer?.assumingMemoryBound(to: UInt8.self), count: pointer == nil ? 0 : count)
                value = type == SQLITE_TEXT ? .text(content) : .blob
                guard bytes.count + content.count < 1 << 32, content.count < Int(Int32.max) else {
                    undo(to: rowStart, bytes: bytesStart)
                    return false
                }
                payload = UInt64(bytes.count) << 32 | UInt64(content.count)
                bytes.append(contentsOf: content)
            }
            guard affinities[Int(column)].keeps(value) else {
                undo(to: rowStart, bytes: bytesStart)
                return false
            }
            types.append(UInt8(type))
            payloads.append(payload)
        }
        return true
    }

    private mutating func undo(to rowStart: Int, bytes bytesStart: Int) {
        types.removeLast(types.count - rowStart)
        payloads.removeLast(payloads.count - rowStart)
        bytes.removeLast(bytes.count - bytesStart)
    }

    /// Steps `insert` (an INSERT with one parameter a column) once for each row, in order.
    func insert(with insert: SQLiteStatement) throws(StoreError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(StoreError) in
            // The bindings point into `bytes` (SQLITE_STATIC): none may outlive this call.
            defer { insert.clearBindings() }
            var index = 0
            for _ in 0..<rowCount {
                for parameter in 1...Int32(columnCount) {
                    let payload = payloads[index]
                    switch Int32(types[index]) {
                    case SQLITE_NULL: sqlite3_bind_null(insert.handle, parameter)
                    case SQLITE_INTEGER: sqlite3_bind_int64(insert.handle, parameter, Int64(bitPattern: payload))
                    case SQLITE_FLOAT: sqlite3_bind_double(insert.handle, parameter, Double(bitPattern: payload))
                    case let type:
                        let start = Int(payload >> 32)
                        let count = Int32(payload & 0xFFFF_FFFF)
                        // A null pointer would bind NULL: an empty text or blob is bound without one.
                        if type == SQLITE_TEXT {
                            if count == 0 {
                                sqlite3_bind_text(insert.handle, parameter, "", 0, SQLiteStatement.transient)
                            } else {
                                let text = UnsafeRawPointer(buffer.baseAddress! + start).assumingMemoryBound(to: CChar.self)
                                sqlite3_bind_text(insert.handle, parameter, text, count, nil)
                            }
                        } else if count == 0 {
                            sqlite3_bind_zeroblob(insert.handle, parameter, 0)
                        } else {
                            sqlite3_bind_blob(insert.handle, parameter, buffer.baseAddress! + start, count, nil)
                        }
                    }
                    index += 1
                }
                try insert.step()
                insert.reset()
            }
        }
    }
}
