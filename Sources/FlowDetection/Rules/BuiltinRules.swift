/// The built-in catalog: one YAML rule file per rule, compiled into the binary so that FlowLens
/// stays a single file. Each `Rules/*Rule.swift` holds one rule's YAML, named after its id.
public enum BuiltinRules {
    /// (file name, YAML text) for every built-in rule, in catalog order.
    public static let files: [(String, String)] = [
        ("remote-admin-from-internet.yml", RemoteAdminFromInternetRule.yaml),
    ]
}
