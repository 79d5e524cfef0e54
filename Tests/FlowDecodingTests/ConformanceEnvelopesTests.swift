import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `envelopes/`: delivery envelopes around flow log records (CloudWatch Logs subscription payloads,
/// Elastic's Firehose-receiver documents, the Firehose HTTP delivery spec). The records inside are
/// checked with the text decoder (taken out with Foundation), and the envelopes themselves with
/// FlowLens's payload decoders (`CloudWatchSubscriptionMessage`, `FirehoseDeliveryRequest`) in
/// every wrapping the corpus has: the Lambda event (base64 of gzip), the gzip member, and the
/// gunzipped JSON. No expected outputs come with this set; counts come from the files' provenance.
@Suite struct ConformanceEnvelopesTests {
    fileprivate static let set = "envelopes"

    @Test func everyFileIsCovered() throws {
        let known = [
            "PROVENANCE.md", "aws-docs-firehose-httpdeliveryrequestresponse.md",
            "elastic-awsfirehose-test-vpcflow-log.json", "flowlog-exporter-cwl-subscription-decoded.json",
            "streamlogs2fluentd-cwl-lambda-event-vpcflow.json", "streamlogs2fluentd-cwl-subscription-vpcflow.json",
            "streamlogs2fluentd-cwl-subscription-vpcflow.json.gz",
        ]
        #expect(try CorpusLocator.listing(Self.set) == known.sorted())
    }

    /// The `logEvents[].message` strings of a decoded CloudWatch Logs subscription `DATA_MESSAGE`.
    fileprivate static func logEventMessages(_ file: String) throws -> [String] {
        let object = try CorpusLocator.json(Self.set, file) as? [String: Any]
        #expect(object?["messageType"] as? String == "DATA_MESSAGE")
        guard let events = object?["logEvents"] as? [[String: Any]] else { throw Conformance.Failure("no logEvents") }
        return try events.map {
            guard let message = $0["message"] as? String else { throw Conformance.Failure("no message") }
            return message
        }
    }

    struct Subscription: Sendable, CustomTestStringConvertible {
        var file: String
        var records: Int
        var accepted: Int
        var testDescription: String { file }
    }

    static let subscriptions = [
        Subscription(file: "flowlog-exporter-cwl-subscription-decoded.json", records: 139, accepted: 125),
        Subscription(file: "streamlogs2fluentd-cwl-subscription-vpcflow.json", records: 2, accepted: 2),
    ]

    @Test(arguments: subscriptions)
    func subscriptionMessagesDecode(_ subscription: Subscription) throws {
        let messages = try Self.logEventMessages(subscription.file)
        #expect(messages.count == subscription.records)
        let result = try Conformance.decode(
            messages.joined(separator: "\n"), plan: .v2Default, fileName: subscription.file)
        #expect(result.records.count == subscription.records)
        Conformance.expectMalformed(result, [:], context: subscription.file)
        #expect(result.records.filter { $0.action == .accept }.count == subscription.accepted)
        #expect(result.records.filter { $0.action == .reject }.count == subscription.records - subscription.accepted)
        for (index, (record, message)) in zip(result.records, messages).enumerated() {
            Conformance.expectRoundTrip(record, plan: .v2Default, line: message, context: "\(subscription.file) \(index + 1)")
        }
        // The 10-digit account id of the anonymised capture is text like any other.
        if subscription.records == 139 { #expect(result.records[0].accountID.string == "1234567890") }
    }

    /// Elastic's Firehose receiver documents: each `message` is a `{"message":"<record>"}` line,
    /// which the decoder unwraps itself. The layout is chosen by token count as for the Elastic
    /// integration. The synthetic v4 record (18 tokens: v2 + region az-id sublocation-type
    /// sublocation-id) gets that layout explicitly. The fake v9 and v10 records carry a 30th token
    /// that no AWS layout names: FlowLens does not guess at unknown trailing columns, so against
    /// the 29-field layout they are malformed (wrong field count) — a header or field list naming
    /// the extra column is needed.
    @Test func firehoseDocumentsDecode() throws {
        let object = try CorpusLocator.json(Self.set, "elastic-awsfirehose-test-vpcflow-log.json") as? [String: Any]
        let documents = try #require(object?["events"] as? [[String: Any]])
        #expect(documents.count == 15)
        var decoded = 0
        var rejected = 0
        for (index, document) in documents.enumerated() {
            let line = try #require(document["message"] as? String)
            let inner = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let record = try #require(inner?["message"] as? String)
            let tokens = Conformance.tokens(record)
            let context = "firehose document \(index + 1) (version \(tokens[0]))"
            let plan: ColumnPlan
            if tokens.count == 18 {
                plan = ColumnPlan(fields: FlowField.v2Default + [.region, .azID, .sublocationType, .sublocationID])
            } else if tokens.count == 30 {
                plan = ColumnPlan(fields: FlowField.v5All)
            } else {
                plan = try #require(try Conformance.planByTokenCount(tokens.count), "\(context): \(tokens.count) tokens")
            }
            // Fed as the receiver got it: the JSON line itself, unwrapped by the decoder.
            let result = try Conformance.decode(line, plan: plan, fileName: context)
            if tokens.count == 30 {
                #expect(["9", "10"].contains(tokens[0]))
                Conformance.expectMalformed(result, [.fieldCount: 1], context: context)
                #expect(result.records.isEmpty)
                rejected += 1
                continue
            }
            Conformance.expectMalformed(result, [:], context: context)
            let decodedRecord = try #require(result.records.first, "\(context): no record")
            #expect(result.records.count == 1)
            #expect(decodedRecord.value(.version) == .number(UInt64(tokens[0])!))
            Conformance.expectRoundTrip(decodedRecord, plan: plan, line: record, context: context)
            decoded += 1
        }
        #expect(decoded == 13 && rejected == 2)
    }

    // MARK: - Envelope decoders

    /// The same two-record subscription message in all three wrappings decodes to the same events.
    @Test func subscriptionWrappingsAgree() throws {
        let files = [
            "streamlogs2fluentd-cwl-lambda-event-vpcflow.json", "streamlogs2fluentd-cwl-subscription-vpcflow.json.gz",
            "streamlogs2fluentd-cwl-subscription-vpcflow.json",
        ]
        var messages: [CloudWatchSubscriptionMessage] = []
        for file in files {
            let message = try CloudWatchSubscriptionMessage.decode(try CorpusLocator.bytes(Self.set, file), name: file)
            #expect(message.messageType == "DATA_MESSAGE", "\(file)")
            #expect(message.logGroup == "vpcflowlog" && message.logStream == "eni-123" && message.owner == "123456789012")
            #expect(message.logEvents.count == 2, "\(file)")
            #expect(message.logEvents.allSatisfy { $0.timestamp == 1_552_506_436_228 })
            messages.append(message)
        }
        #expect(messages[0] == messages[1] && messages[1] == messages[2])
        // Both events share one id in this capture; both records are kept (ids are not unique keys).
        #expect(messages[0].logEvents[0].id == messages[0].logEvents[1].id)
        let result = try DecoderHarness.decode(messages[0].flowLogText, splits: [], fileName: files[0])
        #expect(result.records.count == 2 && result.counters.malformedTotal == 0)
        #expect(result.records[1].srcport == 24224 && result.records[1].bytes == 1947)
    }

    @Test func largeSubscriptionMessageDecodes() throws {
        let file = "flowlog-exporter-cwl-subscription-decoded.json"
        let message = try CloudWatchSubscriptionMessage.decode(try CorpusLocator.bytes(Self.set, file), name: file)
        #expect(message.logEvents.count == 139 && message.subscriptionFilters == ["cloudwatch_to_kinesis_network_test"])
        let result = try DecoderHarness.decode(message.flowLogText, splits: [], fileName: file)
        #expect(result.records.count == 139 && result.counters.malformedTotal == 0)
        #expect(result.records.filter { $0.action == .accept }.count == 125)
    }

    @Test func controlMessagesCarryNoRecords() throws {
        let control = Array(
            #"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1432826855000,"message":"CWL CONTROL MESSAGE: Checking health of destination Kinesis stream."}]}"#
                .utf8)
        let gzipped = try gzip(control)
        let message = try CloudWatchSubscriptionMessage.decode(gzipped, name: "control")
        #expect(message.isControlMessage && message.flowLogText.isEmpty)
    }

    /// A Firehose delivery request built as Firehose sends it, from the corpus's own records:
    /// Elastic's documents as plain records, and the subscription gzip member as a CloudWatch-fed
    /// record. Control messages inside are dropped.
    @Test func firehoseRequestDecodes() throws {
        let object = try CorpusLocator.json(Self.set, "elastic-awsfirehose-test-vpcflow-log.json") as? [String: Any]
        let documents = try #require(object?["events"] as? [[String: Any]])
        let v2Lines = try documents.map { try #require($0["message"] as? String) }.filter {
            Conformance.tokens(try #require(
                (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["message"] as? String)).count == 14
        }
        #expect(!v2Lines.isEmpty)
        let subscription = try CorpusLocator.bytes(Self.set, "streamlogs2fluentd-cwl-subscription-vpcflow.json.gz")
        let control = try gzip(Array(#"{"messageType":"CONTROL_MESSAGE","logEvents":[]}"#.utf8))
        var records = v2Lines.map { Data($0.utf8).base64EncodedString() }
        records.append(Data(subscription).base64EncodedString())
        records.append(Data(control).base64EncodedString())
        let body = "{\"requestId\":\"ed4acda5-034f-9f42-bba1-f29aea6d7d8f\",\"timestamp\":1578090901599,\"records\":["
            + records.map { "{\"data\":\"\($0)\"}" }.joined(separator: ",") + "]}"
        let request = try FirehoseDeliveryRequest.decode(Array(body.utf8), name: "request")
        #expect(request.requestID == "ed4acda5-034f-9f42-bba1-f29aea6d7d8f" && request.timestamp == 1_578_090_901_599)
        #expect(request.records.count == v2Lines.count + 2)
        let text = try request.flowLogText(name: "request")
        let result = try DecoderHarness.decode(text, splits: [], fileName: "request")
        #expect(result.records.count == v2Lines.count + 2)
        #expect(result.counters.malformedTotal == 0)
        let response = FirehoseDeliveryRequest.responseBody(requestID: request.requestID, timestamp: 1_578_090_902_000)
        let echoed = try JSONSerialization.jsonObject(with: Data(response.utf8)) as? [String: Any]
        #expect(echoed?["requestId"] as? String == request.requestID)
        #expect((echoed?["timestamp"] as? NSNumber)?.int64Value == 1_578_090_902_000)
    }

    /// The spec page's example request (`aGVsbG8=` is "hello") decodes; its records are not flow
    /// logs, which the text decoder then reports as malformed lines, not as an envelope error.
    @Test func firehoseSpecExampleDecodes() throws {
        let body = #"{"requestId": "ed4acda5-034f-9f42-bba1-f29aea6d7d8f", "timestamp": 1578090901599, "records": [{"data": "aGVsbG8="}, {"data": "aGVsbG8gd29ybGQ="}]}"#
        let request = try FirehoseDeliveryRequest.decode(Array(body.utf8), name: "spec")
        #expect(request.records == [Array("hello".utf8), Array("hello world".utf8)])
        let result = try DecoderHarness.decode(try request.flowLogText(name: "spec"), splits: [], fileName: "spec")
        #expect(result.records.isEmpty && result.counters.malformedTotal == 2)
    }

    @Test func brokenEnvelopesNameTheProblem() throws {
        func failure(_ body: String) -> String {
            do {
                _ = try FirehoseDeliveryRequest.decode(Array(body.utf8), name: "req.json")
                return "no error"
            } catch { return error.description }
        }
        #expect(failure("not json").contains("req.json") && failure("not json").contains("not JSON"))
        #expect(failure(#"{"records":[]}"#).contains("requestId"))
        #expect(failure(#"{"requestId":"x","records":[{"data":5}]}"#).contains("records[0].data"))
        let truncated = Array(try CorpusLocator.bytes(Self.set, "streamlogs2fluentd-cwl-subscription-vpcflow.json.gz").dropLast(12))
        #expect(throws: FlowLensError.self) { try CloudWatchSubscriptionMessage.decode(truncated, name: "cut.gz") }
        let noType = Array(#"{"logEvents":[]}"#.utf8)
        do {
            _ = try CloudWatchSubscriptionMessage.decode(noType, name: "x")
            Issue.record("a message without messageType decoded")
        } catch { #expect(error.description.contains("messageType")) }
    }

    private func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }
}
