/// Calls to STS's query protocol: a form-encoded POST of `Action`, `Version` and parameters,
/// answered in XML. Shared by `AWSClient`'s STS operations and the role credential providers.
struct STSQuery: Sendable {
    let transport: AWSTransport
    let endpoint: AWSEndpoint
    let region: String

    static let version = "2011-06-15"

    /// Sends the action and returns the `<ActionResult>` element.
    ///
    /// - Parameter credentials: nil for the unsigned AssumeRoleWithWebIdentity.
    func call(
        _ action: String, parameters: [(String, String)], credentials: (any AWSCredentialsProvider)?,
        resource: String?
    ) async throws -> XMLElement {
        let body = QueryProtocol.formBody(action: action, version: Self.version, parameters: parameters)
        let request = AWSRequest(
            service: .sts, action: action, resource: resource, endpoint: endpoint, method: "POST", path: "/",
            headers: [.init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: body,
            isSigned: credentials != nil)
        let response = try await transport.send(request, region: region, credentials: credentials)
        return try QueryProtocol.result(of: action, in: response, request: request)
    }

    /// The `<Credentials>` of an AssumeRole-style result.
    static func credentials(in result: XMLElement, request action: String) throws -> AWSCredentials {
        guard let element = result.child("Credentials"), let accessKey = element.value("AccessKeyId"),
            let secretKey = element.value("SecretAccessKey")
        else {
            throw AWSError(
                code: .malformedResponse, message: "the answer has no Credentials element", service: "sts",
                action: action)
        }
        return AWSCredentials(
            accessKeyID: accessKey, secretAccessKey: secretKey, sessionToken: element.value("SessionToken"),
            expiration: element.value("Expiration").flatMap(ISO8601.date))
    }
}
