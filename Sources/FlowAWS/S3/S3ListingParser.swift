import Foundation

/// Reads a ListObjectsV2 answer (`<ListBucketResult>`), URL-decoding keys and prefixes when the
/// answer says `<EncodingType>url</EncodingType>`.
enum S3ListingParser {
    static func page(from body: [UInt8], request: AWSRequest) throws -> S3ListPage {
        func malformed(_ message: String) -> AWSError {
            AWSError(
                code: .malformedResponse, message: message, service: "s3", action: request.action,
                resource: request.resource)
        }
        let root: XMLElement
        do { root = try XMLElement.parse(body) } catch { throw malformed("unreadable XML answer: \(error)") }
        guard root.name == "ListBucketResult" else { throw malformed("expected ListBucketResult, got \(root.name)") }
        let urlEncoded = root.value("EncodingType")?.lowercased() == "url"
        func decoded(_ text: String) -> String { urlEncoded ? PercentEncoding.decode(text, plusIsSpace: true) : text }

        var objects: [S3ObjectInfo] = []
        for element in root.children("Contents") {
            guard let key = element.value("Key") else { throw malformed("a Contents element has no Key") }
            guard let modified = element.value("LastModified").flatMap(ISO8601.date) else {
                throw malformed("object \(decoded(key)) has no readable LastModified")
            }
            objects.append(
                S3ObjectInfo(
                    key: decoded(key), eTag: AWSClient.unquotedETag(element.value("ETag")),
                    size: element.value("Size").flatMap { Int64($0) } ?? 0, lastModified: modified))
        }
        let prefixes = root.children("CommonPrefixes").compactMap { $0.value("Prefix") }.map(decoded)
        let token = root.value("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        return S3ListPage(
            objects: objects, commonPrefixes: prefixes, nextContinuationToken: token,
            isTruncated: root.value("IsTruncated")?.lowercased() == "true")
    }
}
