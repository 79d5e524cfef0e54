import FlowAWS
import FlowTesting
import Foundation
import Testing

/// Shared plumbing of the tests that talk to moto's server (a real S3, CloudWatch Logs, EC2 and
/// STS API on loopback) and to the real AWS CLI.
enum TestAWS {
    static let endpointVariable = "FLOWLENS_TEST_AWS_ENDPOINT"
    static let region = "us-east-1"
    /// moto accepts any key; these are the values its documentation uses.
    static let credentials = AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing-secret-key")

    struct MotoNotRunning: Error, CustomStringConvertible {
        var description: String {
            "moto server not running: run scripts/test.sh (it starts moto_server and sets \(TestAWS.endpointVariable)), "
                + "or start one yourself: `moto_server -H 127.0.0.1 -p 5101 &` and "
                + "`export \(TestAWS.endpointVariable)=http://127.0.0.1:5101`"
        }
    }

    /// moto's URL, or a failure saying how to start it (never a skip).
    static func endpoint() throws -> String {
        guard let value = ProcessInfo.processInfo.environment[endpointVariable], !value.isEmpty else {
            throw MotoNotRunning()
        }
        return value
    }

    /// An empty home directory and no AWS variables: nothing from the machine leaks into a test.
    static func isolatedEnvironment(_ variables: [String: String] = [:]) throws -> AWSEnvironment {
        AWSEnvironment(variables: variables, homeDirectory: try temporaryDirectory().path)
    }

    static func client(region: String = TestAWS.region, maxAttempts: Int = 3) throws -> AWSClient {
        try AWSClient(
            configuration: AWSClientConfiguration(
                region: region, endpointURL: try endpoint(), credentials: credentials,
                retryPolicy: AWSRetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(10)),
                environment: try isolatedEnvironment()))
    }

    /// A lower-case name unique to this test run, valid as a bucket name.
    static func uniqueName(_ prefix: String) -> String {
        prefix + "-" + UUID().uuidString.lowercased()
    }

    /// One folder per test process for every temporary home and file, removed when the process
    /// exits (dozens of tests each make one, and they used to stay behind in /tmp).
    private static let temporaryRoot: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "flowaws-tests-\(ProcessInfo.processInfo.processIdentifier)")
        atexit {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "flowaws-tests-\(ProcessInfo.processInfo.processIdentifier)")
            try? FileManager.default.removeItem(at: root)
        }
        return root
    }()

    static func temporaryDirectory() throws -> URL {
        let url = temporaryRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs the real AWS CLI against moto with test credentials and an empty home directory;
    /// returns its standard output, and fails with its standard error when it exits non-zero.
    @discardableResult
    static func cli(_ arguments: [String]) throws -> String {
        try AWSCommandLine.run(
            arguments, endpoint: try endpoint(), region: region, accessKeyID: credentials.accessKeyID,
            secretAccessKey: credentials.secretAccessKey, home: try temporaryDirectory().path)
    }

    typealias CLIFailure = AWSCommandLine.Failure

    /// Parses the CLI's JSON output.
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
