import Foundation

/// Temporary credentials for a role, from STS AssumeRole signed with another provider's
/// credentials (`role_arn` + `source_profile` or `credential_source`, or `--role-arn`).
struct AssumeRoleCredentialsProvider: AWSCredentialsProvider {
    let roleARN: String
    let sessionName: String
    let externalID: String?
    let durationSeconds: Int?
    let source: any AWSCredentialsProvider
    let sts: STSQuery
    let origin: String

    var name: String { "assume role \(roleARN) (\(origin))" }

    func credentials() async throws -> AWSCredentials {
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let externalID { parameters.append(("ExternalId", externalID)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        do {
            let result = try await sts.call(
                "AssumeRole", parameters: parameters, credentials: source, resource: roleARN)
            return try STSQuery.credentials(in: result, request: "AssumeRole")
        } catch let error as AWSCredentialsError {
            throw AWSCredentialsError.failed(name, "source credentials: \(error)")
        } catch {
            throw AWSCredentialsError.failed(name, String(describing: error))
        }
    }

    /// A session name like the CLI's: unique per process and time.
    static func defaultSessionName() -> String {
        "flowlens-\(Int(Date().timeIntervalSince1970))"
    }
}
