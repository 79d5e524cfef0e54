/// The UNION ALL subqueries of the statements of one SQL text whose arms may run in parallel
/// (``UnionAllSubquery``), tokenized once for all of its statements.
///
/// None are found in a text that names what a parallel run changes or shows on the main
/// connection, in any of its statements: the counts of rows written (`changes()`,
/// `total_changes()`, `last_insert_rowid()`: the run inserts the arms' rows into temporary
/// tables), SQLite's own tables and functions (`sqlite_temp_schema`, `sqlite_stmt`, ...), the
/// pragma functions and `dbstat` (which list temporary tables), and the names of those tables.
struct ParallelUnionSearch {
    /// The text's UTF-8 bytes, in which ranges are counted.
    let bytes: [UInt8]
    /// Nil when no statement of the text may run arms in parallel.
    private let tokens: [SQLTokenizer.Token]?

    /// The prefix of the temporary tables that stand in for subqueries.
    static let tablePrefix = "flowlens_union_"

    init(_ sql: String) {
        bytes = Array(sql.utf8)
        guard Self.mentionsUnion(bytes), let tokens = SQLTokenizer.tokens(of: bytes) else {
            tokens = nil
            return
        }
        let bytes = bytes
        let readsConnectionState = tokens.contains { token in
            guard let name = token.identifier(in: bytes) else { return false }
            return ["changes", "total_changes", "last_insert_rowid", "dbstat"].contains(name)
                || name.hasPrefix("sqlite_") || name.hasPrefix("pragma_") || name.hasPrefix(Self.tablePrefix)
        }
        self.tokens = readsConnectionState ? nil : tokens
    }

    /// The subqueries of the statement whose bytes are `statement` (as SQLite split the text).
    func subqueries(inStatementAt statement: Range<Int>) -> [UnionAllSubquery] {
        guard let tokens else { return [] }
        var first = 0
        var end = tokens.count
        while first < end {
            let middle = (first + end) / 2
            if tokens[middle].range.lowerBound < statement.lowerBound { first = middle + 1 } else { end = middle }
        }
        var last = first
        while last < tokens.count && tokens[last].range.lowerBound < statement.upperBound { last += 1 }
        // A token that runs past the statement's end: this tokenizer and SQLite's disagree.
        guard first < last, tokens[last - 1].range.upperBound <= statement.upperBound else { return [] }
        return UnionAllSubquery.find(in: tokens[first..<last], of: bytes)
    }

    /// True when `bytes` hold "union" in any case: most SQL does not, and is not tokenized.
    private static func mentionsUnion(_ bytes: [UInt8]) -> Bool {
        let word = Array("union".utf8)
        guard bytes.count >= word.count else { return false }
        for start in 0...(bytes.count - word.count) {
            var index = 0
            while index < word.count && bytes[start + index] | 0x20 == word[index] { index += 1 }
            if index == word.count { return true }
        }
        return false
    }
}
