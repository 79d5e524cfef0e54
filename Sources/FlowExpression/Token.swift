/// One lexical unit of a filter expression, with its place in the source for error messages.
struct Token: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A bare word: a field name, keyword, number, address, CIDR, range or unquoted text.
        case word
        /// A quoted string; `text` holds it without quotes and with escapes resolved.
        case string
        /// `$name`; `text` holds the name without the `$`.
        case setName
        case leftParen, rightParen, comma
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        /// `&&`, `||`, `!`: the symbolic spellings of `and`, `or`, `not`.
        case ampersands, bars, bang
        case end
    }

    var kind: Kind
    var text: String
    /// Byte offset of the token's first byte in the UTF-8 source.
    var offset: Int
    /// Length of the token in the source, quotes and `$` included.
    var length: Int

    /// Whether this is the bare word `keyword`, in any case. Quoted words are never keywords, so
    /// `'and'` can still be a value.
    func isKeyword(_ keyword: String) -> Bool {
        kind == .word && text.count == keyword.count && text.lowercased() == keyword
    }

    /// How the token reads in an error message.
    var quoted: String {
        switch kind {
        case .end: "the end of the expression"
        case .string: "'\(text)'"
        case .setName: "'$\(text)'"
        default: "'\(text)'"
        }
    }
}
