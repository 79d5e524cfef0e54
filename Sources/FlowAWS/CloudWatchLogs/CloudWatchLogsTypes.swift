/// One log event (one flow record when flow logs go to CloudWatch Logs).
public struct LogEvent: Sendable, Hashable, Decodable {
    /// When the event happened, in milliseconds since 1970.
    public var timestamp: Int64
    /// When CloudWatch Logs received it, in milliseconds since 1970.
    public var ingestionTime: Int64?
    public var message: String
    public var logStreamName: String?
    public var eventID: String?

    public init(
        timestamp: Int64, ingestionTime: Int64? = nil, message: String, logStreamName: String? = nil,
        eventID: String? = nil
    ) {
        self.timestamp = timestamp
        self.ingestionTime = ingestionTime
        self.message = message
        self.logStreamName = logStreamName
        self.eventID = eventID
    }

    enum CodingKeys: String, CodingKey {
        case timestamp, ingestionTime, message, logStreamName
        case eventID = "eventId"
    }
}

/// One page of FilterLogEvents. A page may hold no events and still have a `nextToken`: keep
/// paging until `nextToken` is nil.
public struct CloudWatchLogsPage: Sendable, Hashable {
    public var events: [LogEvent]
    public var nextToken: String?

    public init(events: [LogEvent], nextToken: String?) {
        self.events = events
        self.nextToken = nextToken
    }
}

/// A log stream, from DescribeLogStreams.
public struct LogStreamInfo: Sendable, Hashable, Decodable {
    public var logStreamName: String
    public var creationTime: Int64?
    public var firstEventTimestamp: Int64?
    public var lastEventTimestamp: Int64?
    public var lastIngestionTime: Int64?

    public init(
        logStreamName: String, creationTime: Int64? = nil, firstEventTimestamp: Int64? = nil,
        lastEventTimestamp: Int64? = nil, lastIngestionTime: Int64? = nil
    ) {
        self.logStreamName = logStreamName
        self.creationTime = creationTime
        self.firstEventTimestamp = firstEventTimestamp
        self.lastEventTimestamp = lastEventTimestamp
        self.lastIngestionTime = lastIngestionTime
    }
}

/// One page of DescribeLogStreams.
public struct LogStreamsPage: Sendable, Hashable {
    public var streams: [LogStreamInfo]
    public var nextToken: String?

    public init(streams: [LogStreamInfo], nextToken: String?) {
        self.streams = streams
        self.nextToken = nextToken
    }
}
