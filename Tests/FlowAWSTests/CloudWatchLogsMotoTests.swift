import Foundation
import Testing

@testable import FlowAWS

/// CloudWatch Logs against moto: events put by the AWS CLI read back by FlowLens, and the reverse.
@Suite struct CloudWatchLogsMotoTests {
    @Test func filterLogEventsPaginatesEventsPutByTheCLI() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let group = TestAWS.uniqueName("/flowaws/vpc")
        let stream = "eni-0123456789abcdef0-all"
        try TestAWS.cli(["logs", "create-log-group", "--log-group-name", group])
        try TestAWS.cli(["logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", stream])
        // Recent times: CloudWatch Logs (and moto) drop events older than 14 days.
        let base = (Int64(Date().timeIntervalSince1970) - 3600) * 1000
        let events = (0..<7).map { index in
            [
                "timestamp": base + Int64(index) * 1000,
                "message":
                    "2 123456789012 eni-0123 10.0.0.\(index) 10.0.1.1 443 \(40000 + index) 6 1 40 1764380000 1764380060 ACCEPT OK",
            ] as [String: Any]
        }
        let eventsJSON = String(decoding: try JSONSerialization.data(withJSONObject: events), as: UTF8.self)
        try TestAWS.cli([
            "logs", "put-log-events", "--log-group-name", group, "--log-stream-name", stream, "--log-events",
            eventsJSON,
        ])

        var received: [LogEvent] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await client.filterLogEvents(logGroupName: group, nextToken: token, limit: 3)
            #expect(page.events.count <= 3)
            received += page.events
            token = page.nextToken
            pages += 1
        } while token != nil && pages < 20
        #expect(pages >= 3)
        #expect(received.map(\.message) == events.map { $0["message"] as? String })
        #expect(received.map(\.timestamp) == (0..<7).map { base + Int64($0) * 1000 })
        #expect(received.allSatisfy { $0.logStreamName == stream && $0.eventID != nil && $0.ingestionTime != nil })

        let window = try await client.filterLogEvents(
            logGroupName: group, logStreamNamePrefix: "eni-0123", startTime: base + 2000, endTime: base + 4000)
        #expect(window.events.map(\.timestamp) == [base + 2000, base + 3000, base + 4000])
    }

    @Test func eventsPutByFlowLensAreSeenByTheCLI() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let group = TestAWS.uniqueName("/flowaws/put")
        try await client.createLogGroup(logGroupName: group)
        try await client.createLogStream(logGroupName: group, logStreamName: "s1")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await client.putLogEvents(
            logGroupName: group, logStreamName: "s1", events: [(now, "first \"quoted\" ü"), (now + 1, "second")])
        let output = try TestAWS.json(TestAWS.cli(["logs", "filter-log-events", "--log-group-name", group]))
        let messages = (output["events"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages == ["first \"quoted\" ü", "second"])
        let streams = try await client.describeLogStreams(logGroupName: group)
        #expect(streams.streams.map(\.logStreamName) == ["s1"])
    }

    @Test func missingLogGroupNamesIt() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let group = TestAWS.uniqueName("/flowaws/missing")
        let error = await #expect(throws: AWSError.self) { try await client.filterLogEvents(logGroupName: group) }
        #expect(error?.code == .resourceNotFound)
        #expect(
            error?.description.hasPrefix(
                "ResourceNotFoundException: logs:FilterLogEvents on log group \(group) failed (HTTP 400)") == true)
    }
}
