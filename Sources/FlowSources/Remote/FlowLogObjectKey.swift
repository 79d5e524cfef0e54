import FlowCore

/// What the S3 key of a flow log delivery says about itself, in either of AWS's two layouts:
///
/// - plain: `AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/[{HH}/]{name}`
/// - Hive-compatible: `AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/aws-region={region}/
///   year={yyyy}/month={mm}/day={dd}/[hour={HH}/]{name}`
///
/// where `{name}` is `{account}_vpcflowlogs_{region}_{flow-log-id}_{yyyymmddTHHmmZ}_{hash}.log.gz`
/// (or `.parquet`), stamped with the end of the delivery window.
public struct FlowLogObjectKey: Sendable, Equatable {
    public var style: S3KeyLayout
    /// Everything up to and including `AWSLogs/`.
    public var root: String
    public var account: String?
    public var region: String?
    /// The flow log id from the file name (`fl-...`).
    public var flowLogID: String?
    /// The delivery time from the file name, Unix seconds.
    public var fileTime: Int64?

    /// Reads a key; nil when it is not under an `AWSLogs/` folder.
    public init?(key: String) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard let logs = parts.firstIndex(of: "AWSLogs") else { return nil }
        root = parts[...logs].joined(separator: "/") + "/"
        let rest = Array(parts[(logs + 1)...])
        style = rest.first?.hasPrefix("aws-account-id=") == true ? .hive : .plain
        func value(_ part: Substring, _ name: String) -> String {
            part.hasPrefix(name + "=") ? String(part.dropFirst(name.count + 1)) : String(part)
        }
        if rest.count > 1 { account = value(rest[0], "aws-account-id") }
        if rest.count > 3 { region = value(rest[2], "aws-region") }
        if let name = rest.last, rest.count > 4 {
            let pieces = name.split(separator: "_")
            if pieces.count >= 6, pieces[1] == "vpcflowlogs" {
                flowLogID = String(pieces[3])
                fileTime = Self.parseStamp(pieces[4])
            }
        }
    }

    /// `20261128T1205Z` as Unix seconds.
    static func parseStamp(_ stamp: Substring) -> Int64? {
        let bytes = Array(stamp.utf8)
        guard bytes.count == 14, bytes[8] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return CivilDate(year: year, month: month, day: day).unixSeconds + Int64(hour * 3600 + minute * 60)
    }
}

/// How S3 object keys are laid out for a flow log delivered to S3.
public enum S3KeyLayout: String, CaseIterable, Sendable, Hashable {
    /// `AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/[{HH}/]`.
    case plain
    /// `AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/aws-region={region}/year={yyyy}/
    /// month={mm}/day={dd}/[hour={HH}/]`, AWS's "Hive-compatible S3 prefix" option.
    case hive

    /// The object key of one delivered file, exactly as AWS names it:
    /// `{account}_vpcflowlogs_{region}_{flow-log-id}_{yyyymmddTHHmmZ}_{hash}.log.gz` in the
    /// folder of its delivery time (`.log` when `gzip` is false, which AWS never does but makes
    /// uncompressed runs readable with the same tools).
    public func objectKey(
        account: String, region: String, flowLogID: String, time: Int64, hash: String, hourly: Bool, gzip: Bool = true
    ) -> String {
        let day = CivilDate(unixSeconds: time)
        let secondOfDay = Int(time - day.unixSeconds)
        let hour = secondOfDay / 3600
        let minute = secondOfDay % 3600 / 60
        let folder: String
        switch self {
        case .plain: folder = "AWSLogs/\(account)/vpcflowlogs/\(region)/"
        case .hive: folder = "AWSLogs/aws-account-id=\(account)/aws-service=vpcflowlogs/aws-region=\(region)/"
        }
        let stamp = Self.stampPrefix(day: day, hour: hour) + (minute < 10 ? "0\(minute)Z" : "\(minute)Z")
        return folder + datePath(day: day, hour: hourly ? hour : nil)
            + "\(account)_vpcflowlogs_\(region)_\(flowLogID)_\(stamp)_\(hash).log" + (gzip ? ".gz" : "")
    }

    /// The folder of one day (and hour, for hourly partitions) below a region folder.
    public func datePath(day: CivilDate, hour: Int? = nil) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        switch self {
        case .plain:
            return "\(day.year)/\(two(day.month))/\(two(day.day))/" + (hour.map { "\(two($0))/" } ?? "")
        case .hive:
            return "year=\(day.year)/month=\(two(day.month))/day=\(two(day.day))/" + (hour.map { "hour=\(two($0))/" } ?? "")
        }
    }

    /// The start of a file name's delivery stamp for one hour, such as `20261128T05`.
    public static func stampPrefix(day: CivilDate, hour: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(day.year)\(two(day.month))\(two(day.day))T\(two(hour))"
    }
}

/// A calendar day in UTC, the unit of S3 date folders.
public struct CivilDate: Sendable, Hashable, Comparable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day holding a Unix time.
    public init(unixSeconds: Int64) {
        let days = unixSeconds >= 0 ? unixSeconds / 86400 : (unixSeconds - 86399) / 86400
        let (y, m, d) = Timestamp.civil(fromDays: days)
        year = Int(y)
        month = Int(m)
        day = Int(d)
    }

    /// Midnight of this day, Unix seconds.
    public var unixSeconds: Int64 {
        Timestamp.days(fromCivil: Int64(year), Int64(month), Int64(day)) * 86400
    }

    public var next: CivilDate { CivilDate(unixSeconds: unixSeconds + 86400) }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
