public import Foundation

/// One object of a listing.
public struct S3ObjectInfo: Sendable, Hashable {
    public var key: String
    /// The entity tag without its surrounding quotes (as in `S3Object.eTag`), so the two compare.
    public var eTag: String
    public var size: Int64
    public var lastModified: Date

    public init(key: String, eTag: String, size: Int64, lastModified: Date) {
        self.key = key
        self.eTag = eTag
        self.size = size
        self.lastModified = lastModified
    }
}

/// One page of ListObjectsV2.
public struct S3ListPage: Sendable, Hashable {
    public var objects: [S3ObjectInfo]
    /// With a delimiter: the "folders" below the prefix, each ending in the delimiter.
    public var commonPrefixes: [String]
    /// Pass to the next call while `isTruncated`.
    public var nextContinuationToken: String?
    public var isTruncated: Bool

    public init(objects: [S3ObjectInfo], commonPrefixes: [String], nextContinuationToken: String?, isTruncated: Bool) {
        self.objects = objects
        self.commonPrefixes = commonPrefixes
        self.nextContinuationToken = nextContinuationToken
        self.isTruncated = isTruncated
    }
}

/// A whole object.
public struct S3Object: Sendable, Hashable {
    public var bytes: [UInt8]
    /// The entity tag without its surrounding quotes.
    public var eTag: String

    public init(bytes: [UInt8], eTag: String) {
        self.bytes = bytes
        self.eTag = eTag
    }
}

/// What a streamed GetObject reports besides the body.
public struct S3ObjectHead: Sendable, Hashable {
    public var eTag: String
    /// From `Content-Length`, when the server sent it.
    public var contentLength: Int64?
    /// `Content-Encoding` (`gzip` for some uploads); the body is passed on as stored, never decoded.
    public var contentEncoding: String?

    public init(eTag: String, contentLength: Int64?, contentEncoding: String?) {
        self.eTag = eTag
        self.contentLength = contentLength
        self.contentEncoding = contentEncoding
    }
}
