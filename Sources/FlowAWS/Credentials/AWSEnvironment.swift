import Foundation

/// The process environment and home directory that configuration is read from.
///
/// Injected rather than read from `ProcessInfo` deep inside, so that tests can run in parallel,
/// each with its own variables and temporary `~/.aws` files.
///
/// Printing or dumping it shows variable names only: the values include secrets
/// (`AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CONTAINER_AUTHORIZATION_TOKEN`).
public struct AWSEnvironment: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
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

    public var description: String {
        "AWSEnvironment(home: \(homeDirectory), variables: \(variables.keys.sorted().joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self, children: ["homeDirectory": homeDirectory, "variableNames": variables.keys.sorted()],
            displayStyle: .struct)
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
