import Foundation

@testable import FlowAWS

/// A request as the SigV4 test suites write it: `METHOD PATH HTTP/1.1`, header lines (a line that
/// starts with whitespace continues the previous header), a blank line and the body.
struct RawHTTPRequest {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    var signable: SigV4Request

    /// How a folded header (continuation lines) is read. The suites disagree: the 2015 suite
    /// (mhart's copy) takes each continuation line as one more value of the header, so the signer
    /// comma-joins them; the newer aws-c-auth suite takes the fold as one value whose line breaks
    /// are whitespace (RFC 7230's obs-fold), which the signer collapses to single spaces. The
    /// signer is the same for both; only the reading of the raw request text differs.
    enum Folding {
        case separateValues
        case oneValue
    }

    init(_ text: String, folding: Folding = .oneValue) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { throw Malformed(description: "empty request") }
        let requestLine = lines.removeFirst()
        // The path may hold spaces (get-space), so it runs from the first space to the last " HTTP/".
        guard let firstSpace = requestLine.firstIndex(of: " "),
            let protocolStart = requestLine.range(of: " HTTP/", options: .backwards)
        else { throw Malformed(description: "bad request line \(requestLine)") }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<protocolStart.lowerBound])
        var path = target
        var queryItems: [SigV4Request.QueryItem] = []
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            let query = target[target.index(after: question)...]
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                queryItems.append(
                    .init(PercentEncoding.decode(parts[0]), parts.count > 1 ? PercentEncoding.decode(parts[1]) : ""))
            }
        }
        var headers: [SigV4Request.Header] = []
        var bodyLines: [String] = []
        var inBody = false
        for line in lines {
            if inBody {
                bodyLines.append(line)
            } else if line.isEmpty {
                inBody = true
            } else if line.first == " " || line.first == "\t", let last = headers.last {
                switch folding {
                case .oneValue: headers[headers.count - 1].value += "\n" + line
                case .separateValues: headers.append(.init(last.name, line.trimmingCharacters(in: .whitespaces)))
                }
            } else if let colon = line.firstIndex(of: ":") {
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers.append(.init(String(line[..<colon]), value))
            } else {
                throw Malformed(description: "bad header line \(line)")
            }
        }
        signable = SigV4Request(
            method: method, path: path, queryItems: queryItems, headers: headers,
            payload: .bytes(Array(bodyLines.joined(separator: "\n").utf8)))
    }

    var sortedHeaders: [String] { Self.sortedHeaders(signable) }

    /// Headers as `name:value` with the name lower-cased and the value's whitespace collapsed,
    /// sorted, so that header order (which the suites vary) does not matter.
    static func sortedHeaders(_ request: SigV4Request) -> [String] {
        request.headers.map { $0.name.lowercased() + ":" + CanonicalHeaders.normalizedValue($0.value) }.sorted()
    }

    static func sortedQuery(_ request: SigV4Request) -> [String] {
        request.queryItems.map { $0.name + "=" + $0.value }.sorted()
    }
}
