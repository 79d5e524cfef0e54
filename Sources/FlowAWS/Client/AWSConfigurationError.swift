/// A setting FlowAWS cannot work with: no region, a malformed endpoint URL, an unreadable or
/// inconsistent `~/.aws` file. The message says which setting and how to fix it.
public struct AWSConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
