public import FlowAWS
public import FlowCore

/// Lists a bucket through FlowAWS, following continuation tokens.
public struct S3ObjectLister: ObjectLister {
    public let client: AWSClient
    public let bucket: String

    public init(client: AWSClient, bucket: String) {
        self.client = client
        self.bucket = bucket
    }

    public func list(prefix: String, delimiter: String?) throws(FlowLensError) -> (objects: [ListedObject], prefixes: [String]) {
        let client = self.client
        let bucket = self.bucket
        do {
            return try BlockingAwait.run {
                var objects: [ListedObject] = []
                var prefixes: [String] = []
                var token: String?
                repeat {
                    let page = try await client.listObjectsV2(
                        bucket: bucket, prefix: prefix, delimiter: delimiter, continuationToken: token)
                    objects += page.objects.map { ListedObject(key: $0.key, eTag: $0.eTag, size: Int($0.size)) }
                    prefixes += page.commonPrefixes
                    token = page.isTruncated ? page.nextContinuationToken : nil
                } while token != nil
                return (objects, prefixes)
            }
        } catch {
            throw FlowLensError(.unreadable, "cannot list: \(error)", location: "s3://\(bucket)/\(prefix)")
        }
    }
}
