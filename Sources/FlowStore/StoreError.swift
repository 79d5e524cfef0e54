/// An error from the store: the file cannot be opened or is not a FlowLens store, it is locked,
/// the disk is full, or a statement failed.
///
/// `code` can grow without breaking callers; `location` names the database file, and for SQL
/// errors `offset` is the byte position in the statement where SQLite stopped.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let cannotOpen = Code("cannot open")
        public static let notAStore = Code("not a FlowLens store")
        public static let corrupt = Code("corrupt")
        public static let locked = Code("locked")
        public static let diskFull = Code("disk full")
        public static let writeRefused = Code("write refused")
        public static let sql = Code("SQL error")
        public static let io = Code("I/O error")
    }

    public var code: Code
    public var message: String
    /// The database file, or the statement's name.
    public var location: String?
    public var cause: String?
    /// Byte offset in the SQL text where the error was found, when SQLite knows it.
    public var offset: Int?

    public init(_ code: Code, _ message: String, location: String? = nil, cause: String? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.cause = cause
        self.offset = offset
    }

    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += message
        if let cause { text += " (\(cause))" }
        return text
    }

    /// The statement with a caret under the error position, for SQL errors that have one.
    public func pointing(into sql: String) -> String? {
        guard let offset else { return nil }
        let bytes = Array(sql.utf8)
        guard offset >= 0, offset <= bytes.count else { return nil }
        var lineStart = 0
        var index = 0
        while index < offset {
            if bytes[index] == UInt8(ascii: "\n") { lineStart = index + 1 }
            index += 1
        }
        var lineEnd = offset
        while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count
        let lineNumber = bytes[0..<lineStart].filter { $0 == UInt8(ascii: "\n") }.count + 1
        return "  line \(lineNumber), column \(column + 1):\n  \(line)\n  \(String(repeating: " ", count: column))^"
    }
}
