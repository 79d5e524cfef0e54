import FlowCore
import FlowDecoding
import FlowTesting
import Testing

@Suite struct FlowTextDecoderTests {
    static let v2Lines = """
        2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK
        2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK
        2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA
        2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA
        2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK

        """

    @Test func decodesDefaultV2Records() throws {
        let result = try DecoderHarness.decode(Self.v2Lines)
        #expect(result.records.count == 5)
        #expect(result.counters.malformedTotal == 0)
        let first = result.records[0]
        #expect(first.version == 2)
        #expect(first.accountID.string == "123456789010")
        #expect(first.interfaceID.string == "eni-1235b8ca123456789")
        #expect(first.srcaddr == IPAddress("172.31.16.139"))
        #expect(first.dstaddr.description == "172.31.16.21")
        #expect(first.srcport == 20641 && first.dstport == 22 && first.proto == 6)
        #expect(first.packets == 20 && first.bytes == 4249)
        #expect(first.start == 1_418_530_010 && first.end == 1_418_530_070)
        #expect(first.action == .accept && first.logStatus == .ok)
        #expect(result.records[1].action == .reject)
        let noData = result.records[2]
        #expect(noData.logStatus == .noData)
        #expect(!noData.has(.srcaddr) && !noData.has(.packets) && noData.action == nil)
        #expect(noData.value(.bytes) == .absent)
        #expect(result.records[3].logStatus == .skipData)
        #expect(result.records[4].srcaddr.description == "2001:db8:1234:a100:8d6e:3477:df66:f105")
        #expect(!result.records[4].srcaddr.isIPv4)
    }

    @Test func headerInAnyOrderSetsThePlan() throws {
        let text = """
            srcaddr dstaddr action version log-status bytes start
            10.0.0.1 10.0.0.2 ACCEPT 5 OK 100 1700000000
            """
        let result = try DecoderHarness.decode(text)
        #expect(result.counters.headerLines == 1)
        #expect(result.records.count == 1)
        let r = result.records[0]
        #expect(r.srcaddr.description == "10.0.0.1" && r.version == 5 && r.bytes == 100 && r.start == 1_700_000_000)
        #expect(!r.has(.packets))
    }

    @Test func headerRepeatedMidFileReplacesThePlan() throws {
        let text = """
            version srcaddr dstaddr
            2 10.0.0.1 10.0.0.2

            dstaddr srcaddr version
            10.0.0.9 10.0.0.8 3
            """
        let result = try DecoderHarness.decode(text)
        #expect(result.counters.headerLines == 2)
        #expect(result.counters.blankLines == 1)
        #expect(result.records.map(\.srcaddr.description) == ["10.0.0.1", "10.0.0.8"])
        #expect(result.records[1].version == 3)
    }

    @Test func unknownHeaderNamesBecomeExtraColumns() throws {
        let text = "version my-tag srcaddr\n2 blue 10.0.0.1\n2 green 10.0.0.2\n"
        let result = try DecoderHarness.decode(text)
        #expect(result.counters.unknownFields == ["my-tag"])
        #expect(result.extraNames == ["my-tag"])
        #expect(result.extraValues.map(\.string) == ["blue", "green"])
        #expect(result.records.count == 2)
    }

    @Test func whitespaceRunsTabsCRLFAndNoFinalNewline() throws {
        let text =
            "2  123456789010\teni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 1600000000 1600000060 ACCEPT OK\r\n"
            + "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 1600000000 1600000060 REJECT OK"
        let result = try DecoderHarness.decode(text)
        #expect(result.records.count == 2)
        #expect(result.records[0].logStatus == .ok)
        #expect(result.records[1].action == .reject)
        #expect(result.counters.malformedTotal == 0)
    }

    @Test func millisecondTimestampsAreConverted() throws {
        let text = "2 123456789010 eni-4b118871 - - - - - - - 1512564058000 1512564059000 - SKIPDATA"
        let result = try DecoderHarness.decode(text)
        #expect(result.records[0].start == 1_512_564_058)
        #expect(result.records[0].end == 1_512_564_059)
    }

    @Test func cloudWatchJSONWrapper() throws {
        let text = #"""
            {"logStreamName": "eni-1-all", "timestamp": 1418530010000, "message": "2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK", "eventId": "1"}
            {"message":"2 428961148399 eni-0e0bf7be352692297 - - - - - - - 1671029698 1671029728 - NODATA"}
            {"eventVersion":"1.08","userIdentity":{"type":"Root"}}
            """#
        let result = try DecoderHarness.decode(text)
        #expect(result.records.count == 2)
        #expect(result.records[0].dstport == 22)
        #expect(result.records[1].logStatus == .noData)
        #expect(result.counters.malformed[.badJSON] == 1)
    }

    @Test func malformedLinesAreCountedByReasonAndDecodingGoesOn() throws {
        let text = """
            2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 1600000000 1600000060 ACCEPT OK
            2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 1600000000 1600000060 ACCEPT
            2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2x 6 3 4 1600000000 1600000060 ACCEPT OK
            2 123456789010 eni-1 10.0.0.300 10.0.0.2 1 2 6 3 4 1600000000 1600000060 ACCEPT OK
            2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 1600000000 1600000060 ALLOW OK
            2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 70000 6 3 4 1600000000 1600000060 ACCEPT OK
            bogus
            2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 1600000000 1600000060 REJECT OK
            """
        let result = try DecoderHarness.decode(text, fileName: "x.log")
        #expect(result.records.count == 2)
        #expect(result.counters.malformed[.fieldCount] == 1)
        #expect(result.counters.malformed[.notANumber] == 1)
        #expect(result.counters.malformed[.badAddress] == 1)
        #expect(result.counters.malformed[.unknownAction] == 1)
        #expect(result.counters.malformed[.numberTooLarge] == 1)
        #expect(result.counters.malformed[.notFlowLog] == 1)
        let descriptions = result.counters.samples.map(\.description)
        #expect(descriptions[1] == "x.log:3: dstport: 2x: not a number")
        #expect(descriptions[2] == "x.log:4: srcaddr: 10.0.0.300: bad address")
        #expect(descriptions[3] == "x.log:5: action: ALLOW: unknown action")
        #expect(descriptions[0].hasPrefix("x.log:2: line: 2 123456789010"))
        #expect(descriptions[0].hasSuffix("(expected 14 fields, found 13): wrong field count"))
    }

    @Test func strictModeStopsAtTheFirstMalformedLine() {
        let text = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 1600000000 1600000060 ACCEPT OK\nbogus line here\n"
        #expect(throws: FlowLensError.self) { try DecoderHarness.decode(text, fileName: "s.log", strict: true) }
        do {
            _ = try DecoderHarness.decode(text, fileName: "s.log", strict: true)
        } catch {
            #expect(error.description == "s.log:2: line: bogus line here (expected 14 fields, found 3): wrong field count")
        }
    }

    @Test func trailingCommentsAndCommentLinesAreIgnored() throws {
        let plan = try ColumnPlan(fieldList: "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr")
        let text = """
            # a comment line
            i-01234567890123456 eni-1111aaaa2222bbbb3 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5 #Traffic to the internet
            """
        let result = try DecoderHarness.decode(text, plan: plan)
        #expect(result.records.count == 1)
        #expect(result.counters.commentLines == 1)
        #expect(result.records[0].pktDstaddr.description == "203.0.113.5")
    }

    @Test func fieldListAcceptsUnderscoresAndPlaceholders() throws {
        let plan = try ColumnPlan(fieldList: "${version} ${srcaddr} pkt_dstaddr")
        #expect(plan.fields == [.version, .srcaddr, .pktDstaddr])
        #expect(throws: FlowLensError.self) { try ColumnPlan(fieldList: "version srcadr") }
    }

    /// Same records whether the input arrives whole, line by line, or split at every byte offset.
    @Test func chunkBoundariesDoNotChangeTheResult() throws {
        let text = "version srcaddr dstaddr action log-status\n"
            + "5 10.0.0.1 10.0.0.2 ACCEPT OK\r\n"
            + "{\"message\":\"5 10.0.0.3 ::1 REJECT OK\"}\n"
            + "bad\n"
            + "5 - - - NODATA"
        let bytes = Array(text.utf8)
        let whole = try DecoderHarness.decode(bytes, splits: [])
        #expect(whole.records.count == 3)
        let lineSplits = bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
        let byLine = try DecoderHarness.decode(bytes, splits: lineSplits)
        #expect(byLine.records == whole.records)
        let byByte = try DecoderHarness.decode(bytes, splits: Array(bytes.indices))
        #expect(byByte.records == whole.records)
        #expect(byByte.counters.malformedTotal == 1)
        for offset in bytes.indices {
            let split = try DecoderHarness.decode(bytes, splits: [offset])
            #expect(split.records == whole.records, "split at \(offset)")
            #expect(split.counters.samples == whole.counters.samples)
        }
    }

    @Test func everyFieldOfEveryVersionDecodes() throws {
        let fields = FlowField.allCases
        let values: [String] = fields.map { field in
            switch field.kind {
            case .number: field == .version ? "8" : "7"
            case .time: "1700000000"
            case .address: "10.1.2.3"
            case .text: "t-\(field.name)"
            case .action: "REJECT"
            case .logStatus: "OK"
            case .flowDirection: "egress"
            }
        }
        let text = fields.map(\.name).joined(separator: " ") + "\n" + values.joined(separator: " ")
        let result = try DecoderHarness.decode(text)
        #expect(result.records.count == 1)
        let r = result.records[0]
        #expect(r.present == (1 << UInt64(fields.count)) - 1)
        #expect(r.line(fields: fields) == values.joined(separator: " "))
    }
}
