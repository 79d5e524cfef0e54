import Foundation

extension AWSClient {
    /// One page of log events from a log group, oldest first within each stream.
    ///
    /// - Parameters:
    ///   - startTime: first event time to include, milliseconds since 1970.
    ///   - endTime: last event time to include (inclusive), milliseconds since 1970.
    ///   - limit: events per page (AWS allows up to 10,000).
    public func filterLogEvents(
        logGroupName: String, logStreamNamePrefix: String? = nil, startTime: Int64? = nil, endTime: Int64? = nil,
        nextToken: String? = nil, limit: Int? = nil
    ) async throws -> CloudWatchLogsPage {
        var body: [String: Any] = ["logGroupName": logGroupName]
        if let logStreamNamePrefix, !logStreamNamePrefix.isEmpty { body["logStreamNamePrefix"] = logStreamNamePrefix }
        if let startTime { body["startTime"] = startTime }
        if let endTime { body["endTime"] = endTime }
        if let nextToken { body["nextToken"] = nextToken }
        if let limit { body["limit"] = limit }
        let answer: FilterLogEventsAnswer = try await logsCall("FilterLogEvents", body, logGroup: logGroupName)
        return CloudWatchLogsPage(events: answer.events ?? [], nextToken: answer.nextToken)
    }

    /// One page of a log group's streams, by name.
    public func describeLogStreams(
        logGroupName: String, logStreamNamePrefix: String? = nil, nextToken: String? = nil, limit: Int? = nil
    ) async throws -> LogStreamsPage {
        var body: [String: Any] = ["logGroupName": logGroupName]
        if let logStreamNamePrefix, !logStreamNamePrefix.isEmpty { body["logStreamNamePrefix"] = logStreamNamePrefix }
        if let nextToken { body["nextToken"] = nextToken }
        if let limit { body["limit"] = limit }
        let answer: DescribeLogStreamsAnswer = try await logsCall("DescribeLogStreams", body, logGroup: logGroupName)
        return LogStreamsPage(streams: answer.logStreams ?? [], nextToken: answer.nextToken)
    }

    /// Creates a log group (fixtures and tests).
    public func createLogGroup(logGroupName: String) async throws {
        let _: EmptyAnswer = try await logsCall(
            "CreateLogGroup", ["logGroupName": logGroupName], logGroup: logGroupName)
    }

    /// Creates a log stream in a log group (fixtures and tests).
    public func createLogStream(logGroupName: String, logStreamName: String) async throws {
        let _: EmptyAnswer = try await logsCall(
            "CreateLogStream", ["logGroupName": logGroupName, "logStreamName": logStreamName], logGroup: logGroupName)
    }

    /// Adds events to a stream; they must be in time order (fixtures and tests).
    public func putLogEvents(
        logGroupName: String, logStreamName: String, events: [(timestamp: Int64, message: String)]
    ) async throws {
        let body: [String: Any] = [
            "logGroupName": logGroupName, "logStreamName": logStreamName,
            "logEvents": events.map { ["timestamp": $0.timestamp, "message": $0.message] as [String: Any] },
        ]
        let _: EmptyAnswer = try await logsCall("PutLogEvents", body, logGroup: logGroupName)
    }

    /// A JSON-protocol call: POST `/` with `X-Amz-Target: Logs_20140328.<Action>`.
    private func logsCall<Answer: Decodable>(
        _ action: String, _ body: [String: Any], logGroup: String
    ) async throws -> Answer {
        let request = AWSRequest(
            service: .cloudWatchLogs, action: action, resource: "log group \(logGroup)",
            endpoint: try endpoint(.cloudWatchLogs), method: "POST", path: "/",
            headers: [
                .init("Content-Type", "application/x-amz-json-1.1"),
                .init("X-Amz-Target", "Logs_20140328.\(action)"),
            ],
            body: Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])),
            errorFormat: .json)
        let response = try await send(request)
        let data = response.body.isEmpty ? Data("{}".utf8) : Data(response.body)
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw AWSError(
                code: .malformedResponse, message: "unreadable JSON answer: \(error)", service: "logs", action: action,
                resource: request.resource, statusCode: response.statusCode)
        }
    }
}

private struct FilterLogEventsAnswer: Decodable {
    var events: [LogEvent]?
    var nextToken: String?
}

private struct DescribeLogStreamsAnswer: Decodable {
    var logStreams: [LogStreamInfo]?
    var nextToken: String?
}

private struct EmptyAnswer: Decodable {}
