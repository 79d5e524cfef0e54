import Foundation

/// The process environment and home directory that configuration is read from.
///
/// Injected rather than read from `ProcessInfo` deep inside, so that tests can run in parallel,
/// each with its own variables and temporary `~/.aws` files.
public struct AWSEnvironment: Sendable, Hashable {
    public var variables: [String: String]
    public var homeDirectory: String

    public init(variables: [String: String], homeDirectory: String) {
        self.variables = variables
        self.homeDirectory = homeDirectory
    }

    /// This process's environment and home directory.
    public static var process: AWSEnvironment {
        let variables = ProcessInfo.processInfo.environment
        return AWSEnvironment(
            variables: variables,
            homeDirectory: variables["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path)
    }

    /// The variable's value, or nil when unset or empty (the AWS CLI treats both alike).
    public subscript(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// `AWS_SHARED_CREDENTIALS_FILE`, or `~/.aws/credentials`.
    public var sharedCredentialsFile: String {
        expandingTilde(self["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
    }

    /// `AWS_CONFIG_FILE`, or `~/.aws/config`.
    public var configFile: String { expandingTilde(self["AWS_CONFIG_FILE"] ?? "~/.aws/config") }

    /// A leading `~` or `~/` stands for the home directory, as in the CLI's paths.
    public func expandingTilde(_ path: String) -> String {
        if path == "~" { return homeDirectory }
        if path.hasPrefix("~/") { return homeDirectory + path.dropFirst() }
        return path
    }
}
