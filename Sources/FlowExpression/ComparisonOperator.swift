/// The operator of a ``Comparison``, normalized: `==` is `=`, `<>` is `!=`, and `=` with a CIDR
/// block or set is `in`.
public enum ComparisonOperator: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case `in` = "in"
    case notIn = "not in"
    /// All of the listed TCP flags are set.
    case has = "has"

    public var description: String { rawValue }

    /// True for `!=` and `not in`: they need every read of the subject present and not matching.
    public var isNegative: Bool { self == .notEqual || self == .notIn }

    /// Whether the right side is a list of values.
    public var takesList: Bool { self == .in || self == .notIn || self == .has }

    var isOrdering: Bool { self == .less || self == .lessOrEqual || self == .greater || self == .greaterOrEqual }
}
