import Crypto
public import Foundation

/// Signs requests with AWS Signature Version 4, in an `Authorization` header or as a presigned URL.
///
/// The canonical request follows AWS's rules exactly, as checked against both of AWS's published
/// test suites: the path is normalised and encoded a second time for every service but S3 (whose
/// keys are signed exactly as sent); query parameters are encoded and sorted; header names are
/// lower-cased, values trimmed with runs of whitespace collapsed, repeated headers comma-joined.
///
/// The signer holds secrets. Nothing it produces for display (`description`, errors) includes them.
public struct SigV4Signer: Sendable, CustomStringConvertible {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String
    public var options: Options

    /// How a service wants its requests canonicalised.
    public struct Options: Sendable, Hashable {
        /// Remove `.` and `..` segments and empty segments from the path before signing.
        public var normalizePath: Bool
        /// Percent-encode the (already encoded) wire path again; every service but S3.
        public var doubleEncodePath: Bool
        /// Send and sign `x-amz-content-sha256` with the payload hash (S3 requires it).
        public var addContentSHA256Header: Bool
        /// Add the session token after signing instead of signing it (a few services want this).
        public var omitSessionTokenFromSignature: Bool

        public init(
            normalizePath: Bool = true, doubleEncodePath: Bool = true, addContentSHA256Header: Bool = false,
            omitSessionTokenFromSignature: Bool = false
        ) {
            self.normalizePath = normalizePath
            self.doubleEncodePath = doubleEncodePath
            self.addContentSHA256Header = addContentSHA256Header
            self.omitSessionTokenFromSignature = omitSessionTokenFromSignature
        }

        /// Every service but S3.
        public static let standard = Options()
        /// S3: keys are signed as sent, and the payload hash travels in `x-amz-content-sha256`.
        public static let s3 = Options(normalizePath: false, doubleEncodePath: false, addContentSHA256Header: true)
    }

    public init(credentials: AWSCredentials, region: String, service: String, options: Options = .standard) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    public var description: String {
        "SigV4Signer(region: \(region), service: \(service), credentials: \(credentials))"
    }

    /// Signs `request` with an `Authorization` header.
    ///
    /// Adds `X-Amz-Date`, `X-Amz-Security-Token` for temporary credentials, `x-amz-content-sha256`
    /// when the options ask for it, and `Authorization`. Every header present is signed, so set
    /// `Host` (with the port when it is not the scheme's default) before signing.
    public func signHeaders(_ request: SigV4Request, date: Date) -> SigV4Request {
        signHeadersWithDetails(request, date: date).request
    }

    /// Returns `request` as a presigned request: the signature and its inputs go in the query.
    ///
    /// - Parameter expires: seconds the URL stays valid (AWS allows 1 to 604800).
    public func presign(_ request: SigV4Request, date: Date, expires: Int) -> SigV4Request {
        presignWithDetails(request, date: date, expires: expires).request
    }

    /// A signed request with the intermediate values AWS's test suites publish.
    package struct Details: Sendable {
        var request: SigV4Request
        var canonicalRequest: String
        var stringToSign: String
        var signature: String
    }

    package func signHeadersWithDetails(_ original: SigV4Request, date: Date) -> Details {
        var request = original
        let timestamp = SigV4Timestamp(date)
        request.setHeader("X-Amz-Date", timestamp.dateTime)
        let payloadHash = self.payloadHash(request.payload)
        if options.addContentSHA256Header {
            request.setHeader("x-amz-content-sha256", payloadHash)
        }
        if let token = credentials.sessionToken, !options.omitSessionTokenFromSignature {
            request.setHeader("X-Amz-Security-Token", token)
        }
        let headers = CanonicalHeaders(request.headers)
        let canonical = canonicalRequest(request, query: request.queryItems, headers: headers, payloadHash: payloadHash)
        let stringToSign = self.stringToSign(canonical, timestamp: timestamp)
        let signature = self.signature(of: stringToSign, timestamp: timestamp)
        request.setHeader(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(timestamp)), "
                + "SignedHeaders=\(headers.signedHeaders), Signature=\(signature)")
        if let token = credentials.sessionToken, options.omitSessionTokenFromSignature {
            request.setHeader("X-Amz-Security-Token", token)
        }
        return Details(request: request, canonicalRequest: canonical, stringToSign: stringToSign, signature: signature)
    }

    package func presignWithDetails(_ original: SigV4Request, date: Date, expires: Int) -> Details {
        var request = original
        let timestamp = SigV4Timestamp(date)
        let headers = CanonicalHeaders(request.headers)
        var query = request.queryItems
        query.append(.init("X-Amz-Algorithm", "AWS4-HMAC-SHA256"))
        query.append(.init("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(timestamp))"))
        query.append(.init("X-Amz-Date", timestamp.dateTime))
        query.append(.init("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken, !options.omitSessionTokenFromSignature {
            query.append(.init("X-Amz-Security-Token", token))
        }
        query.append(.init("X-Amz-SignedHeaders", headers.signedHeaders))
        let payloadHash = self.payloadHash(request.payload)
        let canonical = canonicalRequest(request, query: query, headers: headers, payloadHash: payloadHash)
        let stringToSign = self.stringToSign(canonical, timestamp: timestamp)
        let signature = self.signature(of: stringToSign, timestamp: timestamp)
        query.append(.init("X-Amz-Signature", signature))
        if let token = credentials.sessionToken, options.omitSessionTokenFromSignature {
            query.append(.init("X-Amz-Security-Token", token))
        }
        request.queryItems = query
        return Details(request: request, canonicalRequest: canonical, stringToSign: stringToSign, signature: signature)
    }

    // MARK: - The steps of the algorithm

    func payloadHash(_ payload: SigV4Request.Payload) -> String {
        switch payload {
        case .bytes(let bytes): SHA256.hash(data: bytes).hexString
        case .sha256(let hash): hash
        case .unsigned: "UNSIGNED-PAYLOAD"
        }
    }

    func canonicalRequest(
        _ request: SigV4Request, query: [SigV4Request.QueryItem], headers: CanonicalHeaders, payloadHash: String
    ) -> String {
        [
            request.method.uppercased(),
            canonicalPath(request.path),
            Self.canonicalQuery(query),
            headers.canonical,
            headers.signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The wire path, normalised and encoded again unless the options say otherwise (S3).
    func canonicalPath(_ wirePath: String) -> String {
        var path = wirePath.isEmpty ? "/" : wirePath
        if options.normalizePath { path = Self.normalizedPath(path) }
        if options.doubleEncodePath { path = PercentEncoding.encode(path, keepSlash: true) }
        return path
    }

    /// Removes `.` and `..` segments (RFC 3986 section 5.2.4) and empty segments, keeping a leading
    /// and a trailing slash.
    static func normalizedPath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        let endsWithSlash =
            path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/..") || path == "." || path == ".."
        var result = "/" + segments.joined(separator: "/")
        if endsWithSlash && !segments.isEmpty { result += "/" }
        return result
    }

    /// Names and values encoded, sorted by name then value (byte order of the encoded text).
    static func canonicalQuery(_ items: [SigV4Request.QueryItem]) -> String {
        items.map { (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value)) }
            .sorted {
                $0.0 == $1.0
                    ? $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8)
            }
            .map { $0.0 + "=" + $0.1 }
            .joined(separator: "&")
    }

    func scope(_ timestamp: SigV4Timestamp) -> String {
        "\(timestamp.date)/\(region)/\(service)/aws4_request"
    }

    func stringToSign(_ canonicalRequest: String, timestamp: SigV4Timestamp) -> String {
        [
            "AWS4-HMAC-SHA256", timestamp.dateTime, scope(timestamp),
            SHA256.hash(data: Array(canonicalRequest.utf8)).hexString,
        ].joined(separator: "\n")
    }

    func signature(of stringToSign: String, timestamp: SigV4Timestamp) -> String {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key))
        }
        let secret = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        let signingKey = hmac(hmac(hmac(hmac(secret, timestamp.date), region), service), "aws4_request")
        return HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey).hexString
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex, as SigV4 prints hashes and signatures.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for byte in self {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
