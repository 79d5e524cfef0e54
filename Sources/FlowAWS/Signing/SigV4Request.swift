/// An HTTP request in the form the SigV4 signer reads and writes.
///
/// `path` is the path as it goes on the wire, already percent-encoded (`/my%20key`); query items
/// and headers hold decoded values, and the signer encodes them itself. Headers keep their order
/// and may repeat: repeated names are signed as one comma-joined value, as AWS does.
public struct SigV4Request: Sendable, Hashable {
    public var method: String
    public var path: String
    public var queryItems: [QueryItem]
    public var headers: [Header]
    public var payload: Payload

    public struct QueryItem: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// What the signature says about the body.
    public enum Payload: Sendable, Hashable {
        /// The body itself: its SHA-256 is signed.
        case bytes([UInt8])
        /// A body whose SHA-256 (lower-case hex) the caller already computed.
        case sha256(String)
        /// `UNSIGNED-PAYLOAD`: S3 accepts a signature that does not cover the body.
        case unsigned
    }

    public init(
        method: String, path: String, queryItems: [QueryItem] = [], headers: [Header] = [],
        payload: Payload = .bytes([])
    ) {
        self.method = method
        self.path = path
        self.queryItems = queryItems
        self.headers = headers
        self.payload = payload
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// Replaces every header named `name` (case-insensitive) by one with `value`.
    public mutating func setHeader(_ name: String, _ value: String) {
        let lowered = name.lowercased()
        headers.removeAll { $0.name.lowercased() == lowered }
        headers.append(Header(name, value))
    }

    /// The query string as sent: names and values percent-encoded, in the items' order.
    public var encodedQuery: String {
        queryItems.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }
            .joined(separator: "&")
    }
}
