/// `cwl://LOG_GROUP[?stream=PREFIX]`. Log group names may hold slashes: `cwl:///aws/vpc/flows`
/// names the group `/aws/vpc/flows`.
public struct CloudWatchLocation: Sendable, Hashable, CustomStringConvertible {
    public var logGroup: String
    public var streamPrefix: String?

    public init(logGroup: String, streamPrefix: String? = nil) {
        self.logGroup = logGroup
        self.streamPrefix = streamPrefix
    }

    public init?(url: String) {
        guard url.hasPrefix("cwl://") else { return nil }
        var rest = Substring(url.dropFirst(6))
        if let mark = rest.firstIndex(of: "?") {
            let query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == "stream" { streamPrefix = String(parts[1]) }
            }
        }
        guard !rest.isEmpty else { return nil }
        logGroup = String(rest)
    }

    public var description: String {
        "cwl://\(logGroup)" + (streamPrefix.map { "?stream=\($0)" } ?? "")
    }
}
