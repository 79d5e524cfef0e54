/// Calendar arithmetic on Unix seconds in UTC, without Foundation.
///
/// The simulator needs dates for S3 key parts and RFC 3339 for labels and summaries, thousands
/// of times per run; the civil-date conversion is Howard Hinnant's `days_from_civil`.
public struct UTCTime: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    /// The calendar fields of a Unix time.
    public init(unixSeconds: Int64) {
        let days = Int(UTCTime.floorDiv(unixSeconds, 86_400))
        let secondsOfDay = Int(unixSeconds - Int64(days) * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondsOfDay / 3600
        minute = secondsOfDay / 60 % 60
        second = secondsOfDay % 60
    }

    /// Unix seconds of a calendar date and time in UTC.
    public static func unixSeconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0)
        -> Int64
    {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = Int64(era * 146_097 + dayOfEra - 719_468)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Parses RFC 3339 (`2026-11-02T00:00:00Z`, `2026-11-02T01:00:00.5+01:00`, space instead of
    /// `T`) or a bare date (`2026-11-02`, midnight UTC). Fractions of a second are dropped.
    public static func parseRFC3339(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                let digit = Int(b[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), b.count >= 10, b[4] == UInt8(ascii: "-"), let month = number(5, 2),
            b[7] == UInt8(ascii: "-"), let day = number(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        if b.count == 10 { return unixSeconds(year: year, month: month, day: day) }
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            let hour = number(11, 2), b[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            b[16] == UInt8(ascii: ":"), let second = number(17, 2), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, (48...57).contains(b[i]) { i += 1 }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == b.count, let h = number(i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let m = number(i + 4, 2)
            else { return nil }
            offset = (h * 3600 + m * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        return unixSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            - Int64(offset)
    }

    /// `2026-11-02T03:20:00Z`.
    public static func rfc3339(_ unixSeconds: Int64) -> String {
        let t = UTCTime(unixSeconds: unixSeconds)
        return "\(pad(t.year, 4))-\(pad(t.month))-\(pad(t.day))T\(pad(t.hour)):\(pad(t.minute)):\(pad(t.second))Z"
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
