import FlowCore

/// A problem found at one place in an expression, before it is given the source text to quote.
///
/// The lexer and parser throw this; ``FlowFilter`` and ``FilterExpression`` turn it into a
/// ``FlowLensError`` with code `.badExpression` whose message reads
/// `"<problem> at column <n> (<hint>)"` followed by the offending line and a caret under the spot.
struct ExpressionError: Error, Sendable {
    var problem: String
    /// Byte offset in the UTF-8 source; `nil` when the error has no place (such as during compile
    /// of an expression built in code).
    var offset: Int?
    var hint: String?

    init(_ problem: String, at offset: Int?, hint: String? = nil) {
        self.problem = problem
        self.offset = offset
        self.hint = hint
    }

    /// `$name` is not among the sets the caller defined.
    static func unknownSet(_ name: String, known: some Collection<String>, at offset: Int?) -> ExpressionError {
        guard !known.isEmpty else {
            return ExpressionError("unknown set '$\(name)'", at: offset, hint: "no sets are defined")
        }
        let list = known.sorted().map { "$" + $0 }.joined(separator: ", ")
        let guess = Suggestion.closest(to: name, in: Array(known)).map { "did you mean '$\($0)'? " } ?? ""
        return ExpressionError("unknown set '$\(name)'", at: offset, hint: "\(guess)known sets: \(list)")
    }

    func flowLensError(source: String?) -> FlowLensError {
        let hintText = hint.map { " (\($0))" } ?? ""
        guard let offset, let source else { return FlowLensError(.badExpression, problem + hintText) }
        let place = SourcePlace(source: source, offset: offset)
        let position = place.lineCount > 1 ? "line \(place.line), column \(place.column)" : "column \(place.column)"
        return FlowLensError(
            .badExpression, "\(problem) at \(position)\(hintText)\n  \(place.lineText)\n  \(place.caretPadding)^")
    }
}

/// Line, column and caret padding for a byte offset, counted in characters so the caret lines up
/// under non-ASCII text too.
struct SourcePlace {
    var line = 1
    var column = 1
    var lineCount = 1
    var lineText = ""
    var caretPadding = ""

    init(source: String, offset: Int) {
        let utf8 = source.utf8
        let clamped = min(max(offset, 0), utf8.count)
        let target = utf8.index(utf8.startIndex, offsetBy: clamped)
        var lineStart = source.startIndex
        var index = source.startIndex
        while index < target {
            if source[index] == "\n" {
                line += 1
                lineStart = source.index(after: index)
            }
            index = source.index(after: index)
        }
        lineCount = source.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        let lineEnd = source[lineStart...].firstIndex(of: "\n") ?? source.endIndex
        lineText = String(source[lineStart..<lineEnd]).trimmingTrailingCarriageReturn()
        // Tabs stay tabs in the padding so the caret sits under the same spot in any terminal.
        caretPadding = String(source[lineStart..<target].map { $0 == "\t" ? "\t" : " " })
        column = caretPadding.count + 1
    }
}

extension String {
    fileprivate func trimmingTrailingCarriageReturn() -> String { hasSuffix("\r") ? String(dropLast()) : self }
}
