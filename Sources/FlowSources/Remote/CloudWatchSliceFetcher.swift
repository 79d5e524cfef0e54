public import FlowAWS
public import FlowCore

/// Reads one slice of a log group with FilterLogEvents, page by page, as flow log text: one line
/// per event, after a header line naming the flow log's fields when they are known (CloudWatch
/// records carry no header of their own).
public struct CloudWatchSliceFetcher: Sendable {
    public let client: AWSClient
    public let location: CloudWatchLocation
    /// `version account-id ...`, or nil to decode with the run's field list.
    public let header: String?

    public init(client: AWSClient, location: CloudWatchLocation, header: String?) {
        self.client = client
        self.location = location
        self.header = header
    }

    public func fetch(_ slice: Checkpoint.TimeRange) throws(FlowLensError) -> [UInt8] {
        let client = self.client
        let location = self.location
        let header = self.header
        do {
            return try BlockingAwait.run {
                var text: [UInt8] = []
                var token: String?
                var previousToken: String?
                repeat {
                    let page = try await client.filterLogEvents(
                        logGroupName: location.logGroup, logStreamNamePrefix: location.streamPrefix,
                        startTime: slice.start, endTime: slice.end - 1, nextToken: token, limit: 10_000)
                    if text.isEmpty, !page.events.isEmpty, let header {
                        text.append(contentsOf: header.utf8)
                        text.append(0x0A)
                    }
                    for event in page.events {
                        text.append(contentsOf: event.message.utf8)
                        text.append(0x0A)
                    }
                    previousToken = token
                    token = page.nextToken
                    // FilterLogEvents may hand back the token it was given when nothing is left.
                } while token != nil && token != previousToken
                return text
            }
        } catch {
            throw FlowLensError(
                .unreadable, "cannot read events: \(error)",
                location: "\(location) [\(Timestamp.rfc3339(slice.start / 1000)) – \(Timestamp.rfc3339(slice.end / 1000))]")
        }
    }
}
