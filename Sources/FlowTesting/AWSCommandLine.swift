import Foundation

/// The real AWS CLI, run against a test endpoint (moto's server) with test credentials and a home
/// folder of its own, so that fixtures are put there by a client FlowLens did not write.
public enum AWSCommandLine {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Runs `aws ARGUMENTS` with JSON output; returns its standard output, and fails with its
    /// standard error when it exits non-zero.
    @discardableResult
    public static func run(
        _ arguments: [String], endpoint: String, region: String, accessKeyID: String, secretAccessKey: String,
        home: String
    ) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["aws", "--endpoint-url", endpoint, "--region", region, "--output", "json"] + arguments
        // Nothing from the developer's own AWS setup may leak in.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment["AWS_ACCESS_KEY_ID"] = accessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = secretAccessKey
        environment["AWS_DEFAULT_REGION"] = region
        environment["HOME"] = home
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "aws \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + String(decoding: errorData, as: UTF8.self))
        }
        return String(decoding: outputData, as: UTF8.self)
    }
}
