import CSQLite

/// One value of a query result.
public enum QueryValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let n): String(n)
        case .real(let d): d == d.rounded() && abs(d) < 1e15 ? String(format1: d) : String(d)
        case .text(let t): t
        }
    }
}

extension String {
    fileprivate init(format1 value: Double) { self = String(Int64(value)) + ".0" }
}

/// Receives the results of ``FlowStore/query(_:parameters:to:)``: one `begin` per statement that
/// returns columns, its rows, then `end`.
public protocol QueryResultSink: AnyObject {
    func begin(columns: [String])
    func row(_ values: [QueryValue])
    func end()
}

extension FlowStore {
    /// Runs read-only SQL (one or more statements) and streams each result to `sink`.
    ///
    /// A statement that would write is refused before it runs. Named parameters (`:ip`) are bound
    /// from `parameters` (keys without the colon); a missing one is an error.
    ///
    /// - Throws: ``StoreError`` with code `.writeRefused`, or `.sql` with the message and the
    ///   byte offset of the error in `sql`.
    public func query(_ sql: String, parameters: [String: String] = [:], to sink: any QueryResultSink)
        throws(StoreError)
    {
        var utf8 = Array(sql.utf8CString)
        let total = utf8.count - 1
        var offset = 0
        var ranAny = false
        let unionSearch = readOnly && runsUnionArmsInParallel ? ParallelUnionSearch(sql) : nil
        while offset < total {
            var statement: OpaquePointer?
            var consumed = 0
            let rc = utf8.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var tail: UnsafePointer<CChar>?
                let start = UnsafePointer(buffer.baseAddress! + offset)
                let rc = sqlite3_prepare_v3(db.handle, start, Int32(total - offset), 0, &statement, &tail)
                consumed = tail.map { $0 - start } ?? (total - offset)
                return rc
            }
            if rc != SQLITE_OK {
                var error = db.error(rc)
                if let position = error.offset { error.offset = position + offset }
                // `flows` and `vpc_flow_logs` are views: SQLite rejects a write to them while
                // preparing, before the read-only check below could say why.
                if Self.startsWithWriteKeyword(utf8, from: offset) {
                    throw StoreError(
                        .writeRefused,
                        "query is read-only: this statement would change the store (use ingest or prune to change it)",
                        cause: error.message, offset: offset)
                }
                throw error
            }
            let statementStart = offset
            offset += max(consumed, 1)
            guard let statement else { continue }  // only whitespace or a comment
            let wrapped = SQLiteStatement(statement, connection: db)
            ranAny = true
            if !wrapped.isReadOnly {
                let text = String(cString: sqlite3_sql(statement)).trimmingSpaces
                throw StoreError(
                    .writeRefused,
                    "query is read-only: this statement would change the store (use ingest or prune to change it)",
                    cause: String(text.prefix(80)), offset: statementStart)
            }
            try Self.bind(parameters, to: wrapped)
            let columns = (0..<wrapped.columnCount).map { wrapped.columnName($0) }
            if let unionSearch, !columns.isEmpty {
                let subqueries = unionSearch.subqueries(inStatementAt: statementStart..<offset)
                if !subqueries.isEmpty,
                    try runWithParallelUnionArms(
                        wrapped, sql: unionSearch.bytes, statementRange: statementStart..<offset, subqueries: subqueries,
                        parameters: parameters, columns: columns, to: sink)
                {
                    continue
                }
            }
            try deliver(wrapped, columns: columns, to: sink)
        }
        if !ranAny { throw StoreError(.sql, "no SQL statement given") }
    }

    /// Steps `statement` to its end, handing its rows to `sink` (its columns named `columns`).
    func deliver(_ statement: SQLiteStatement, columns: [String], to sink: any QueryResultSink) throws(StoreError) {
        if !columns.isEmpty { sink.begin(columns: columns) }
        if let output = sink as? QueryOutput, output.takesStatementRows, !columns.isEmpty {
            while try statement.step() { output.csvRow(statement.handle, columns: Int32(columns.count)) }
            sink.end()
            return
        }
        var values = [QueryValue](repeating: .null, count: columns.count)
        while try statement.step() {
            for index in 0..<columns.count {
                let column = Int32(index)
                switch statement.columnType(column) {
                case SQLITE_INTEGER: values[index] = .integer(statement.int64(column))
                case SQLITE_FLOAT: values[index] = .real(statement.double(column))
                case SQLITE_NULL: values[index] = .null
                default: values[index] = .text(statement.text(column))
                }
            }
            sink.row(values)
        }
        if !columns.isEmpty { sink.end() }
    }

    /// True when the statement at `offset` begins with a keyword that changes a database.
    static func startsWithWriteKeyword(_ utf8: [CChar], from offset: Int) -> Bool {
        var index = offset
        while index < utf8.count, utf8[index] == 32 || (utf8[index] >= 9 && utf8[index] <= 13) { index += 1 }
        var word = ""
        while index < utf8.count {
            let scalar = Unicode.Scalar(UInt8(bitPattern: utf8[index]))
            guard scalar.properties.isAlphabetic else { break }
            word.append(Character(scalar))
            index += 1
        }
        return ["INSERT", "UPDATE", "DELETE", "REPLACE", "DROP", "CREATE", "ALTER", "VACUUM", "REINDEX", "ATTACH", "DETACH"]
            .contains(word.uppercased())
    }

    /// Binds the named parameters of `statement` from `parameters`: a number as an integer, any
    /// other value as text.
    ///
    /// - Throws: ``StoreError`` for a positional parameter or a name missing from `parameters`.
    static func bind(_ parameters: [String: String], to statement: SQLiteStatement) throws(StoreError) {
        let count = sqlite3_bind_parameter_count(statement.handle)
        guard count > 0 else { return }
        for index in 1...count {
            guard let raw = sqlite3_bind_parameter_name(statement.handle, index) else {
                throw StoreError(.sql, "positional parameters (?) are not supported; use :name and --param name=value")
            }
            let name = String(String(cString: raw).dropFirst())
            guard let value = parameters[name] else {
                throw StoreError(.sql, "missing parameter '\(name)': give --param \(name)=VALUE")
            }
            if let number = Int64(value) { statement.bind(index, number) } else { statement.bind(index, value) }
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
