import Foundation

/// Temporary credentials from STS AssumeRoleWithWebIdentity with the OIDC token in a file (EKS
/// service accounts, GitHub Actions): `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`
/// (+ `AWS_ROLE_SESSION_NAME`), or a profile's `web_identity_token_file` + `role_arn`.
///
/// The token file is read on every fetch because its owner rotates it. The call is unsigned.
struct WebIdentityCredentialsProvider: AWSCredentialsProvider {
    let tokenFile: String
    let roleARN: String
    let sessionName: String
    let sts: STSQuery
    let origin: String

    var name: String { "web identity \(roleARN) (\(origin))" }

    func credentials() async throws -> AWSCredentials {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
        } catch {
            throw AWSCredentialsError.failed(name, "cannot read the token file \(tokenFile)")
        }
        guard !token.isEmpty else { throw AWSCredentialsError.failed(name, "the token file \(tokenFile) is empty") }
        do {
            let result = try await sts.call(
                "AssumeRoleWithWebIdentity",
                parameters: [("RoleArn", roleARN), ("RoleSessionName", sessionName), ("WebIdentityToken", token)],
                credentials: nil, resource: roleARN)
            return try STSQuery.credentials(in: result, request: "AssumeRoleWithWebIdentity")
        } catch {
            throw AWSCredentialsError.failed(name, String(describing: error))
        }
    }
}
