import FlowCore

/// Recursive-descent parser from tokens to a ``FilterExpression``.
///
/// Grammar, loosest binding first:
///
///     expression := and-expr (("or" | "||") and-expr)*
///     and-expr   := unary (("and" | "&&") unary)*
///     unary      := ("not" | "!") unary | primary
///     primary    := "(" expression ")" | "exists" SUBJECT | "request" | "response" | condition
///     condition  := SUBJECT ( ("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") VALUE
///                           | ["not"] "in" (VALUE | "(" VALUE ("," VALUE)* ")")
///                           | "has" (FLAG | "(" FLAG ("," FLAG)* ")")
///                           | "exists" )
///
/// Values are typed as they are read, using the subject to their left, so a bad value is reported
/// at its own column.
struct Parser {
    private let source: String
    private let tokens: [Token]
    private var index = 0
    private let knownSets: Set<String>?
    private var depth = 0
    private var conditions = 0

    /// Deeper nesting than this is surely generated or hostile; stop before the stack does.
    private static let maximumDepth = 200
    /// Chains of `or` build trees as deep as they are long, and compiling and printing recurse
    /// over them; lists (`in (...)`) are the way to test many values.
    static let maximumConditions = 1000

    static func parse(_ source: String, knownSets: Set<String>?) throws(ExpressionError) -> FilterExpression {
        var parser = Parser(source: source, tokens: try Lexer.tokenize(source), knownSets: knownSets)
        return try parser.parseAll()
    }

    private init(source: String, tokens: [Token], knownSets: Set<String>?) {
        self.source = source
        self.tokens = tokens
        self.knownSets = knownSets
    }

    private var peek: Token { tokens[index] }
    private var previous: Token? { index > 0 ? tokens[index - 1] : nil }

    private mutating func advance() -> Token {
        let token = tokens[index]
        if token.kind != .end { index += 1 }
        return token
    }

    private mutating func parseAll() throws(ExpressionError) -> FilterExpression {
        guard peek.kind != .end else { throw ExpressionError("empty expression", at: nil) }
        let expression = try parseOr()
        let next = peek
        switch next.kind {
        case .end:
            return expression
        case .rightParen:
            throw ExpressionError("unexpected ')'", at: next.offset, hint: "there is no '(' to close")
        case .comma:
            throw ExpressionError(
                "unexpected ','", at: next.offset, hint: "lists go in parentheses, such as (22, 3389)")
        default:
            let suggestion = next.kind == .word ? Suggestion.closest(to: next.text, in: ["and", "or"]) : nil
            throw ExpressionError(
                "unexpected \(next.quoted)", at: next.offset,
                hint: suggestion.map { "did you mean '\($0)'?" } ?? "expected 'and' or 'or' before another condition")
        }
    }

    private mutating func parseOr() throws(ExpressionError) -> FilterExpression {
        var left = try parseAnd()
        while peek.isKeyword("or") || peek.kind == .bars {
            _ = advance()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> FilterExpression {
        var left = try parseUnary()
        while peek.isKeyword("and") || peek.kind == .ampersands {
            _ = advance()
            left = .and(left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> FilterExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maximumDepth else {
            throw ExpressionError(
                "expression nests too deeply", at: peek.offset,
                hint: "more than \(Parser.maximumDepth) levels")
        }
        if peek.isKeyword("not") || peek.kind == .bang {
            _ = advance()
            return .not(try parseUnary())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(ExpressionError) -> FilterExpression {
        if peek.kind == .leftParen {
            let open = advance()
            let inner = try parseOr()
            guard peek.kind == .rightParen else {
                let column = SourcePlace(source: source, offset: open.offset).column
                throw ExpressionError(
                    "expected ')' but found \(peek.quoted)", at: peek.offset,
                    hint: "to close the '(' at column \(column)")
            }
            _ = advance()
            return inner
        }
        conditions += 1
        guard conditions <= Parser.maximumConditions else {
            throw ExpressionError(
                "more than \(Parser.maximumConditions) conditions", at: peek.offset,
                hint: "test many values with a list, such as 'dstport in (22, 23, 3389)'")
        }
        if peek.isKeyword("exists") {
            _ = advance()
            return .exists(try parseSubject(orSense: false))
        }
        // `request` and `response` stand alone. A field of the same name, should one appear,
        // keeps its meaning; `$request` is a set token and never gets here.
        if peek.kind == .word, Subject(name: peek.text) == nil,
            let sense = FlowSense(rawValue: peek.text.lowercased())
        {
            let word = advance()
            if Parser.startsOperator(peek) {
                throw ExpressionError(
                    "'\(sense)' is a condition by itself and takes no operator", at: peek.offset,
                    hint: "write '\(word.text)' or 'not \(word.text)', such as '\(sense) and service-port = 22'")
            }
            return .sense(sense)
        }
        let subject = try parseSubject(orSense: true)
        return try parseCondition(subject)
    }

    /// `orSense`: `request` and `response` would fit here too, so they are worth suggesting.
    private mutating func parseSubject(orSense: Bool) throws(ExpressionError) -> Subject {
        let token = peek
        guard token.kind == .word, !Keyword.isReserved(token.text) else {
            if token.kind == .end, let previous {
                throw ExpressionError("expected a field name after \(previous.quoted)", at: token.offset)
            }
            throw ExpressionError("expected a field name, found \(token.quoted)", at: token.offset)
        }
        guard let subject = Subject(name: token.text) else {
            if let first = token.text.utf8.first, first &- 48 < 10 {
                throw ExpressionError(
                    "expected a field name, found \(token.quoted)", at: token.offset,
                    hint: "put the field first, such as 'dstport = 22'")
            }
            let suggestion = Suggestion.closest(
                to: token.text, in: Subject.allNames + (orSense ? FlowSense.allCases.map(\.rawValue) : []))
            throw ExpressionError(
                "unknown field \(token.quoted)", at: token.offset,
                hint: suggestion.map { "did you mean '\($0)'?" })
        }
        _ = advance()
        return subject
    }

    private mutating func parseCondition(_ subject: Subject) throws(ExpressionError) -> FilterExpression {
        let kind = subject.valueKind
        let operatorToken = peek
        let op: ComparisonOperator
        switch operatorToken.kind {
        case .equal: op = .equal
        case .notEqual: op = .notEqual
        case .less: op = .less
        case .lessOrEqual: op = .lessOrEqual
        case .greater: op = .greater
        case .greaterOrEqual: op = .greaterOrEqual
        case .word where operatorToken.isKeyword("exists"):
            _ = advance()
            return .exists(subject)
        case .word where operatorToken.isKeyword("in"): op = .in
        case .word where operatorToken.isKeyword("has"): op = .has
        case .word where operatorToken.isKeyword("not"):
            _ = advance()
            guard peek.isKeyword("in") else {
                throw ExpressionError(
                    "expected 'in' after 'not'", at: peek.offset,
                    hint: "write '\(subject) not in (...)' or 'not \(subject) = ...'")
            }
            op = .notIn
        default:
            let what = operatorToken.kind == .end ? "" : ", found \(operatorToken.quoted)"
            throw ExpressionError(
                "expected an operator after '\(subject)'\(what)", at: operatorToken.offset,
                hint: Parser.operators(for: kind))
        }
        let opToken = advance()

        if op.isOrdering && !kind.isOrdered {
            throw ExpressionError(
                "operator '\(op)' does not apply to '\(subject)'", at: opToken.offset,
                hint: "use \(Parser.operators(for: kind))")
        }
        if op == .has && kind != .tcpFlags {
            throw ExpressionError(
                "operator 'has' applies only to 'tcp-flags'", at: opToken.offset,
                hint: "use \(Parser.operators(for: kind))")
        }

        if op.takesList {
            let values = try parseList(kind: kind, subject: subject, after: opToken)
            return .comparison(Comparison(subject, op, values))
        }

        if peek.kind == .leftParen {
            throw ExpressionError(
                "a list needs 'in'", at: peek.offset,
                hint: "write '\(subject) \(op == .notEqual ? "not in" : "in") (...)'")
        }
        let value = try parseValue(kind: kind, subject: subject, after: opToken, allowRange: false)
        // `addr = 10.0.0.0/8` and `addr = $db` read naturally; they mean membership.
        if value.isSet || (value.isNetwork && !value.isSingleHost) {
            return .comparison(Comparison(subject, op == .notEqual ? .notIn : .in, [value]))
        }
        return .comparison(Comparison(subject, op, [value]))
    }

    private mutating func parseList(kind: ValueKind, subject: Subject, after opToken: Token)
        throws(ExpressionError) -> [FilterValue]
    {
        guard peek.kind == .leftParen else {
            return [try parseValue(kind: kind, subject: subject, after: opToken, allowRange: true)]
        }
        let open = advance()
        guard peek.kind != .rightParen else { throw ExpressionError("empty list", at: open.offset) }
        var values: [FilterValue] = []
        while true {
            let separator = previous ?? open
            values.append(try parseValue(kind: kind, subject: subject, after: separator, allowRange: true))
            if peek.kind == .comma {
                _ = advance()
                continue
            }
            if peek.kind == .rightParen {
                _ = advance()
                return values
            }
            let column = SourcePlace(source: source, offset: open.offset).column
            throw ExpressionError(
                "expected ',' or ')' but found \(peek.quoted)", at: peek.offset,
                hint: "to close the list opened at column \(column)")
        }
    }

    private mutating func parseValue(kind: ValueKind, subject: Subject, after: Token, allowRange: Bool)
        throws(ExpressionError) -> FilterValue
    {
        let token = peek
        switch token.kind {
        case .word where !Keyword.isReserved(token.text), .string, .setName:
            break
        default:
            let what = token.kind == .end ? "" : ", found \(token.quoted)"
            throw ExpressionError(
                "expected a value after \(after.quoted)\(what)", at: token.offset,
                hint: kind.expectation)
        }
        if token.kind == .setName, let knownSets, !knownSets.contains(token.text) {
            throw ExpressionError.unknownSet(token.text, known: knownSets, at: token.offset)
        }
        _ = advance()
        let value = try kind.parse(token, subject: subject.name, allowRange: allowRange)
        // `1024 - 65535`, spaced, is the same range as `1024-65535`.
        if allowRange, kind.allowsRanges, case .number(let low) = value, peek.kind == .word, peek.text == "-" {
            _ = advance()
            let highToken = peek
            guard highToken.kind == .word,
                case .number(let high) = try kind.parse(
                    highToken, subject: subject.name, allowRange: false)
            else {
                throw ExpressionError(
                    "expected the end of the range after '-'", at: highToken.offset,
                    hint: kind.expectation)
            }
            _ = advance()
            guard low <= high else {
                throw ExpressionError("range runs backwards", at: token.offset, hint: "write \(high)-\(low)")
            }
            return .range(low...high)
        }
        return value
    }

    /// Whether the token begins a comparison's operator.
    private static func startsOperator(_ token: Token) -> Bool {
        switch token.kind {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
        case .word: token.isKeyword("in") || token.isKeyword("has") || token.isKeyword("exists")
        default: false
        }
    }

    private static func operators(for kind: ValueKind) -> String {
        switch kind {
        case .tcpFlags: "=, !=, <, <=, >, >=, in, not in, has"
        case _ where kind.isOrdered: "=, !=, <, <=, >, >=, in, not in"
        default: "=, !=, in, not in"
        }
    }
}

extension FilterValue {
    var isSet: Bool { if case .set = self { true } else { false } }
    var isNetwork: Bool { if case .network = self { true } else { false } }
    var isSingleHost: Bool {
        if case .network(let cidr) = self { cidr.bits == 128 } else { false }
    }
}
