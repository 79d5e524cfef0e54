/// Splits a filter expression into tokens.
///
/// Works over the UTF-8 bytes. A bare word runs until whitespace or one of `( ) , = ! < > ' " & | $`,
/// so addresses (`2001:db8::/32`), ranges (`1024-65535`), hyphenated field names (`log-status`)
/// and times (`2026-11-02T03:20:00Z`) each arrive as one word and the parser decides what it is.
struct Lexer {
    private let bytes: [UInt8]
    private var position = 0

    init(_ source: String) { bytes = Array(source.utf8) }

    /// Every token of the source, ending with one `.end` token.
    static func tokenize(_ source: String) throws(ExpressionError) -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    mutating func next() throws(ExpressionError) -> Token {
        while position < bytes.count, Lexer.isSpace(bytes[position]) { position += 1 }
        let start = position
        guard position < bytes.count else { return Token(kind: .end, text: "", offset: start, length: 0) }
        let byte = bytes[position]
        let following: UInt8? = position + 1 < bytes.count ? bytes[position + 1] : nil

        func symbol(_ kind: Token.Kind, _ length: Int) -> Token {
            position += length
            return Token(
                kind: kind, text: String(decoding: bytes[start..<start + length], as: UTF8.self),
                offset: start, length: length)
        }

        switch byte {
        case UInt8(ascii: "("): return symbol(.leftParen, 1)
        case UInt8(ascii: ")"): return symbol(.rightParen, 1)
        case UInt8(ascii: ","): return symbol(.comma, 1)
        case UInt8(ascii: "="): return following == UInt8(ascii: "=") ? symbol(.equal, 2) : symbol(.equal, 1)
        case UInt8(ascii: "!"): return following == UInt8(ascii: "=") ? symbol(.notEqual, 2) : symbol(.bang, 1)
        case UInt8(ascii: "<"):
            if following == UInt8(ascii: "=") { return symbol(.lessOrEqual, 2) }
            // `<>` is SQL's not-equal; people paste Athena predicates.
            if following == UInt8(ascii: ">") { return symbol(.notEqual, 2) }
            return symbol(.less, 1)
        case UInt8(ascii: ">"): return following == UInt8(ascii: "=") ? symbol(.greaterOrEqual, 2) : symbol(.greater, 1)
        case UInt8(ascii: "&"):
            guard following == UInt8(ascii: "&") else {
                throw ExpressionError("unexpected character '&'", at: start, hint: "did you mean '&&' or 'and'?")
            }
            return symbol(.ampersands, 2)
        case UInt8(ascii: "|"):
            guard following == UInt8(ascii: "|") else {
                throw ExpressionError("unexpected character '|'", at: start, hint: "did you mean '||' or 'or'?")
            }
            return symbol(.bars, 2)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return try quotedString(quote: byte)
        case UInt8(ascii: "$"):
            position += 1
            let nameStart = position
            while position < bytes.count, Lexer.isWordByte(bytes[position]) { position += 1 }
            guard position > nameStart else {
                throw ExpressionError("expected a set name after '$'", at: start, hint: "such as $internal")
            }
            return Token(
                kind: .setName, text: String(decoding: bytes[nameStart..<position], as: UTF8.self),
                offset: start, length: position - start)
        default:
            while position < bytes.count, Lexer.isWordByte(bytes[position]) { position += 1 }
            return Token(
                kind: .word, text: String(decoding: bytes[start..<position], as: UTF8.self),
                offset: start, length: position - start)
        }
    }

    private mutating func quotedString(quote: UInt8) throws(ExpressionError) -> Token {
        let start = position
        position += 1
        var content: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == quote {
                position += 1
                return Token(
                    kind: .string, text: String(decoding: content, as: UTF8.self), offset: start,
                    length: position - start)
            }
            // A backslash escapes the quote or itself; elsewhere it is literal, so Windows-style
            // text and regex-looking values survive unchanged.
            if byte == UInt8(ascii: "\\"), position + 1 < bytes.count,
                bytes[position + 1] == quote || bytes[position + 1] == UInt8(ascii: "\\")
            {
                content.append(bytes[position + 1])
                position += 2
                continue
            }
            content.append(byte)
            position += 1
        }
        throw ExpressionError(
            "unterminated string", at: start, hint: "add the closing \(Character(Unicode.Scalar(quote)))")
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
            UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "!"),
            UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "&"),
            UInt8(ascii: "|"), UInt8(ascii: "$"):
            false
        default: true
        }
    }
}
