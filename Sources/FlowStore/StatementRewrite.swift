/// A statement's text with byte ranges of it replaced, and the way back from a position in the new
/// text to one in the statement, so that an error SQLite reports in the new text points at the
/// user's SQL.
struct StatementRewrite {
    /// The new text.
    let text: String
    /// Each replacement: where it starts in the new text, how long it is there, and what it
    /// replaced (bytes counted from the statement's first).
    private let pieces: [(start: Int, count: Int, replaced: Range<Int>)]

    /// Replaces `replacements` (byte ranges of `sql` inside `statement`, in order, apart) in the
    /// bytes of `statement`. Each replacement is set between spaces, so that it stays a token of
    /// its own (`FROM(…)x` becomes `FROM t x`).
    init(_ sql: [UInt8], _ statement: Range<Int>, replacing replacements: [(range: Range<Int>, with: String)]) {
        var bytes: [UInt8] = []
        var pieces: [(start: Int, count: Int, replaced: Range<Int>)] = []
        var copied = statement.lowerBound
        for replacement in replacements {
            bytes += sql[copied..<replacement.range.lowerBound]
            let piece = Array((" " + replacement.with + " ").utf8)
            let replaced = (replacement.range.lowerBound - statement.lowerBound)..<(replacement.range.upperBound - statement.lowerBound)
            pieces.append((bytes.count, piece.count, replaced))
            bytes += piece
            copied = replacement.range.upperBound
        }
        bytes += sql[copied..<statement.upperBound]
        text = String(decoding: bytes, as: UTF8.self)
        self.pieces = pieces
    }

    /// The position in the statement of byte `offset` of ``text``; inside a replacement, the
    /// start of what it replaced.
    func originalOffset(_ offset: Int) -> Int {
        var shift = 0
        for piece in pieces {
            if offset < piece.start { break }
            if offset < piece.start + piece.count { return piece.replaced.lowerBound }
            shift += piece.replaced.count - piece.count
        }
        return offset + shift
    }
}
