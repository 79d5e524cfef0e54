/// An error that stops one source or the whole run, with enough context to act on.
///
/// `code` can grow without breaking callers; `location` names the file (and line) concerned.
public struct FlowLensError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let unreadable = Code("unreadable")
        public static let emptySource = Code("empty")
        public static let headerOnly = Code("header-only")
        public static let notFlowLog = Code("not a flow log")
        public static let truncatedGzip = Code("truncated gzip")
        public static let corruptGzip = Code("corrupt gzip")
        public static let badHeader = Code("bad header")
        public static let badFieldList = Code("bad field list")
        public static let malformedLine = Code("malformed line")
        public static let badExpression = Code("bad expression")
        public static let badConfig = Code("bad config")
        public static let badArgument = Code("bad argument")
        public static let noInput = Code("no input")
        public static let ioError = Code("I/O error")
        public static let badPayload = Code("bad payload")
    }

    public var code: Code
    public var message: String
    /// File (and line, when known), such as `logs/a.log.gz` or `flowlens.yml:12`.
    public var location: String?
    public var cause: String?

    public init(_ code: Code, _ message: String, location: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.cause = cause
    }

    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += message
        if let cause { text += " (\(cause))" }
        return text
    }
}
