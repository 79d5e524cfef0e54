import CSQLite

/// One SQLite connection: opening with the right flags, running statements, and turning SQLite
/// result codes into ``StoreError``s that say what to do.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String

    init(path: String, readOnly: Bool, create: Bool) throws(StoreError) {
        var db: OpaquePointer?
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        flags |= SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError(
                .cannotOpen, "cannot open the store", location: path,
                cause: readOnly && !create ? "\(message); does the file exist?" : message)
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Maps a failing result code to an error with advice.
    func error(_ rc: Int32, sql: String? = nil) -> StoreError {
        let message = lastMessage
        switch rc & 0xFF {
        case SQLITE_NOTADB:
            return StoreError(
                .notAStore, "not a SQLite database (a corrupt file, or another kind of file)", location: path,
                cause: message)
        case SQLITE_CORRUPT:
            return StoreError(.corrupt, "the database file is corrupt", location: path, cause: message)
        case SQLITE_BUSY, SQLITE_LOCKED:
            return StoreError(
                .locked, "the store is locked by another process (an ingest in progress?); try again when it ends",
                location: path, cause: message)
        case SQLITE_FULL:
            return StoreError(.diskFull, "the disk is full; nothing of the current source was kept", location: path)
        case SQLITE_IOERR, SQLITE_CANTOPEN:
            return StoreError(.io, "cannot read or write the store", location: path, cause: message)
        case SQLITE_READONLY:
            return StoreError(.writeRefused, "the store is open read-only", location: path, cause: message)
        default:
            let offset = sqlite3_error_offset(handle)
            return StoreError(.sql, message, offset: offset >= 0 ? Int(offset) : nil)
        }
    }

    /// Runs statements that return no rows.
    func execute(_ sql: String) throws(StoreError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, sql: sql) }
    }

    func prepare(_ sql: String, persistent: Bool = false) throws(StoreError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let rc = sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            if rc == SQLITE_OK { throw StoreError(.sql, "empty statement") }
            throw error(rc, sql: sql)
        }
        return SQLiteStatement(statement, connection: self)
    }

    /// The first column of the first row, as an integer (nil when there is no row or it is NULL).
    func scalar(_ sql: String) throws(StoreError) -> Int64? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    var changes: Int { Int(sqlite3_changes64(handle)) }
}

/// A prepared statement; bindings are 1-based, columns 0-based, as in SQLite.
final class SQLiteStatement {
    let handle: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Advances; true when a row is available.
    @discardableResult
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw connection.error(rc)
    }

    func reset() { sqlite3_reset(handle) }
    func clearBindings() { sqlite3_clear_bindings(handle) }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bindNull(_ index: Int32) { sqlite3_bind_null(handle, index) }
    func bind(_ index: Int32, _ value: String) {
        sqlite3_bind_text(handle, index, value, -1, SQLiteStatement.transient)
    }
    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { bindNull(index) }
    }

    var columnCount: Int32 { sqlite3_column_count(handle) }
    func columnName(_ index: Int32) -> String { String(cString: sqlite3_column_name(handle, index)) }
    func columnType(_ index: Int32) -> Int32 { sqlite3_column_type(handle, index) }
    func isNull(_ index: Int32) -> Bool { columnType(index) == SQLITE_NULL }
    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }
    func text(_ index: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
    var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// SQLite's "copy the value now" destructor.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
