import Foundation

/// The profiles of `~/.aws/config` and `~/.aws/credentials`, merged as the AWS CLI merges them.
///
/// In the config file a profile is `[profile NAME]` (or `[default]`); in the credentials file it is
/// `[NAME]`. Values from the credentials file win over the config file's. Indented lines (nested
/// settings such as `s3 =` blocks) are skipped; `#` and `;` start comments.
public struct AWSSharedConfig: Sendable, Hashable {
    /// Profile name to its settings (keys lower-cased).
    public var profiles: [String: [String: String]]

    public init(profiles: [String: [String: String]] = [:]) {
        self.profiles = profiles
    }

    /// Reads both files of `environment`; a missing file counts as empty.
    public init(environment: AWSEnvironment) throws {
        let config = try Self.readSections(path: environment.configFile)
        let credentials = try Self.readSections(path: environment.sharedCredentialsFile)
        var profiles: [String: [String: String]] = [:]
        for (section, values) in config {
            let name: String
            if section == "default" {
                name = "default"
            } else if section.hasPrefix("profile ") {
                name = section.dropFirst("profile ".count).trimmingCharacters(in: .whitespaces)
            } else {
                continue  // `[sso-session x]`, `[services x]` and the like are not profiles.
            }
            profiles[name, default: [:]].merge(values) { _, new in new }
        }
        for (name, values) in credentials {
            profiles[name, default: [:]].merge(values) { _, new in new }
        }
        self.profiles = profiles
    }

    public func profile(_ name: String) -> [String: String]? { profiles[name] }

    /// The sections of an INI file; nil-free: a missing file gives no sections.
    static func readSections(path: String) throws -> [String: [String: String]] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AWSConfigurationError("cannot read \(path): \(error.localizedDescription)")
        }
        return parse(text)
    }

    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if rawLine.first == " " || rawLine.first == "\t" { continue }
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { continue }
                let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            // An inline comment needs whitespace before it, so `#` inside a secret is kept.
            if let comment = value.range(of: " #") ?? value.range(of: " ;") ?? value.range(of: "\t#") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            sections[current, default: [:]][key] = value
        }
        return sections
    }
}
