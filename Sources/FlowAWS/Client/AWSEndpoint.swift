import Foundation

/// Where requests for one service go: scheme, host, port and an optional base path.
public struct AWSEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int?
    /// A path prefix from a custom endpoint URL (`http://host:9000/storage` → `/storage`); empty
    /// for AWS's own endpoints.
    public var basePath: String
    /// True when the endpoint came from `--endpoint-url` or `AWS_ENDPOINT_URL*`: S3 then uses
    /// path-style addressing, which every S3-compatible store understands.
    public var isCustom: Bool

    public init(scheme: String, host: String, port: Int? = nil, basePath: String = "", isCustom: Bool = false) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
        self.isCustom = isCustom
    }

    /// Parses `http(s)://host[:port][/path]`.
    public init(url: String, isCustom: Bool = true) throws {
        let invalid = AWSConfigurationError(
            "Endpoint URL '\(url)' is not valid: expected http(s)://host[:port][/path]")
        guard let schemeEnd = url.range(of: "://") else { throw invalid }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw invalid }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...].prefix { $0 != "?" })
        while path.hasSuffix("/") { path.removeLast() }
        var host = String(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw invalid
            }
            port = number
            host = String(authority[..<colon])
        }
        guard !host.isEmpty, !host.contains("@") else { throw invalid }
        self.init(scheme: scheme, host: host, port: port, basePath: path, isCustom: isCustom)
    }

    /// AWS's regional endpoint for a service (`https://logs.eu-west-1.amazonaws.com`).
    public static func aws(_ service: AWSService, region: String) -> AWSEndpoint {
        AWSEndpoint(scheme: "https", host: "\(service.signingName).\(region).\(dnsSuffix(region: region))")
    }

    /// `amazonaws.com`, or `amazonaws.com.cn` in the China regions.
    public static func dnsSuffix(region: String) -> String {
        region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
    }

    /// The `Host` header value: the port is included only when it is not the scheme's default.
    public var hostHeader: String {
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return host }
        return "\(host):\(port)"
    }

    /// `scheme://host[:port]`.
    public var origin: String { "\(scheme)://\(hostHeader)" }

    public var description: String { origin + basePath }
}
