@testable import FlowStore
import Testing

@Suite struct SQLTokenizerTests {
    /// Each token of `sql` as its kind and text.
    static func tokens(_ sql: String) -> [String]? {
        let bytes = Array(sql.utf8)
        return SQLTokenizer.tokens(of: bytes)?.map { "\($0.kind) " + String(decoding: bytes[$0.range], as: UTF8.self) }
    }

    @Test func quotedTokensKeepTheirEscapes() {
        #expect(
            Self.tokens(#"'it''s' "a""b" [x y] `q``x` x'0A' X'' ''"#) == [
                "string 'it''s'", #"quotedIdentifier "a""b""#, "quotedIdentifier [x y]", "quotedIdentifier `q``x`",
                "blob x'0A'", "blob X''", "string ''",
            ])
    }

    @Test func commentsAndSpacesAreDropped() {
        #expect(
            Self.tokens("SELECT -- UNION ALL (\n 1 /* ) UNION ALL */ , 2;\t/* open to the end") == [
                "word SELECT", "number 1", "comma ,", "number 2", "semicolon ;",
            ])
        #expect(Self.tokens("a-b - -c") == ["word a", "symbol -", "word b", "symbol -", "symbol -", "word c"])
    }

    @Test func numbersParametersAndSymbols() {
        #expect(
            Self.tokens("1.5e-3 .5 0x1F-2 12 :ip @v ?2 ? $x a.b <= x$1") == [
                "number 1.5e-3", "number .5", "number 0x1F", "symbol -", "number 2", "number 12", "parameter :ip",
                "parameter @v", "parameter ?2", "parameter ?", "parameter $x", "word a", "symbol .", "word b", "symbol <",
                "symbol =", "word x$1",
            ])
    }

    @Test func keywordsAreFoundInAnyCase() {
        let bytes = Array("sElEcT x FROM (t) Union aLL select 'UNION' \"union\" unions".utf8)
        let keywords = SQLTokenizer.tokens(of: bytes)!.map(\.keyword)
        #expect(keywords == [.select, nil, .from, nil, nil, nil, .union, .all, .select, nil, nil, nil])
    }

    @Test func parenthesesAreTokensOfTheirOwn() {
        #expect(Self.tokens("f((a),b)") == [
            "word f", "openParenthesis (", "openParenthesis (", "word a", "closeParenthesis )", "comma ,", "word b",
            "closeParenthesis )",
        ])
    }

    @Test(arguments: ["SELECT 'open", "SELECT \"open", "SELECT [open", "SELECT `open", "SELECT x'00", "SELECT $a::b"])
    func unfinishedTokensAreNotUnderstood(_ sql: String) {
        #expect(Self.tokens(sql) == nil)
    }

    @Test func identifiersAreLowerCasedWithoutQuotes() {
        let bytes = Array(#"RowID "OiD" [_rowid_] `Sqlite_Temp_Schema` 'rowid'"#.utf8)
        #expect(SQLTokenizer.tokens(of: bytes)!.map { $0.identifier(in: bytes) } == [
            "rowid", "oid", "_rowid_", "sqlite_temp_schema", nil,
        ])
    }

    @Test func multiByteCharactersBelongToIdentifiers() {
        #expect(Self.tokens("SELECT café, 'é' FROM t") == [
            "word SELECT", "word café", "comma ,", "string 'é'", "word FROM", "word t",
        ])
    }
}
