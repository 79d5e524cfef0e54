public import FlowCore

/// `s3://bucket/prefix` as the user wrote it.
public struct S3Location: Sendable, Hashable, CustomStringConvertible {
    public var bucket: String
    /// Key prefix without a leading slash; may be empty.
    public var prefix: String

    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix
    }

    /// Parses `s3://bucket[/prefix]`; nil for anything else.
    public init?(url: String) {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { return nil }
        self.bucket = String(bucket)
        prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
    }

    public var description: String { "s3://\(bucket)/\(prefix)" }

    public func url(key: String) -> String { "s3://\(bucket)/\(key)" }
}
