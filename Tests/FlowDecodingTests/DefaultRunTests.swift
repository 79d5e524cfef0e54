import FlowCore
@testable import FlowDecoding
import FlowTesting
import Testing

/// The decoder takes AWS's default layout through a word-at-a-time fast path and everything else
/// through the general one. A line fed alone is too short for the fast path, so decoding a text
/// whole and line by line compares the two paths record for record, on values chosen to sit at
/// the edges of what the fast path accepts.
@Suite struct DefaultRunTests {
    /// Lines the fast path must take, or leave to the general path, with identical results.
    static let edgeLines: [String] = [
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 1.2.3.4 255.255.255.255 0 65535 255 1 1 1 2 REJECT OK",
        "2 123456789010 eni-1235b8ca123456789 01.002.3.04 9.99.199.249 1 2 17 12345678 123456789 1418530010 1418530070 ACCEPT OK",
        // Octets and ports out of range, too many octet digits: the general path reports them.
        "2 123456789010 eni-1235b8ca123456789 256.1.1.1 10.0.0.1 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 1.1.1.1111 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 65536 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 256 1 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2.5 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        // Numbers of 8, 9, 15, 16, 19, 20 and 21 digits, millisecond times.
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 99999999 999999999999999 1418530010000 1418530070999 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 9999999999999999 1234567890123456789 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 18446744073709551615 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 18446744073709551616 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 123456789012345678901 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 12a 1 1418530010 1418530070 ACCEPT OK",
        // Absent fields, NODATA/SKIPDATA, other keywords and spellings.
        "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
        "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
        "2 - eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 accept ok",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPTED OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OKAY",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK # note",
        // Separators the fast path leaves alone, and IPv6.
        "2\t123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        "2  123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        " 2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK\r",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK ",
        "2 123456789010 eni-1235b8ca123456789 2001:db8::1 ::ffff:10.0.0.9 443 50000 6 3 180 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 fe80::1%eth0 ::1 443 50000 6 3 180 1418530010 1418530070 ACCEPT OK",
        // Ids of other lengths, a long one past the fast path's id cache, wrong field counts.
        "2 1 e 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-\(String(repeating: "a", count: 70)) 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK extra",
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
        "{\"message\":\"2 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK\"}",
        "",
        "# comment",
    ]

    /// A deterministic mix of ordinary lines with every edge line spread among them, so that each
    /// edge case is met both at the start of a fast run and in the middle of one.
    static func mixedText(seed: UInt64, lines: Int, edgeEvery: Int = 7) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var out = ""
        for k in 0..<lines {
            if k % edgeEvery == 3 {
                out += edgeLines[Int(next()) % edgeLines.count] + "\n"
                continue
            }
            let r = next()
            let octets = (0..<4).map { _ in String(next() % 256) }.joined(separator: ".")
            let interface = "eni-0a1b2c3d4e5f6\(String(r % 40, radix: 16))"
            out += "2 12345678901\(r % 3) \(interface) 10.\(r % 7).\(r % 256).\(r >> 8 % 256) \(octets) "
            out += "\(r % 65536) \([443, 80, 22, 53, 5432][Int(r % 5)]) \(r % 3 == 0 ? 17 : 6) \(r % 100_000) "
            out += "\(r * 7919 % 10_000_000_000) \(1_418_530_010 + r % 86400) \(1_418_530_070 + r % 86400) "
            out += "\(r % 11 == 0 ? "REJECT" : "ACCEPT") OK\n"
        }
        return Array(out.utf8)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func fastAndGeneralPathsProduceTheSameRecords(seed: UInt64) throws {
        let text = Self.mixedText(seed: seed, lines: 600)
        var lineStarts: [Int] = []
        for (offset, byte) in text.enumerated() where byte == 0x0A { lineStarts.append(offset + 1) }
        let whole = try DecoderHarness.decode(text, splits: [])
        // The comparison means something only if most lines did go through the fast path.
        var decoder = FlowTextDecoder(fileName: "mixed.log")
        var batches = [FlowBatch()]
        _ = try text.withUnsafeBytes { raw throws(FlowLensError) in try decoder.decode(raw, isFinal: true, into: &batches) }
        #expect(decoder.defaultRunLines > 450)
        let byLine = try DecoderHarness.decode(text, splits: lineStarts)
        #expect(whole.records.count > 450)
        #expect(whole.records.count == byLine.records.count)
        for (index, (a, b)) in zip(whole.records, byLine.records).enumerated() where a != b {
            Issue.record("record \(index) differs: fast \(a.srcaddr) \(a.bytes) vs general \(b.srcaddr) \(b.bytes)")
            break
        }
        #expect(whole.records == byLine.records)
        #expect(whole.counters.malformed == byLine.counters.malformed)
        #expect(whole.counters.lines == byLine.counters.lines)
        #expect(whole.counters.records == byLine.counters.records)
        #expect(whole.counters.samples.map(\.description) == byLine.counters.samples.map(\.description))
        #expect(whole.records.map(\.orientation) == byLine.records.map(\.orientation))
    }

    /// Long stretches of ordinary lines, so that the run takes whole segments as two halves side
    /// by side, with an edge line now and then in either half, at a segment's cut or at its end.
    @Test(arguments: [(11, 53), (12, 97), (13, 211)] as [(UInt64, Int)])
    func segmentsTakenInTwoHalvesKeepTheirOrder(seed: UInt64, edgeEvery: Int) throws {
        let text = Self.mixedText(seed: seed, lines: 4000, edgeEvery: edgeEvery)
        var lineStarts: [Int] = []
        for (offset, byte) in text.enumerated() where byte == 0x0A { lineStarts.append(offset + 1) }
        var decoder = FlowTextDecoder(fileName: "long.log")
        var batches = [FlowBatch()]
        _ = try text.withUnsafeBytes { raw throws(FlowLensError) in try decoder.decode(raw, isFinal: true, into: &batches) }
        #expect(decoder.defaultRunLines > 3500)
        let whole = try DecoderHarness.decode(text, splits: [])
        let byLine = try DecoderHarness.decode(text, splits: lineStarts)
        #expect(whole.records.count == byLine.records.count)
        if let index = whole.records.indices.first(where: { $0 < byLine.records.count && whole.records[$0] != byLine.records[$0] }) {
            Issue.record("record \(index) differs: \(whole.records[index].srcaddr) vs \(byLine.records[index].srcaddr)")
        }
        #expect(whole.records.map(\.start) == byLine.records.map(\.start))
        #expect(whole.records.map(\.orientation) == byLine.records.map(\.orientation))
        #expect(whole.counters.samples.map(\.description) == byLine.counters.samples.map(\.description))
    }

    @Test func fastPathValuesMatchTheText() throws {
        let line =
            "2 123456789010 eni-1235b8ca123456789 01.002.3.04 9.99.199.249 1 65535 17 12345678 999999999999999 1418530010000 1418530070 REJECT OK\n"
        // Enough copies that all but the last few go through the fast path.
        let result = try DecoderHarness.decode(String(repeating: line, count: 20))
        #expect(result.records.count == 20)
        let record = result.records[0]
        #expect(record.srcaddr == IPAddress("1.2.3.4"))
        #expect(record.dstaddr == IPAddress("9.99.199.249"))
        #expect(record.srcport == 1 && record.dstport == 65535 && record.proto == 17)
        #expect(record.packets == 12_345_678 && record.bytes == 999_999_999_999_999)
        #expect(record.start == 1_418_530_010 && record.end == 1_418_530_070)
        #expect(record.action == .reject && record.logStatus == .ok)
        #expect(record.accountID.string == "123456789010" && record.interfaceID.string == "eni-1235b8ca123456789")
        #expect(!record.has(.tcpFlags))
    }
}
