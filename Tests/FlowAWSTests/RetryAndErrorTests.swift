import Foundation
import Synchronization
import Testing

@testable import FlowAWS

/// Retries with backoff against a local server that fails on purpose, and the text of errors.
@Suite struct RetryAndErrorTests {
    static let secret = "wJalrXUtnFEMI-very-secret"
    static let token = "session-token-very-secret"

    static func client(_ server: LocalHTTPServer, maxAttempts: Int = 5) throws -> AWSClient {
        try AWSClient(
            configuration: .init(
                region: "us-east-1", endpointURL: server.url,
                credentials: AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: secret, sessionToken: token),
                retryPolicy: AWSRetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(5)),
                environment: try TestAWS.isolatedEnvironment()))
    }

    static let slowDown = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>R1</RequestId></Error>
        """

    /// S3 answers 503 SlowDown twice, then the object.
    @Test func retriesSlowDownThenSucceeds() async throws {
        let calls = Atomic<Int>(0)
        let server = try LocalHTTPServer { _ in
            calls.add(1, ordering: .relaxed).newValue <= 2
                ? .init(status: 503, body: Self.slowDown)
                : .init(status: 200, headers: [("ETag", "\"e1\"")], body: "payload")
        }
        defer { server.stop() }
        let client = try Self.client(server)
        defer { Task { try await client.shutdown() } }
        let object = try await client.getObject(bucket: "b", key: "k")
        #expect(object.bytes == Array("payload".utf8))
        #expect(object.eTag == "e1")
        #expect(server.requests.count == 3)
        // Each attempt is signed afresh and carries the session token header.
        #expect(server.requests.allSatisfy { $0.headers["authorization"]?.hasPrefix("AWS4-HMAC-SHA256 ") == true })
        #expect(server.requests.allSatisfy { $0.headers["x-amz-security-token"] == Self.token })
        #expect(server.requests.allSatisfy { $0.headers["x-amz-content-sha256"] != nil })
    }

    /// CloudWatch Logs' JSON throttling error (HTTP 400) is retried too.
    @Test func retriesJSONThrottlingException() async throws {
        let calls = Atomic<Int>(0)
        let server = try LocalHTTPServer { request in
            guard request.headers["x-amz-target"] == "Logs_20140328.FilterLogEvents" else { return .init(status: 500) }
            if calls.add(1, ordering: .relaxed).newValue == 1 {
                return .init(
                    status: 400,
                    body: #"{"__type":"com.amazonaws.logs#ThrottlingException","message":"Rate exceeded"}"#)
            }
            return .init(
                status: 200,
                body: #"{"events":[{"timestamp":5,"ingestionTime":6,"message":"m","logStreamName":"s","eventId":"e"}]}"#
            )
        }
        defer { server.stop() }
        let client = try Self.client(server)
        defer { Task { try await client.shutdown() } }
        let page = try await client.filterLogEvents(logGroupName: "g")
        #expect(
            page.events == [LogEvent(timestamp: 5, ingestionTime: 6, message: "m", logStreamName: "s", eventID: "e")])
        #expect(page.nextToken == nil)
        #expect(server.requests.count == 2)
    }

    /// Past the attempt limit the last error is thrown, saying how many attempts were made.
    @Test func givesUpAfterMaxAttempts() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 503, body: Self.slowDown) }
        defer { server.stop() }
        let client = try Self.client(server, maxAttempts: 3)
        defer { Task { try await client.shutdown() } }
        let error = await #expect(throws: AWSError.self) {
            try await client.listObjectsV2(bucket: "b", prefix: "AWSLogs/")
        }
        #expect(server.requests.count == 3)
        #expect(
            error?.description
                == "SlowDown: s3:ListObjectsV2 on s3://b/AWSLogs/ failed (HTTP 503): Please reduce your request rate. "
                + "[after 3 attempts] [request id R1]")
    }

    /// Client errors are not retried, and say which action on which resource was denied.
    @Test func accessDeniedNamesActionAndResourceButNoSecret() async throws {
        let server = try LocalHTTPServer { _ in
            .init(
                status: 403,
                body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
                    + "<StringToSign>secret-ish details</StringToSign></Error>")
        }
        defer { server.stop() }
        let client = try Self.client(server)
        defer { Task { try await client.shutdown() } }
        let error = await #expect(throws: AWSError.self) {
            try await client.listObjectsV2(bucket: "bucket", prefix: "prefix")
        }
        #expect(server.requests.count == 1)
        let text = error?.description ?? ""
        #expect(text == "AccessDenied: s3:ListObjectsV2 on s3://bucket/prefix denied (HTTP 403): Access Denied")
        #expect(error?.isAccessDenied == true)
        for secretText in [Self.secret, Self.token, "StringToSign", "Signature="] {
            #expect(!text.contains(secretText))
        }
    }

    /// Refused connections are retried, then reported as such.
    @Test func connectionFailuresAreRetriedThenReported() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 200) }
        server.stop()
        let client = try Self.client(server, maxAttempts: 2)
        defer { Task { try await client.shutdown() } }
        let error = await #expect(throws: AWSError.self) { try await client.getObject(bucket: "b", key: "k") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.attempts == 2)
        #expect(
            error?.description.hasPrefix("ConnectionFailed: s3:GetObject on s3://b/k failed: \(server.url)") == true)
    }

    /// A body-less error (HEAD-like) still gets a useful code from its status.
    @Test func bodylessErrorsUseTheStatus() async throws {
        let server = try LocalHTTPServer { _ in .init(status: 404) }
        defer { server.stop() }
        let client = try Self.client(server)
        defer { Task { try await client.shutdown() } }
        let error = await #expect(throws: AWSError.self) { try await client.getObject(bucket: "b", key: "gone") }
        #expect(error?.code.rawValue == "NotFound")
        #expect(error?.isNotFound == true)
    }

    /// AWS says the session expired: the cached credentials are dropped, fetched again once, and
    /// the request repeated with them.
    @Test func expiredTokenRenewsCredentialsOnce() async throws {
        let server = try LocalHTTPServer { request in
            request.headers["x-amz-security-token"] == "token-1"
                ? .init(status: 400, body: "<Error><Code>ExpiredToken</Code><Message>expired</Message></Error>")
                : .init(status: 200, body: "ok")
        }
        defer { server.stop() }
        let fetches = Atomic<Int>(0)
        let provider = AWSCredentialsCache(
            SequenceProvider { number in
                AWSCredentials(
                    accessKeyID: "AKID\(number)", secretAccessKey: "s", sessionToken: "token-\(number)",
                    expiration: Date().addingTimeInterval(3600))
            } counter: {
                fetches.add(1, ordering: .relaxed).newValue
            })
        let client = try AWSClient(
            configuration: .init(
                region: "us-east-1", endpointURL: server.url, credentialsProvider: provider,
                retryPolicy: AWSRetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5)),
                environment: try TestAWS.isolatedEnvironment()))
        defer { Task { try await client.shutdown() } }
        #expect(try await client.getObject(bucket: "b", key: "k").bytes == Array("ok".utf8))
        #expect(fetches.load(ordering: .relaxed) == 2)
        #expect(server.requests.map { $0.headers["x-amz-security-token"] } == ["token-1", "token-2"])
    }

    struct SequenceProvider: AWSCredentialsProvider {
        let make: @Sendable (Int) -> AWSCredentials
        let counter: @Sendable () -> Int
        var name: String { "sequence" }
        func credentials() async throws -> AWSCredentials { make(counter()) }
    }

    @Test func backoffIsBoundedAndJittered() {
        let policy = AWSRetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        for attempt in 2...10 {
            let ceiling = min(Duration.seconds(1), .milliseconds(100) * (1 << (attempt - 2)))
            for _ in 0..<20 {
                let delay = policy.delay(beforeAttempt: attempt)
                #expect(delay >= .zero && delay <= ceiling)
            }
        }
        let samples = Set((0..<20).map { _ in policy.delay(beforeAttempt: 5) })
        #expect(samples.count > 1)
        #expect(policy.isRetryable(statusCode: 400, errorCode: "RequestLimitExceeded"))
        #expect(policy.isRetryable(statusCode: 400, errorCode: "Throttling"))
        #expect(policy.isRetryable(statusCode: 429, errorCode: nil))
        #expect(policy.isRetryable(statusCode: 502, errorCode: nil))
        #expect(!policy.isRetryable(statusCode: 403, errorCode: "AccessDenied"))
        #expect(!policy.isRetryable(statusCode: 404, errorCode: "NoSuchKey"))
    }
}
