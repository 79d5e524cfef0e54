/// RFC 3339 formatting and parsing of Unix seconds, without Foundation's date machinery.
public enum Timestamp {
    /// `2026-11-02T03:20:00Z` for a Unix time in seconds.
    public static func rfc3339(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (y, m, d) = civil(fromDays: days)
        let hh = secondOfDay / 3600
        let mm = (secondOfDay % 3600) / 60
        let ss = secondOfDay % 60
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2))Z"
    }

    /// Parses `2026-11-02T03:20:00Z`, `2026-11-02T03:20:00.5+01:00`, `2026-11-02 03:20:00` (UTC)
    /// or a bare date `2026-11-02` (midnight UTC).
    public static func parse(_ text: String) -> Int64? {
        let chars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= chars.count else { return nil }
            var value: Int64 = 0
            for i in from..<(from + count) {
                let d = chars[i] &- 48
                guard d < 10 else { return nil }
                value = value * 10 + Int64(d)
            }
            return value
        }
        guard let year = number(0, 4), chars.count >= 10, chars[4] == UInt8(ascii: "-"),
            let month = number(5, 2), chars[7] == UInt8(ascii: "-"), let day = number(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = days(fromCivil: year, month, day) * 86400
        if chars.count == 10 { return seconds }
        guard chars.count >= 19, chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t") || chars[10] == 0x20,
            let hh = number(11, 2), chars[13] == UInt8(ascii: ":"), let mi = number(14, 2),
            chars[16] == UInt8(ascii: ":"), let ss = number(17, 2), hh < 24, mi < 60, ss < 61
        else { return nil }
        seconds += hh * 3600 + mi * 60 + ss
        var i = 19
        if i < chars.count && chars[i] == UInt8(ascii: ".") {
            i += 1
            while i < chars.count && chars[i] &- 48 < 10 { i += 1 }
        }
        if i == chars.count { return seconds }
        if chars[i] == UInt8(ascii: "Z") || chars[i] == UInt8(ascii: "z") { return i + 1 == chars.count ? seconds : nil }
        guard chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-"), let oh = number(i + 1, 2),
            i + 3 < chars.count, chars[i + 3] == UInt8(ascii: ":"), let om = number(i + 4, 2), i + 6 == chars.count
        else { return nil }
        let offset = oh * 3600 + om * 60
        return chars[i] == UInt8(ascii: "+") ? seconds - offset : seconds + offset
    }

    /// Parses a duration such as `90s`, `15m`, `6h`, `7d`, `2w` (or plain seconds).
    public static func duration(_ text: String) -> Int64? {
        guard let last = text.last else { return nil }
        let multipliers: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        if let multiplier = multipliers[last], let value = Int64(text.dropLast()), value >= 0 {
            return value * multiplier
        }
        return Int64(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// An absolute time (RFC 3339) or one relative to `now` (`6h` means six hours ago).
    public static func parseTime(_ text: String, now: Int64) -> Int64? {
        if let absolute = parse(text) { return absolute }
        if let ago = duration(text) { return now - ago }
        return nil
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    // Howard Hinnant's days-from-civil algorithms, the one calendar conversion FlowLens has.

    /// Year, month and day of a day number (days since 1970-01-01).
    public static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Day number (days since 1970-01-01) of a year, month and day.
    public static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
