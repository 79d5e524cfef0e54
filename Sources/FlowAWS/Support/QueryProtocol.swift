/// The AWS query protocol shared by EC2 and STS: parameters as a form-encoded POST body, answers
/// as XML wrapped in `<ActionResponse><ActionResult>` (STS) or directly in `<ActionResponse>` (EC2).
enum QueryProtocol {
    static func formBody(action: String, version: String, parameters: [(String, String)]) -> [UInt8] {
        let pairs = [("Action", action), ("Version", version)] + parameters
        return Array(
            pairs.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&").utf8)
    }

    /// The `<ActionResult>` element when there is one, else the `<ActionResponse>` root.
    static func result(of action: String, in response: AWSResponse, request: AWSRequest) throws -> XMLElement {
        let root: XMLElement
        do {
            root = try XMLElement.parse(response.body)
        } catch {
            throw AWSError(
                code: .malformedResponse, message: "unreadable XML answer: \(error)",
                service: request.service.signingName, action: action, resource: request.resource,
                statusCode: response.statusCode)
        }
        return root.child(action + "Result") ?? root
    }
}
