import Foundation

/// Reads AWS's error code, message and request id from an error answer, in each protocol's shape:
/// S3 `<Error>`, STS `<ErrorResponse><Error>`, EC2 `<Response><Errors><Error>`, and the JSON
/// protocol's `{"__type": "…#Code", "message": "…"}` (or the `x-amzn-ErrorType` header).
enum AWSErrorParser {
    static func error(for response: AWSResponse, request: AWSRequest, reason: String, attempts: Int) -> AWSError {
        var code: String?
        var message: String?
        var requestID = response.header("x-amz-request-id") ?? response.header("x-amzn-RequestId")
        switch request.errorFormat {
        case .xml:
            if let root = try? XMLElement.parse(response.body), let error = root.first(named: "Error") {
                code = error.value("Code")
                message = error.value("Message")
                requestID = error.value("RequestId") ?? root.value("RequestId") ?? root.value("RequestID") ?? requestID
            }
        case .json:
            if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] {
                code = (object["__type"] as? String ?? object["code"] as? String).map(shortCode)
                message = object["message"] as? String ?? object["Message"] as? String
            }
        }
        if code == nil || code?.isEmpty == true, let header = response.header("x-amzn-ErrorType") {
            code = shortCode(header)
        }
        let resolvedCode: AWSError.Code
        if let code, !code.isEmpty {
            resolvedCode = AWSError.Code(code)
        } else {
            // A body-less answer (HEAD requests, proxies): name what the status says.
            switch response.statusCode {
            case 403: resolvedCode = .accessDenied
            case 404: resolvedCode = AWSError.Code("NotFound")
            default: resolvedCode = .httpError
            }
        }
        return AWSError(
            code: resolvedCode, message: message ?? reason, service: request.service.signingName,
            action: request.action, resource: request.resource, statusCode: response.statusCode,
            requestID: requestID, attempts: attempts)
    }

    /// `com.amazonaws.logs#ResourceNotFoundException` or `ThrottlingException:http://…` → the bare code.
    static func shortCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        return String(code)
    }
}
