/// Where a bucket's requests go: virtual-hosted (`bucket.s3.region.amazonaws.com/key`) on AWS's
/// endpoints, path-style (`host/bucket/key`) on custom endpoints (MinIO, moto, LocalStack, …) and
/// for bucket names that are not valid DNS labels (dots break the TLS wildcard certificate).
struct S3Addressing {
    let endpoint: AWSEndpoint
    let bucket: String
    let isPathStyle: Bool

    init(endpoint base: AWSEndpoint, bucket: String) {
        self.bucket = bucket
        isPathStyle = base.isCustom || !Self.isVirtualHostable(bucket)
        if isPathStyle {
            endpoint = base
        } else {
            var virtual = base
            virtual.host = bucket + "." + base.host
            endpoint = virtual
        }
    }

    /// The wire path: each key segment percent-encoded once, `/` kept (S3 signs it as sent).
    func path(key: String?) -> String {
        let encodedKey = key.map { PercentEncoding.encode($0, keepSlash: true) } ?? ""
        if isPathStyle { return "/" + PercentEncoding.encode(bucket) + (key == nil ? "" : "/" + encodedKey) }
        return "/" + encodedKey
    }

    /// Lower-case letters, digits and hyphens, 3 to 63 long, starting and ending with a letter or
    /// digit: a name that can be a DNS label under the S3 host.
    static func isVirtualHostable(_ bucket: String) -> Bool {
        let bytes = Array(bucket.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func isLowerAlnum(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard isLowerAlnum(bytes[0]), isLowerAlnum(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }
}
