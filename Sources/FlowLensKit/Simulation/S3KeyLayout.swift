/// How S3 object keys are laid out for a flow log delivered to S3.
public enum S3KeyLayout: String, CaseIterable, Sendable, Hashable {
    /// `AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/[{HH}/]`.
    case plain
    /// `AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/aws-region={region}/year={yyyy}/
    /// month={mm}/day={dd}/[hour={HH}/]`, AWS's "Hive-compatible S3 prefix" option.
    case hive

    /// The object key of one delivered file, exactly as AWS names it.
    ///
    /// The file name is `{account}_vpcflowlogs_{region}_{flow-log-id}_{yyyymmddTHHmmZ}_{hash}`
    /// followed by `.log.gz` (or `.log` when `gzip` is false, which AWS never does but makes
    /// uncompressed runs readable with the same tools).
    ///
    /// - Parameters:
    ///   - account: The 12-digit account id.
    ///   - region: Such as `us-east-1`.
    ///   - flowLogID: Such as `fl-0123456789abcdef0`.
    ///   - time: Unix seconds of the delivery, which names both the folder and the file.
    ///   - hash: Eight lowercase hex digits that keep names unique.
    ///   - hourly: Adds the hour folder (AWS's "per-hour partition" option).
    ///   - gzip: Chooses the `.log.gz` extension.
    public func objectKey(
        account: String, region: String, flowLogID: String, time: Int64, hash: String, hourly: Bool, gzip: Bool = true
    ) -> String {
        let t = UTCTime(unixSeconds: time)
        let yyyy = UTCTime.pad(t.year, 4)
        let mm = UTCTime.pad(t.month)
        let dd = UTCTime.pad(t.day)
        let hh = UTCTime.pad(t.hour)
        var key: String
        switch self {
        case .plain:
            key = "AWSLogs/\(account)/vpcflowlogs/\(region)/\(yyyy)/\(mm)/\(dd)/"
            if hourly { key += "\(hh)/" }
        case .hive:
            key =
                "AWSLogs/aws-account-id=\(account)/aws-service=vpcflowlogs/aws-region=\(region)/"
                + "year=\(yyyy)/month=\(mm)/day=\(dd)/"
            if hourly { key += "hour=\(hh)/" }
        }
        let stamp = "\(yyyy)\(mm)\(dd)T\(hh)\(UTCTime.pad(t.minute))Z"
        key += "\(account)_vpcflowlogs_\(region)_\(flowLogID)_\(stamp)_\(hash).log"
        if gzip { key += ".gz" }
        return key
    }
}
