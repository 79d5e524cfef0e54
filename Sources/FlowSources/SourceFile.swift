/// One input to read: a local file or standard input.
public struct SourceFile: Sendable, Hashable {
    /// Position in the run's source list; results merge in this order.
    public var index: Int
    /// Path to open (empty for stdin).
    public var path: String
    /// Name used in messages: the path as the user wrote it, or `<stdin>`.
    public var displayName: String
    public var isStandardInput: Bool

    public init(index: Int, path: String, displayName: String? = nil, isStandardInput: Bool = false) {
        self.index = index
        self.path = path
        self.displayName = displayName ?? (isStandardInput ? "<stdin>" : path)
        self.isStandardInput = isStandardInput
    }
}
