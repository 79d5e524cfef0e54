/// A value handed to another thread that the compiler cannot prove safe to share; each use says
/// why it is (``FlowBulkLoad/writeIndexes()``, ``BackgroundResult``).
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
