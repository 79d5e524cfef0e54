/// Splits SQL text into tokens the way SQLite's tokenizer does, closely enough to see the structure
/// of a statement: where its parentheses, clauses and compound operators are.
///
/// Spaces and comments (`--` to the end of the line, `/* */`, unterminated at the end of the text
/// as SQLite allows) separate tokens and are dropped. Strings (`'…'` with `''`), quoted identifiers
/// (`"…"` with `""`, `` `…` `` with ``` `` ```, `[…]`) and blobs (`x'…'`) are single tokens, so a
/// keyword inside one is not a keyword. Words are matched against ``Keyword`` without regard to
/// case. Only what structure needs is told apart: operators are single-byte symbols.
struct SQLTokenizer {
    enum Kind: Equatable {
        /// A bare identifier or keyword.
        case word
        case quotedIdentifier
        case string
        case blob
        case number
        /// `:name`, `@name`, `?NNN`.
        case parameter
        case openParenthesis
        case closeParenthesis
        case comma
        case semicolon
        /// Any other byte: operators, `.`.
        case symbol
    }

    /// The keywords that shape a SELECT statement.
    enum Keyword: String, CaseIterable {
        case select = "SELECT", from = "FROM", join = "JOIN", on = "ON", whereClause = "WHERE", group = "GROUP"
        case having = "HAVING", window = "WINDOW", order = "ORDER", limit = "LIMIT", union = "UNION", all = "ALL"
        case intersect = "INTERSECT", except = "EXCEPT", values = "VALUES", with = "WITH", collate = "COLLATE"
    }

    struct Token: Equatable {
        var kind: Kind
        /// Bytes of the token in the text, quotes included.
        var range: Range<Int>
        /// For a word, the keyword it is.
        var keyword: Keyword?
    }

    /// The tokens of `sql`; nil when a string, quoted identifier or blob is left open, or a
    /// parameter takes SQLite's `$name(…)` form (the text is then not one this type understands).
    static func tokens(of sql: [UInt8]) -> [Token]? {
        var tokens: [Token] = []
        var index = 0
        let count = sql.count
        while index < count {
            let byte = sql[index]
            let start = index
            switch byte {
            case 0x09...0x0D, 0x20:
                index += 1
                continue
            case UInt8(ascii: "-") where index + 1 < count && sql[index + 1] == UInt8(ascii: "-"):
                while index < count && sql[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            case UInt8(ascii: "/") where index + 1 < count && sql[index + 1] == UInt8(ascii: "*"):
                index += 2
                while index < count && !(sql[index] == UInt8(ascii: "*") && index + 1 < count && sql[index + 1] == UInt8(ascii: "/")) {
                    index += 1
                }
                index = min(count, index + 2)
                continue
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: ";"):
                tokens.append(Token(kind: punctuation[byte]!, range: start..<start + 1))
                index += 1
            case UInt8(ascii: "'"):
                guard let end = quoted(sql, from: start, closing: byte, doubled: true) else { return nil }
                tokens.append(Token(kind: .string, range: start..<end))
                index = end
            case UInt8(ascii: "\""), UInt8(ascii: "`"):
                guard let end = quoted(sql, from: start, closing: byte, doubled: true) else { return nil }
                tokens.append(Token(kind: .quotedIdentifier, range: start..<end))
                index = end
            case UInt8(ascii: "["):
                guard let end = quoted(sql, from: start, closing: UInt8(ascii: "]"), doubled: false) else { return nil }
                tokens.append(Token(kind: .quotedIdentifier, range: start..<end))
                index = end
            case UInt8(ascii: "x") where index + 1 < count && sql[index + 1] == UInt8(ascii: "'"),
                UInt8(ascii: "X") where index + 1 < count && sql[index + 1] == UInt8(ascii: "'"):
                guard let end = quoted(sql, from: start + 1, closing: UInt8(ascii: "'"), doubled: false) else { return nil }
                tokens.append(Token(kind: .blob, range: start..<end))
                index = end
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                index = numberEnd(sql, from: start)
                tokens.append(Token(kind: .number, range: start..<index))
            case UInt8(ascii: ".") where index + 1 < count && isDigit(sql[index + 1]):
                index = numberEnd(sql, from: start)
                tokens.append(Token(kind: .number, range: start..<index))
            case UInt8(ascii: "?"):
                index += 1
                while index < count && isDigit(sql[index]) { index += 1 }
                tokens.append(Token(kind: .parameter, range: start..<index))
            case UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "#"):
                index += 1
                while index < count && isIdentifierByte(sql[index]) { index += 1 }
                // SQLite reads `$a::b(c)` as one (Tcl) parameter.
                if byte == UInt8(ascii: "$"), index < count, sql[index] == UInt8(ascii: ":") || sql[index] == UInt8(ascii: "(") {
                    return nil
                }
                tokens.append(Token(kind: index - start > 1 ? .parameter : .symbol, range: start..<index))
            default:
                guard isIdentifierByte(byte) else {
                    tokens.append(Token(kind: .symbol, range: start..<start + 1))
                    index += 1
                    continue
                }
                while index < count && isIdentifierByte(sql[index]) { index += 1 }
                tokens.append(Token(kind: .word, range: start..<index, keyword: keyword(sql[start..<index])))
            }
        }
        return tokens
    }

    /// The end of a token opened by the byte at `start` and closed by `closing` (which, when
    /// `doubled`, stands for itself when written twice); nil when it is not closed.
    private static func quoted(_ sql: [UInt8], from start: Int, closing: UInt8, doubled: Bool) -> Int? {
        var index = start + 1
        while index < sql.count {
            if sql[index] == closing {
                guard doubled, index + 1 < sql.count, sql[index + 1] == closing else { return index + 1 }
                index += 2
                continue
            }
            index += 1
        }
        return nil
    }

    /// The end of a number: digits, a point, an exponent with its sign, hexadecimal digits.
    private static func numberEnd(_ sql: [UInt8], from start: Int) -> Int {
        var index = start
        while index < sql.count {
            let byte = sql[index]
            if isIdentifierByte(byte) || byte == UInt8(ascii: ".") {
                index += 1
            } else if (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) && index > start
                && (sql[index - 1] | 0x20) == UInt8(ascii: "e") && !isHex(sql[start..<index])
            {
                index += 1
            } else {
                break
            }
        }
        return index
    }

    private static func isHex(_ number: ArraySlice<UInt8>) -> Bool {
        number.count > 1 && number[number.startIndex] == UInt8(ascii: "0")
            && (number[number.startIndex + 1] | 0x20) == UInt8(ascii: "x")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// SQLite's identifier bytes: letters, digits, `_`, `$`, and every byte of a multi-byte character.
    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "$"), 0x80...0xFF:
            true
        default: false
        }
    }

    private static let punctuation: [UInt8: Kind] = [
        UInt8(ascii: "("): .openParenthesis, UInt8(ascii: ")"): .closeParenthesis, UInt8(ascii: ","): .comma,
        UInt8(ascii: ";"): .semicolon,
    ]

    private static let keywords: [String: Keyword] = Dictionary(uniqueKeysWithValues: Keyword.allCases.map { ($0.rawValue, $0) })

    private static func keyword(_ word: ArraySlice<UInt8>) -> Keyword? {
        guard word.count <= 9 else { return nil }
        return keywords[String(decoding: word.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)]
    }
}

extension SQLTokenizer.Token {
    /// The identifier a word or quoted identifier names, in lower case (quotes removed); nil for
    /// other tokens.
    func identifier(in sql: [UInt8]) -> String? {
        let bytes: ArraySlice<UInt8>
        switch kind {
        case .word: bytes = sql[range]
        case .quotedIdentifier: bytes = sql[(range.lowerBound + 1)..<(range.upperBound - 1)]
        default: return nil
        }
        return String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}
