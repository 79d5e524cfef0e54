import CSQLite

/// One INSERT (or upsert) run for many rows, `rowsPerStep` rows bound to each statement step.
///
/// A statement step opens the table's cursors and searches the tree from its root; with many
/// rows a step, rows in key order after the last one take SQLite's append path, and the cost of
/// a step is shared. Upserting the rollups of the 10 M record benchmark one row a step took 1.5-3 µs a row
/// (7.9 s in all), 64 rows a step 1.4 µs (3.2 s, in one group).
struct MultiRowInsert {
    private let many: SQLiteStatement
    private let one: SQLiteStatement
    private let columns: Int32
    let rowsPerStep: Int

    /// - Parameters:
    ///   - insert: The statement up to `VALUES`, e.g. `INSERT INTO t (a, b)`.
    ///   - columns: Parameters per row.
    ///   - suffix: What follows the rows, e.g. an `ON CONFLICT` clause.
    init(
        _ connection: SQLiteConnection, insert: String, columns: Int, suffix: String = "", rowsPerStep: Int = 64
    ) throws(StoreError) {
        let row = "(?" + String(repeating: ", ?", count: columns - 1) + ")"
        many = try connection.prepare(
            insert + " VALUES " + Array(repeating: row, count: rowsPerStep).joined(separator: ", ") + " " + suffix)
        one = try connection.prepare(insert + " VALUES " + row + " " + suffix)
        self.columns = Int32(columns)
        self.rowsPerStep = rowsPerStep
    }

    /// Inserts `rows`, binding each through `bind(row, statement, first parameter)`.
    func run<Rows: RandomAccessCollection>(
        _ rows: Rows, bind: (Rows.Element, OpaquePointer, Int32) -> Void
    ) throws(StoreError) where Rows.Index == Int {
        var index = rows.startIndex
        while index < rows.endIndex {
            let full = rows.endIndex - index >= rowsPerStep
            let statement = full ? many : one
            let count = full ? rowsPerStep : 1
            for offset in 0..<count { bind(rows[index + offset], statement.handle, Int32(offset) * columns + 1) }
            let rc = sqlite3_step(statement.handle)
            sqlite3_reset(statement.handle)
            if rc != SQLITE_DONE { throw statement.connection.error(rc) }
            index += count
        }
    }
}

extension MultiRowInsert {
    /// Binds text that SQLite copies (the Swift string lives only for the call).
    static func bind(_ text: String, to statement: OpaquePointer, at index: Int32) {
        sqlite3_bind_text(statement, index, text, -1, SQLiteStatement.transient)
    }
}
