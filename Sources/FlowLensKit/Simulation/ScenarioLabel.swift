public import FlowCore

/// The ground truth for one injected scenario: what happened, and which rule should say so.
///
/// Written one per line to `labels.jsonl` so that detection quality can be measured against
/// generated data.
public struct ScenarioLabel: Sendable, Hashable {
    /// Unique within a run, such as `port-scan-1`.
    public var scenarioID: String
    /// The id of the built-in rule that should raise an alert, such as `port-scan`.
    public var expectedRule: String
    public var src: IPAddress?
    public var dst: IPAddress?
    /// Unix seconds of the first and last record of the scenario.
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var description: String

    public init(
        scenarioID: String, expectedRule: String, src: IPAddress?, dst: IPAddress?, firstSeen: Int64,
        lastSeen: Int64, description: String
    ) {
        self.scenarioID = scenarioID
        self.expectedRule = expectedRule
        self.src = src
        self.dst = dst
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.description = description
    }

    /// The label as one JSON object (no newline), keys in a fixed order:
    /// `{"scenario":…,"rule":…,"src":…,"dst":…,"first_seen":…,"last_seen":…,"description":…}`.
    /// Times are RFC 3339 UTC, as in alerts; a missing address is `null`.
    public var jsonLine: String {
        let string = JSON.string
        let fields = [
            "\"scenario\":" + string(scenarioID),
            "\"rule\":" + string(expectedRule),
            "\"src\":" + (src.map { string($0.description) } ?? "null"),
            "\"dst\":" + (dst.map { string($0.description) } ?? "null"),
            "\"first_seen\":" + string(Timestamp.rfc3339(firstSeen)),
            "\"last_seen\":" + string(Timestamp.rfc3339(lastSeen)),
            "\"description\":" + string(description),
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}
