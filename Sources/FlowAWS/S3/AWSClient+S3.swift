import Foundation

extension AWSClient {
    /// Lists objects under a prefix, one page (at most 1000 keys, or `maxKeys`) per call.
    ///
    /// Keys are requested with `encoding-type=url` and decoded, so keys holding characters that
    /// XML 1.0 cannot carry come back intact.
    ///
    /// - Throws: `AWSError` (`NoSuchBucket`, `AccessDenied`, …) naming `s3://bucket/prefix`.
    public func listObjectsV2(
        bucket: String, prefix: String? = nil, delimiter: String? = nil, continuationToken: String? = nil,
        startAfter: String? = nil, maxKeys: Int? = nil
    ) async throws -> S3ListPage {
        var query: [SigV4Request.QueryItem] = [.init("list-type", "2"), .init("encoding-type", "url")]
        if let prefix, !prefix.isEmpty { query.append(.init("prefix", prefix)) }
        if let delimiter, !delimiter.isEmpty { query.append(.init("delimiter", delimiter)) }
        if let continuationToken { query.append(.init("continuation-token", continuationToken)) }
        if let startAfter, !startAfter.isEmpty { query.append(.init("start-after", startAfter)) }
        if let maxKeys { query.append(.init("max-keys", String(maxKeys))) }
        var request = try s3Request("ListObjectsV2", bucket: bucket, key: nil, resourceKey: prefix)
        request.queryItems = query
        let response = try await send(request)
        return try S3ListingParser.page(from: response.body, request: request)
    }

    /// Reads a whole object into memory.
    public func getObject(bucket: String, key: String) async throws -> S3Object {
        let request = try s3Request("GetObject", bucket: bucket, key: key)
        let response = try await send(request)
        return S3Object(bytes: response.body, eTag: Self.unquotedETag(response.header("ETag")))
    }

    /// Reads an object as it arrives: `onChunk` gets each piece in order, so decoding can start
    /// before the download ends. Failures before the first piece are retried; after it they are
    /// thrown (the consumer has seen part of the object).
    @discardableResult
    public func getObject(
        bucket: String, key: String, onChunk: @Sendable ([UInt8]) async throws -> Void
    ) async throws -> S3ObjectHead {
        let request = try s3Request("GetObject", bucket: bucket, key: key)
        let response = try await transport.stream(
            request, region: region, credentials: credentialsProvider, onChunk: onChunk)
        return S3ObjectHead(
            eTag: Self.unquotedETag(response.header("ETag")),
            contentLength: response.header("Content-Length").flatMap { Int64($0) },
            contentEncoding: response.header("Content-Encoding"))
    }

    /// Stores an object; returns its entity tag (unquoted).
    @discardableResult
    public func putObject(
        bucket: String, key: String, bytes: [UInt8], contentType: String = "application/octet-stream"
    ) async throws -> String {
        var request = try s3Request("PutObject", bucket: bucket, key: key)
        request.method = "PUT"
        request.headers = [.init("Content-Type", contentType)]
        request.body = bytes
        let response = try await send(request)
        return Self.unquotedETag(response.header("ETag"))
    }

    /// Creates a bucket in the client's region (fixtures and tests).
    public func createBucket(bucket: String) async throws {
        var request = try s3Request("CreateBucket", bucket: bucket, key: nil)
        request.method = "PUT"
        // us-east-1 is the default location and must not be named.
        if region != "us-east-1" {
            request.headers = [.init("Content-Type", "application/xml")]
            request.body = Array(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        _ = try await send(request)
    }

    /// Deletes an object (fixtures and tests); deleting a missing key succeeds, as in S3.
    public func deleteObject(bucket: String, key: String) async throws {
        var request = try s3Request("DeleteObject", bucket: bucket, key: key)
        request.method = "DELETE"
        _ = try await send(request)
    }

    /// The request for a bucket (and key), path-style or virtual-hosted as `S3Addressing` decides.
    func s3Request(_ action: String, bucket: String, key: String?, resourceKey: String? = nil) throws -> AWSRequest {
        let addressing = S3Addressing(endpoint: try endpoint(.s3), bucket: bucket)
        return AWSRequest(
            service: .s3, action: action, resource: "s3://\(bucket)/\(key ?? resourceKey ?? "")",
            endpoint: addressing.endpoint, path: addressing.path(key: key))
    }

    static func unquotedETag(_ raw: String?) -> String {
        guard var tag = raw else { return "" }
        if tag.hasPrefix("W/") { tag.removeFirst(2) }
        if tag.count >= 2 && tag.hasPrefix("\"") && tag.hasSuffix("\"") { tag = String(tag.dropFirst().dropLast()) }
        return tag
    }
}

extension AWSClient {
    /// A presigned GET URL for an object: anyone holding it can download the object until it
    /// expires, without credentials of their own.
    ///
    /// - Parameter expires: seconds the URL stays valid, 1 to 604800 (7 days; temporary
    ///   credentials may end it sooner).
    public func presignedGetObjectURL(bucket: String, key: String, expires: Int = 3600) async throws -> String {
        let request = try s3Request("GetObject", bucket: bucket, key: key)
        let signer = SigV4Signer(
            credentials: try await credentialsProvider.credentials(), region: region, service: "s3",
            options: AWSService.s3.signingOptions)
        let unsigned = SigV4Request(
            method: "GET", path: request.endpoint.basePath + request.path,
            headers: [.init("Host", request.endpoint.hostHeader)], payload: .unsigned)
        let signed = signer.presign(unsigned, date: Date(), expires: min(max(expires, 1), 604_800))
        return request.endpoint.origin + signed.path + "?" + signed.encodedQuery
    }
}
