public import FlowCore

/// One object in a listing.
public struct ListedObject: Sendable, Hashable {
    public var key: String
    public var eTag: String
    public var size: Int

    public init(key: String, eTag: String, size: Int) {
        self.key = key
        self.eTag = eTag
        self.size = size
    }
}

/// Lists a bucket, all pages of one prefix at a time. The S3 source implements it over FlowAWS;
/// tests implement it over a dictionary, which lets them count the requests a plan makes.
public protocol ObjectLister: Sendable {
    /// Every object under `prefix` (following continuation tokens), and with a delimiter the
    /// common prefixes one level down.
    func list(prefix: String, delimiter: String?) throws(FlowLensError) -> (objects: [ListedObject], prefixes: [String])
}
