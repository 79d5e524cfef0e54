extension AWSClient {
    /// Temporary credentials for a role, signed with this client's credentials.
    public func assumeRole(
        roleARN: String, sessionName: String, durationSeconds: Int? = nil, externalID: String? = nil
    ) async throws -> AWSCredentials {
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let externalID { parameters.append(("ExternalId", externalID)) }
        let result = try await sts.call(
            "AssumeRole", parameters: parameters, credentials: credentialsProvider, resource: roleARN)
        return try STSQuery.credentials(in: result, request: "AssumeRole")
    }

    /// Temporary credentials for a role in exchange for an OIDC token; the call is not signed.
    public func assumeRoleWithWebIdentity(
        roleARN: String, sessionName: String, webIdentityToken: String, durationSeconds: Int? = nil
    ) async throws -> AWSCredentials {
        var parameters = [
            ("RoleArn", roleARN), ("RoleSessionName", sessionName), ("WebIdentityToken", webIdentityToken),
        ]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let result = try await sts.call(
            "AssumeRoleWithWebIdentity", parameters: parameters, credentials: nil, resource: roleARN)
        return try STSQuery.credentials(in: result, request: "AssumeRoleWithWebIdentity")
    }

    /// The account, ARN and user id of this client's credentials.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let result = try await sts.call(
            "GetCallerIdentity", parameters: [], credentials: credentialsProvider, resource: nil)
        guard let account = result.value("Account"), let arn = result.value("Arn") else {
            throw AWSError(
                code: .malformedResponse, message: "the answer has no Account/Arn", service: "sts",
                action: "GetCallerIdentity")
        }
        return CallerIdentity(account: account, arn: arn, userID: result.value("UserId") ?? "")
    }
}
