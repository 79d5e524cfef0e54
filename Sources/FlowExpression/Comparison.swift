/// One test of a subject against values, such as `dstport in (22, 3389)`.
public struct Comparison: Hashable, Sendable, CustomStringConvertible {
    public var subject: Subject
    public var op: ComparisonOperator
    /// One value, or the list for `in`, `not in` and `has`.
    public var values: [FilterValue]

    public init(_ subject: Subject, _ op: ComparisonOperator, _ values: [FilterValue]) {
        self.subject = subject
        self.op = op
        self.values = values
    }

    public var description: String {
        let kind = subject.valueKind
        let printed = values.map { kind.format($0) }
        let right = printed.count == 1 ? printed[0] : "(" + printed.joined(separator: ", ") + ")"
        return "\(subject) \(op) \(right)"
    }
}
