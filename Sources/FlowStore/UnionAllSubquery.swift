/// A parenthesised subquery in a FROM clause that is a compound of two or more SELECT arms joined
/// only by `UNION ALL`: its arms can run apart, and their rows, one arm's after the other's, are
/// what SQLite's compound yields.
///
/// ``find(in:of:)`` returns only subqueries whose arms SQLite would run to the end anyway: the
/// SELECT around the subquery (and each SELECT around that one) has no WHERE, HAVING or ON that
/// SQLite could push into the arms to read less, and no LIMIT that could stop before the arms end
/// (a LIMIT after an ORDER BY, or after a GROUP BY of a single SELECT, waits for every row).
struct UnionAllSubquery: Equatable {
    /// Bytes of the subquery in the SQL text, its parentheses included.
    var range: Range<Int>
    /// Bytes of each arm, first to last.
    var arms: [Range<Int>]

    typealias Token = SQLTokenizer.Token

    /// The subqueries of one SELECT statement (its tokens, a trailing `;` allowed), outermost
    /// first; empty for any other statement or when a part of it is not clearly understood.
    ///
    /// Looked for in the FROM clause of the statement and, through it, of nested FROM-clause
    /// subqueries (which SQLite runs once, never for each row of an outer query). Nothing is
    /// returned for a statement with a WITH clause (an arm could name one of its tables), nor
    /// when the text outside the arms names a rowid (a subquery's rowid is NULL, a table's is not),
    /// and a subquery whose arms say COLLATE is skipped (its columns would carry the collation).
    static func find(in tokens: ArraySlice<Token>, of sql: [UInt8]) -> [UnionAllSubquery] {
        var tokens = tokens
        if tokens.last?.kind == .semicolon { tokens.removeLast() }
        guard tokens.first?.keyword == .select,
            !tokens.contains(where: { $0.kind == .semicolon || $0.keyword == .with }),
            let partners = matchingParentheses(tokens)
        else { return [] }
        var search = Search(tokens: tokens, partners: partners)
        search.level(tokens.startIndex..<tokens.endIndex, runsToTheEnd: true)
        let found = search.found
        let outside = tokens.filter { token in !found.contains { $0.range.contains(token.range.lowerBound) } }
        if outside.contains(where: { ["rowid", "oid", "_rowid_"].contains($0.identifier(in: sql)) }) { return [] }
        return found.filter { subquery in
            !tokens.contains { $0.keyword == .collate && subquery.range.contains($0.range.lowerBound) }
        }
    }

    /// For each parenthesis, the index of its partner; nil when they do not pair up.
    private static func matchingParentheses(_ tokens: ArraySlice<Token>) -> [Int: Int]? {
        var open: [Int] = []
        var partners: [Int: Int] = [:]
        for index in tokens.indices {
            switch tokens[index].kind {
            case .openParenthesis: open.append(index)
            case .closeParenthesis:
                guard let start = open.popLast() else { return nil }
                partners[start] = index
                partners[index] = start
            default: break
            }
        }
        return open.isEmpty ? partners : nil
    }

    /// A walk over one statement's tokens, level by level (a level is a SELECT, simple or
    /// compound, between a pair of parentheses or at the top).
    private struct Search {
        let tokens: ArraySlice<Token>
        let partners: [Int: Int]
        var found: [UnionAllSubquery] = []

        /// The indices of the tokens at the level of `range`, each parenthesised group counted
        /// as its opening parenthesis.
        func levelIndices(_ range: Range<Int>) -> [Int] {
            var indices: [Int] = []
            var index = range.lowerBound
            while index < range.upperBound {
                indices.append(index)
                index = tokens[index].kind == .openParenthesis ? partners[index]! + 1 : index + 1
            }
            return indices
        }

        /// Looks for subqueries in the FROM clauses of the level in `range`; `runsToTheEnd` says
        /// whether every level around it reads all of its rows.
        mutating func level(_ range: Range<Int>, runsToTheEnd: Bool) {
            guard tokens[range.lowerBound].keyword == .select else { return }
            let indices = levelIndices(range)
            let keywords = Set(indices.compactMap { tokens[$0].keyword })
            let isCompound = !keywords.isDisjoint(with: [.union, .intersect, .except])
            let readsAllRows =
                runsToTheEnd && keywords.isDisjoint(with: [.whereClause, .having, .on])
                && (!keywords.contains(.limit) || keywords.contains(.order) || (keywords.contains(.group) && !isCompound))
            var inFrom = false
            for (position, index) in indices.enumerated() {
                let token = tokens[index]
                switch token.kind {
                case .openParenthesis:
                    let close = partners[index]!
                    guard inFrom, position > 0, close > index + 1 else { continue }
                    let previous = tokens[indices[position - 1]]
                    guard previous.kind == .comma || previous.keyword == .from || previous.keyword == .join else { continue }
                    if let subquery = compound(index + 1..<close) {
                        if readsAllRows { found.append(subquery) }
                    } else {
                        level(index + 1..<close, runsToTheEnd: readsAllRows)
                    }
                case .word:
                    switch token.keyword {
                    case .from: inFrom = true
                    case .whereClause, .group, .having, .window, .order, .limit, .union, .intersect, .except, .select, .values:
                        inFrom = false
                    default: break
                    }
                default: break
                }
            }
        }

        /// The subquery whose content is `range`, when it is SELECT arms joined by UNION ALL and
        /// nothing else (no ORDER BY or LIMIT of the compound, no other compound operator).
        func compound(_ range: Range<Int>) -> UnionAllSubquery? {
            guard tokens[range.lowerBound].keyword == .select else { return nil }
            var arms: [Range<Int>] = []
            var armStart = range.lowerBound
            let indices = levelIndices(range)
            var position = 0
            while position < indices.count {
                let index = indices[position]
                switch tokens[index].keyword {
                case .union:
                    guard position + 2 < indices.count, tokens[indices[position + 1]].keyword == .all,
                        tokens[indices[position + 2]].keyword == .select, index > armStart
                    else { return nil }
                    arms.append(bytes(armStart..<index))
                    armStart = indices[position + 2]
                    position += 2
                case .intersect, .except, .order, .limit, .values, .with: return nil
                default: break
                }
                position += 1
            }
            guard !arms.isEmpty else { return nil }
            arms.append(bytes(armStart..<range.upperBound))
            return UnionAllSubquery(
                range: tokens[range.lowerBound - 1].range.lowerBound..<tokens[range.upperBound].range.upperBound, arms: arms)
        }

        /// The bytes from the first token of `tokenRange` to the end of its last.
        func bytes(_ tokenRange: Range<Int>) -> Range<Int> {
            tokens[tokenRange.lowerBound].range.lowerBound..<tokens[tokenRange.upperBound - 1].range.upperBound
        }
    }
}
