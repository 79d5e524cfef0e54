/// A failed AWS call, named the way a user can act on it: which service, which action, on which
/// resource, and what AWS answered.
///
/// `description` reads like
/// `AccessDenied: s3:ListObjectsV2 on s3://bucket/prefix denied (HTTP 403): Access Denied`.
/// Credentials never appear in it: the message comes from AWS's error body or from the
/// transport, and requests are never echoed.
public struct AWSError: Error, Sendable, CustomStringConvertible, Equatable {
    /// AWS's error code (`AccessDenied`, `NoSuchKey`, `ThrottlingException`), or one of FlowAWS's
    /// own for failures that never reached AWS or came back unreadable.
    public struct Code: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The request never got an HTTP answer (connection refused, reset, timed out).
        public static let connectionFailed = Code("ConnectionFailed")
        /// The answer was not the XML or JSON the operation expects.
        public static let malformedResponse = Code("MalformedResponse")
        /// An HTTP error whose body named no AWS error code.
        public static let httpError = Code("HTTPError")
        public static let accessDenied = Code("AccessDenied")
        public static let noSuchBucket = Code("NoSuchBucket")
        public static let noSuchKey = Code("NoSuchKey")
        public static let resourceNotFound = Code("ResourceNotFoundException")
    }

    public var code: Code
    public var message: String
    /// The signing name of the service: `s3`, `logs`, `ec2`, `sts`.
    public var service: String
    /// The API action: `ListObjectsV2`, `FilterLogEvents`.
    public var action: String
    /// What the call was about, as a user writes it: `s3://bucket/key`, `log group vpc-flows`.
    public var resource: String?
    public var statusCode: Int?
    public var requestID: String?
    /// How many attempts were made before giving up (more than one after retries).
    public var attempts: Int

    public init(
        code: Code, message: String, service: String, action: String, resource: String? = nil,
        statusCode: Int? = nil, requestID: String? = nil, attempts: Int = 1
    ) {
        self.code = code
        self.message = message
        self.service = service
        self.action = action
        self.resource = resource
        self.statusCode = statusCode
        self.requestID = requestID
        self.attempts = attempts
    }

    /// True for an access problem (401/403, or an AWS code saying so).
    public var isAccessDenied: Bool {
        statusCode == 401 || statusCode == 403 || code.rawValue.contains("AccessDenied")
            || code.rawValue == "UnauthorizedOperation" || code.rawValue.contains("Unauthorized")
    }

    /// True when the named thing does not exist (404, or a `NoSuch…`/`…NotFound…` code).
    public var isNotFound: Bool {
        statusCode == 404 || code.rawValue.hasPrefix("NoSuch") || code.rawValue.contains("NotFound")
    }

    public var description: String {
        var text = "\(code): \(service):\(action)"
        if let resource { text += " on \(resource)" }
        text += isAccessDenied ? " denied" : " failed"
        if let statusCode { text += " (HTTP \(statusCode))" }
        if !message.isEmpty { text += ": \(message)" }
        if attempts > 1 { text += " [after \(attempts) attempts]" }
        if let requestID { text += " [request id \(requestID)]" }
        return text
    }
}
