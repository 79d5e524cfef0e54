public import FlowCore

/// What a comparison reads: a stored field or a pseudo-field.
public enum Subject: Hashable, Sendable, CustomStringConvertible {
    case field(FlowField)
    case pseudo(PseudoField)

    /// Resolves a name as written: an AWS name (`log-status`), a column name (`log_status`), an
    /// alias (`proto`) or a pseudo-field (`addr`), in any case.
    public init?(name: String) {
        let lowered = name.lowercased()
        // Pseudo-fields take column spellings too, as stored fields do: `service_port`.
        let hyphenated = String(lowered.map { $0 == "_" ? "-" : $0 })
        if let pseudo = PseudoField.byName[hyphenated] {
            self = .pseudo(pseudo)
        } else if let field = Subject.aliases[lowered] ?? FlowField(name: lowered) {
            self = .field(field)
        } else {
            return nil
        }
    }

    /// Short names people reach for; the description always prints the AWS name.
    static let aliases: [String: FlowField] = ["proto": .proto]

    /// Every name the parser accepts, for "did you mean" hints.
    static let allNames: [String] =
        FlowField.allCases.map(\.name) + PseudoField.all.map(\.name) + aliases.keys.sorted()

    public var accessors: [Accessor] {
        switch self {
        case .field(let field): [.field(field)]
        case .pseudo(let pseudo): pseudo.accessors
        }
    }

    /// The stored fields the subject reads.
    public var fields: Set<FlowField> { Set(accessors.flatMap(\.fields)) }

    public var name: String {
        switch self {
        case .field(let field): field.name
        case .pseudo(let pseudo): pseudo.name
        }
    }

    public var description: String { name }

    var valueKind: ValueKind { accessors[0].valueKind }
}
