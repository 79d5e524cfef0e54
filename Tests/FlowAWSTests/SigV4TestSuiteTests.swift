import Foundation
import Testing

@testable import FlowAWS

/// Every case of AWS's two SigV4 test suites in `<corpus>/sigv4`, signed both in the header and
/// as a presigned URL where the suite has expectations for both.
///
/// Applicability:
/// - `aws-c-auth-aws-signing-test-suite/v4`: all 38 cases apply, header and query signing.
/// - `mhart-aws4-aws-sig-v4-test-suite`: all 31 cases apply (header signing only; this older suite
///   publishes no presigned expectations). Its `get-header-value-multiline` reads a folded header
///   differently from the newer suite's case of the same name; see `RawHTTPRequest.Folding`.
/// - `aws-c-auth-aws-signing-test-suite/v4a`: not applicable. SigV4a is the ECDSA P-256 variant
///   for multi-region access points and global endpoints; FlowLens signs only regional S3,
///   CloudWatch Logs, EC2 and STS requests, which take SigV4, so FlowAWS has no SigV4a signer to
///   test. The test below asserts that the folder holds exactly the 40 cases we know we skip.
@Suite struct SigV4TestSuiteTests {
    static let awsCAuthCases = [
        "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order", "get-header-value-trim",
        "get-relative-normalized", "get-relative-relative-normalized", "get-relative-relative-unnormalized",
        "get-relative-unnormalized", "get-slash-dot-slash-normalized", "get-slash-dot-slash-unnormalized",
        "get-slash-normalized", "get-slash-pointless-dot-normalized", "get-slash-pointless-dot-unnormalized",
        "get-slash-unnormalized", "get-slashes-normalized", "get-slashes-unnormalized", "get-space-normalized",
        "get-space-unnormalized", "get-unreserved", "get-utf8", "get-vanilla", "get-vanilla-empty-query-key",
        "get-vanilla-query", "get-vanilla-query-order-encoded", "get-vanilla-query-order-key-case",
        "get-vanilla-query-unreserved", "get-vanilla-utf8-query", "get-vanilla-with-session-token",
        "post-header-key-case", "post-header-key-sort", "post-header-value-case", "post-sts-header-after",
        "post-sts-header-before", "post-vanilla", "post-vanilla-empty-query-value", "post-vanilla-query",
        "post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters",
    ]

    static let mhartCases = [
        "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order", "get-header-value-trim",
        "get-unreserved", "get-utf8", "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query",
        "get-vanilla-query-order-key", "get-vanilla-query-order-key-case", "get-vanilla-query-order-value",
        "get-vanilla-query-unreserved", "get-vanilla-utf8-query", "normalize-path/get-relative",
        "normalize-path/get-relative-relative", "normalize-path/get-slash", "normalize-path/get-slash-dot-slash",
        "normalize-path/get-slash-pointless-dot", "normalize-path/get-slashes", "normalize-path/get-space",
        "post-header-key-case", "post-header-key-sort", "post-header-value-case",
        "post-sts-token/post-sts-header-after", "post-sts-token/post-sts-header-before", "post-vanilla",
        "post-vanilla-empty-query-value", "post-vanilla-query", "post-x-www-form-urlencoded",
        "post-x-www-form-urlencoded-parameters",
    ]

    /// The suites' fixed inputs (documented in the corpus's PROVENANCE.md).
    static let exampleCredentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let exampleDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    // MARK: aws-c-auth v4

    @Test func awsCAuthListsExactlyTheKnownCases() throws {
        let directory = try TestCorpus.sigv4Directory("aws-c-auth-aws-signing-test-suite/v4")
        let found = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(found == Self.awsCAuthCases.sorted())
        let v4a = try TestCorpus.sigv4Directory("aws-c-auth-aws-signing-test-suite/v4a")
        #expect(try FileManager.default.contentsOfDirectory(atPath: v4a.path).count == 40)
    }

    @Test(arguments: awsCAuthCases) func awsCAuthCase(_ name: String) throws {
        let directory = try TestCorpus.sigv4Directory("aws-c-auth-aws-signing-test-suite/v4")
            .appendingPathComponent(name)
        func file(_ file: String) throws -> String { try TestCorpus.text(directory.appendingPathComponent(file)) }
        let context = try #require(
            try JSONSerialization.jsonObject(with: Data(file("context.json").utf8)) as? [String: Any])
        let credentialsObject = try #require(context["credentials"] as? [String: Any])
        let credentials = AWSCredentials(
            accessKeyID: try #require(credentialsObject["access_key_id"] as? String),
            secretAccessKey: try #require(credentialsObject["secret_access_key"] as? String),
            sessionToken: credentialsObject["token"] as? String)
        let timestamp = try #require(context["timestamp"] as? String)
        let date = try #require(ISO8601DateFormatter().date(from: timestamp))
        let options = SigV4Signer.Options(
            normalizePath: context["normalize"] as? Bool ?? true, doubleEncodePath: true,
            addContentSHA256Header: context["sign_body"] as? Bool ?? false,
            omitSessionTokenFromSignature: context["omit_session_token"] as? Bool ?? false)
        let signer = SigV4Signer(
            credentials: credentials, region: try #require(context["region"] as? String),
            service: try #require(context["service"] as? String), options: options)
        let request = try RawHTTPRequest(file("request.txt"))

        let header = signer.signHeadersWithDetails(request.signable, date: date)
        #expect(
            header.canonicalRequest == (try file("header-canonical-request.txt")), "\(name): header canonical request")
        #expect(header.stringToSign == (try file("header-string-to-sign.txt")), "\(name): header string to sign")
        #expect(header.signature == (try file("header-signature.txt")), "\(name): header signature")
        let expectedHeaderRequest = try RawHTTPRequest(file("header-signed-request.txt"))
        #expect(
            RawHTTPRequest.sortedHeaders(header.request) == expectedHeaderRequest.sortedHeaders,
            "\(name): header-signed request headers")

        let expires = context["expiration_in_seconds"] as? Int ?? 3600
        let query = signer.presignWithDetails(request.signable, date: date, expires: expires)
        #expect(query.canonicalRequest == (try file("query-canonical-request.txt")), "\(name): query canonical request")
        #expect(query.stringToSign == (try file("query-string-to-sign.txt")), "\(name): query string to sign")
        #expect(query.signature == (try file("query-signature.txt")), "\(name): query signature")
        let expectedQueryRequest = try RawHTTPRequest(file("query-signed-request.txt"))
        #expect(
            RawHTTPRequest.sortedQuery(query.request) == RawHTTPRequest.sortedQuery(expectedQueryRequest.signable),
            "\(name): presigned query parameters")
        #expect(query.request.path == expectedQueryRequest.signable.path, "\(name): presigned path")
    }

    // MARK: mhart's copy of the classic suite

    @Test func mhartListsExactlyTheKnownCases() throws {
        let directory = try TestCorpus.sigv4Directory("mhart-aws4-aws-sig-v4-test-suite")
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".req") { found.append((path as NSString).deletingLastPathComponent) }
        }
        #expect(found.sorted() == Self.mhartCases.sorted())
    }

    @Test(arguments: mhartCases) func mhartCase(_ path: String) throws {
        let directory = try TestCorpus.sigv4Directory("mhart-aws4-aws-sig-v4-test-suite")
            .appendingPathComponent(path)
        let name = (path as NSString).lastPathComponent
        func file(_ suffix: String) throws -> String {
            try TestCorpus.text(directory.appendingPathComponent(name + suffix))
        }
        var credentials = Self.exampleCredentials
        var options = SigV4Signer.Options.standard
        if path.hasPrefix("post-sts-token/") {
            let readme = try TestCorpus.text(directory.deletingLastPathComponent().appendingPathComponent("readme.txt"))
            // The readme's last line (CRLF line ends) is the token value.
            credentials.sessionToken = readme.split(whereSeparator: \.isNewline).last.map {
                String($0).trimmingCharacters(in: .whitespaces)
            }
            options.omitSessionTokenFromSignature = name == "post-sts-header-after"
        }
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service", options: options)
        let request = try RawHTTPRequest(file(".req"), folding: .separateValues)
        let signed = signer.signHeadersWithDetails(request.signable, date: Self.exampleDate)
        #expect(signed.canonicalRequest == (try file(".creq")), "\(path): canonical request")
        #expect(signed.stringToSign == (try file(".sts")), "\(path): string to sign")
        #expect(signed.request.header("Authorization") == (try file(".authz")), "\(path): Authorization")
        let expected = try RawHTTPRequest(file(".sreq"), folding: .separateValues)
        #expect(RawHTTPRequest.sortedHeaders(signed.request) == expected.sortedHeaders, "\(path): signed headers")
    }
}
