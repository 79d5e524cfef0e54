/// One call to an AWS API, before signing: what to send and how to describe it in errors.
struct AWSRequest: Sendable {
    var service: AWSService
    /// The API action (`ListObjectsV2`), for errors.
    var action: String
    /// The resource for errors (`s3://bucket/key`), without secrets.
    var resource: String?
    var endpoint: AWSEndpoint
    var method: String = "GET"
    /// The wire path below the endpoint's base path, percent-encoded.
    var path: String = "/"
    var queryItems: [SigV4Request.QueryItem] = []
    var headers: [SigV4Request.Header] = []
    var body: [UInt8] = []
    /// Sign with `UNSIGNED-PAYLOAD` instead of the body's hash (S3 streaming uploads).
    var unsignedPayload = false
    /// False for the few calls that take no signature (AssumeRoleWithWebIdentity).
    var isSigned = true
    /// How the error body reads: XML (S3, EC2, STS) or JSON (CloudWatch Logs).
    var errorFormat: ErrorFormat = .xml

    enum ErrorFormat: Sendable {
        case xml
        case json
    }
}

/// An HTTP answer, with the body collected.
struct AWSResponse: Sendable {
    var statusCode: Int
    var headers: [SigV4Request.Header]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
