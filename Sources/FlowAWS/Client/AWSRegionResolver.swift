/// Finds the region the way the AWS CLI does: the explicit option (`--region`), then
/// `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region`.
public enum AWSRegionResolver {
    /// The region, or an error that lists every place looked at.
    ///
    /// - Parameters:
    ///   - explicit: the `--region` option, when given.
    ///   - profile: the profile whose `region` to use (`--profile`, else `AWS_PROFILE`, else `default`).
    public static func resolve(
        explicit: String?, profile: String, environment: AWSEnvironment, sharedConfig: AWSSharedConfig
    ) throws -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let region = environment["AWS_REGION"] { return region }
        if let region = environment["AWS_DEFAULT_REGION"] { return region }
        if let region = sharedConfig.profile(profile)?["region"], !region.isEmpty { return region }
        throw AWSConfigurationError(
            "No AWS region: give --region, set AWS_REGION or AWS_DEFAULT_REGION, or set `region` in profile "
                + "'\(profile)' of \(environment.configFile)")
    }
}
