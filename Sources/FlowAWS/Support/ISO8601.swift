import Foundation

/// Parses the timestamps AWS APIs return: ISO 8601 with or without fractional seconds
/// (`2026-11-29T03:00:00Z`, `2026-11-29T03:00:00.000Z`, `…+00:00`), or epoch seconds.
enum ISO8601 {
    static func date(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let seconds = Double(trimmed) { return Date(timeIntervalSince1970: seconds) }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: trimmed) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: trimmed)
    }
}
