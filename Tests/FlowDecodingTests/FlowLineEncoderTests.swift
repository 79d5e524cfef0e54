import FlowCore
import FlowDecoding
import FlowTesting
import Testing

@Suite struct FlowLineEncoderTests {
    private static func record(_ build: (inout FlowRecord) -> Void) -> FlowRecord {
        var record = FlowRecord()
        build(&record)
        return record
    }

    // AWS's documented accepted SSH record.
    private static let ssh = record {
        $0.present = FlowField.v2Default.reduce(0) { $0 | $1.bit }
        $0.version = 2
        $0[text: .accountID] = Symbol("123456789010")
        $0[text: .interfaceID] = Symbol("eni-1235b8ca123456789")
        $0.srcaddr = IPAddress("172.31.16.139")!
        $0.dstaddr = IPAddress("172.31.16.21")!
        $0.srcport = 20641
        $0.dstport = 22
        $0.proto = 6
        $0.packets = 20
        $0.bytes = 4249
        $0.start = 1_418_530_010
        $0.end = 1_418_530_070
        $0.action = .accept
        $0.logStatus = .ok
    }

    @Test func writesAWSDefaultFormat() {
        var encoder = FlowLineEncoder(fields: FlowField.v2Default)
        #expect(
            encoder.line(for: Self.ssh)
                == "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
                + "1418530010 1418530070 ACCEPT OK"
        )
        var bytes: [UInt8] = []
        encoder.append(Self.ssh, to: &bytes)
        encoder.append(Self.ssh, to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.split(separator: "\n").count == 2 && text.hasSuffix("OK\n"))
    }

    @Test func absentFieldsPrintDash() {
        let noData = Self.record {
            $0.present =
                FlowField.version.bit | FlowField.accountID.bit | FlowField.interfaceID.bit | FlowField.start.bit
                | FlowField.end.bit | FlowField.logStatus.bit
            $0.version = 2
            $0[text: .accountID] = Symbol("123456789010")
            $0[text: .interfaceID] = Symbol("eni-1235b8ca123456789")
            $0.start = 1_431_280_876
            $0.end = 1_431_280_934
            $0.logStatus = .noData
            // Stored values behind clear presence bits must not leak out.
            $0.packets = 99
            $0.srcport = 80
        }
        var encoder = FlowLineEncoder(fields: FlowField.v2Default)
        #expect(
            encoder.line(for: noData)
                == "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA")
        var v5 = FlowLineEncoder(fields: FlowField.v5All)
        let line = v5.line(for: noData)
        #expect(line.split(separator: " ").count == 29)
        #expect(line.hasSuffix("NODATA - - - - - - - - - - - - - - -"))
    }

    @Test func followsAnyFieldOrderAndSubset() {
        var encoder = FlowLineEncoder(fields: [.action, .dstport, .srcaddr, .logStatus])
        #expect(encoder.line(for: Self.ssh) == "ACCEPT 22 172.31.16.139 OK")
        #expect(encoder.headerLine == "action dstport srcaddr log-status")
        var bytes: [UInt8] = []
        encoder.appendHeader(to: &bytes)
        #expect(bytes == Array("action dstport srcaddr log-status\n".utf8))
        var empty = FlowLineEncoder(fields: [.tcpFlags, .vpcID])
        #expect(empty.line(for: Self.ssh) == "- -")
    }

    @Test func writesEveryKindOfField() {
        let record = Self.record {
            $0.present = FlowField.allCases.reduce(0) { $0 | $1.bit }
            $0.version = 8
            $0.srcaddr = IPAddress("2001:db8:1234:a100:8d6e:3477:df66:f105")!
            $0.dstaddr = IPAddress("::1")!
            $0.pktSrcaddr = IPAddress("0.0.0.0")!
            $0.pktDstaddr = IPAddress("255.255.255.255")!
            $0.packets = .max
            $0.bytes = 0
            $0.tcpFlags = 19
            $0.trafficPath = 8
            $0.encryptionStatus = 3
            $0.packetsLost = [1, 10, 100, 1000]
            $0.start = 1_700_000_000_123
            $0.end = -5
            $0.action = .reject
            $0.logStatus = .skipData
            $0.flowDirection = .egress
            $0[text: .vpcID] = Symbol("vpc-0a1b2c3d4e5f67890")
            $0[text: .pktDstAWSService] = Symbol("S3")
            $0[text: .type] = Symbol("IPv6")
        }
        let fields: [FlowField] = [
            .srcaddr, .dstaddr, .pktSrcaddr, .pktDstaddr, .packets, .bytes, .tcpFlags, .trafficPath, .encryptionStatus,
            .packetsLostNoRoute, .packetsLostBlackhole, .packetsLostMTUExceeded, .packetsLostTTLExpired, .start, .end,
            .action, .logStatus, .flowDirection, .vpcID, .pktDstAWSService, .type, .ecsTaskID,
        ]
        var encoder = FlowLineEncoder(fields: fields)
        let expected = [
            "2001:db8:1234:a100:8d6e:3477:df66:f105", "::1", "0.0.0.0", "255.255.255.255", "18446744073709551615", "0",
            "19", "8", "3", "1", "10", "100", "1000", "1700000000123", "-5", "REJECT", "SKIPDATA", "egress",
            "vpc-0a1b2c3d4e5f67890", "S3", "IPv6",
            // Present but never set: an empty symbol must not shift the columns.
            "-",
        ]
        #expect(encoder.line(for: record) == expected.joined(separator: " "))
        // The generic accessor agrees with the byte writer, field by field.
        for (field, text) in zip(fields.dropLast(), expected) { #expect(record.value(field).description == text) }
    }

    @Test(arguments: [
        UInt64(0), 9, 10, 99, 100, 999, 1_000, 9_999, 10_000, 12_345, 99_999, 100_000, 1_234_567_890, .max,
    ])
    func writesDecimalsAtEveryWidth(value: UInt64) {
        let record = Self.record {
            $0.present = FlowField.bytes.bit
            $0.bytes = value
        }
        var encoder = FlowLineEncoder(fields: [.bytes])
        #expect(encoder.line(for: record) == String(value))
    }

    @Test func longTextGrowsTheLineBuffer() {
        let arn = "arn:aws:ecs:us-east-1:123456789012:task/" + String(repeating: "x", count: 5_000)
        let record = Self.record {
            $0.present = FlowField.ecsTaskARN.bit | FlowField.ecsClusterARN.bit
            $0[text: .ecsTaskARN] = Symbol(arn)
            $0[text: .ecsClusterARN] = Symbol(arn + "y")
        }
        var encoder = FlowLineEncoder(fields: [.ecsTaskARN, .ecsClusterARN, .ecsTaskARN])
        #expect(encoder.line(for: record) == "\(arn) \(arn)y \(arn)")
    }

    @Test func decodedRecordsEncodeBackToTheSameLines() throws {
        let text = """
            version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id tcp-flags pkt-srcaddr flow-direction traffic-path
            5 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK vpc-abcdefab012345678 3 172.31.16.139 ingress -
            5 123456789010 eni-1235b8ca123456789 10.40.2.236 203.0.113.5 39812 80 6 8 1200 1418530010 1418530070 ACCEPT OK vpc-abcdefab012345678 19 10.40.1.175 egress 2
            5 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA vpc-abcdefab012345678 - - - -
            5 123456789010 eni-1235b8ca123456789 2001:db8::1 2001:db8::2 34892 22 6 54 8855 1477913708 1477913820 REJECT OK - 2 - ingress -

            """
        let result = try DecoderHarness.decode(text, strict: true)
        #expect(result.records.count == 4)
        var encoder = FlowLineEncoder(fields: result.plan.fields)
        var bytes: [UInt8] = []
        encoder.appendHeader(to: &bytes)
        for record in result.records { encoder.append(record, to: &bytes) }
        #expect(String(decoding: bytes, as: UTF8.self) == text)
    }
}
