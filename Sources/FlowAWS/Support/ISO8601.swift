import Foundation

/// Parses the timestamps AWS APIs return: ISO 8601 with or without fractional seconds
/// (`2026-11-29T03:00:00Z`, `2026-11-29T03:00:00.000Z`, `…+00:00`), or epoch seconds.
///
/// The usual shapes are read by hand: a listing has one timestamp per object, and building an
/// `ISO8601DateFormatter` for each took more CPU than the rest of the listing (6% of a whole
/// 288-object S3 scan). Anything else goes to the formatter.
enum ISO8601 {
    static func date(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let seconds = Double(trimmed) { return Date(timeIntervalSince1970: seconds) }
        if let seconds = internetDateTime(Array(trimmed.utf8)) { return Date(timeIntervalSince1970: seconds) }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: trimmed) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: trimmed)
    }

    /// Seconds since 1970 of `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`, or nil for any other shape.
    static func internetDateTime(_ bytes: [UInt8]) -> Double? {
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for i in start..<(start + count) {
                let digit = Int(bytes[i]) - 48
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }
        guard let year = digits(0, 4), byte(4) == UInt8(ascii: "-"), let month = digits(5, 2),
            byte(7) == UInt8(ascii: "-"), let day = digits(8, 2), byte(10) == UInt8(ascii: "T") || byte(10) == UInt8(ascii: "t"),
            let hour = digits(11, 2), byte(13) == UInt8(ascii: ":"), let minute = digits(14, 2),
            byte(16) == UInt8(ascii: ":"), let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if byte(i) == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let first = i
            while let b = byte(i), b >= 48 && b <= 57 {
                fraction += Double(b - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > first else { return nil }
        }
        var offset = 0
        switch byte(i) {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let hours = digits(i + 1, 2), byte(i + 3) == UInt8(ascii: ":"), let minutes = digits(i + 4, 2)
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (bytes[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == bytes.count else { return nil }
        let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Double(seconds) + fraction
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
