import FlowCore

/// Calendar arithmetic on Unix seconds in UTC, without Foundation.
///
/// The simulator needs dates for S3 key parts and RFC 3339 for labels and summaries, thousands
/// of times per run; the civil-date conversion is `Timestamp`'s.
public struct UTCTime: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    /// The calendar fields of a Unix time.
    public init(unixSeconds: Int64) {
        let days = UTCTime.floorDiv(unixSeconds, 86_400)
        let secondsOfDay = Int(unixSeconds - days * 86_400)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        year = Int(y)
        month = Int(m)
        day = Int(d)
        hour = secondsOfDay / 3600
        minute = secondsOfDay / 60 % 60
        second = secondsOfDay % 60
    }

    /// Unix seconds of a calendar date and time in UTC.
    public static func unixSeconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0)
        -> Int64
    {
        Timestamp.days(fromCivil: Int64(year), Int64(month), Int64(day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// A zero-padded decimal, such as `07`.
    public static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension UTCTime {
    /// Division rounding toward minus infinity, for aligning times to windows before 1970 too.
    static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        let q = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? q - 1 : q
    }
}
