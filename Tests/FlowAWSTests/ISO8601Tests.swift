import Foundation
import Testing

@testable import FlowAWS

@Suite struct ISO8601Tests {
    /// The hand parser must agree with Foundation's formatter on every shape AWS sends.
    @Test func agreesWithFoundationsFormatter() {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var texts = [
            "1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2026-11-29T03:00:00Z", "2100-03-01T12:34:56Z",
            "1969-12-31T23:59:59Z", "2024-12-31T23:59:59+05:30", "2024-01-01T00:00:00-08:00",
        ]
        // Seeded, so that a disagreement names the same instants on every run.
        var state: UInt64 = 0x5EED
        for _ in 0..<500 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Double((state >> 16) % 4_102_444_800)
            texts.append(plain.string(from: Date(timeIntervalSince1970: seconds)))
        }
        for text in texts {
            let expected = plain.date(from: text)?.timeIntervalSince1970
            #expect(expected != nil, "\(text)")
            #expect(ISO8601.internetDateTime(Array(text.utf8)) == expected, "\(text)")
        }
        for text in ["2026-11-29T03:00:00.000Z", "2026-11-29T03:00:00.250Z", "2026-11-29T03:00:00.5+01:00"] {
            let expected = fractional.date(from: text)!.timeIntervalSince1970
            let parsed = ISO8601.internetDateTime(Array(text.utf8))
            #expect(parsed.map { abs($0 - expected) < 0.001 } == true, "\(text)")
        }
        #expect(ISO8601.date(" 2026-11-29T03:00:00Z\n")?.timeIntervalSince1970 == 1_795_921_200)
        #expect(ISO8601.date("1795921200")?.timeIntervalSince1970 == 1_795_921_200)
    }

    @Test func refusesOtherShapes() {
        for text in [
            "", "2026-11-29", "2026-11-29T03:00:00", "2026-13-01T00:00:00Z", "2026-11-29T24:00:00Z",
            "2026-11-29T03:00:00.Z", "2026-11-29T03:00:00+0100", "2026-11-29T03:00:00Zjunk", "20x6-11-29T03:00:00Z",
        ] {
            #expect(ISO8601.internetDateTime(Array(text.utf8)) == nil, "\(text)")
        }
        #expect(ISO8601.date("not a date") == nil)
    }
}
