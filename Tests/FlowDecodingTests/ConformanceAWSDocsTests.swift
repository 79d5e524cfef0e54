import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `aws-docs-vpc-user-guide/`: the example records of the AWS VPC User Guide (April 2023), one
/// `.log` per section with a `.format` file for the custom formats, and the "Flow log records"
/// page with the official field table. There is no expected output besides the prose, so each
/// record must print back as its line (every token kept, `-` absent) and the facts the prose states
/// are asserted.
///
/// Deliberate differences and agreements:
/// - The last tcp-flag line has a double space (`43638  10.0.0.62`) as published: FlowLens, like
///   Beats, collapses runs of spaces; VRL, which splits on single spaces, would reject it.
/// - The NAT records end in `#Traffic from …` prose: FlowLens ignores text after the last field
///   when it starts with `#`; VRL would reject the extra tokens.
/// - The `...` line of the transit-gateway example is a documentation elision: counted malformed
///   ("not a flow log line"), and the records around it still decode.
@Suite struct ConformanceAWSDocsTests {
    fileprivate static let set = "aws-docs-vpc-user-guide"

    struct Sample: Sendable, CustomTestStringConvertible {
        var file: String
        var records: Int
        var hasFormat: Bool
        var malformed: [MalformedReason: Int] = [:]
        var testDescription: String { file }
    }

    static let samples: [Sample] = [
        Sample(file: "extracted-accepted-rejected.log", records: 2, hasFormat: false),
        Sample(file: "extracted-ipv6.log", records: 1, hasFormat: false),
        Sample(file: "extracted-nat-gateway.log", records: 6, hasFormat: true),
        Sample(file: "extracted-nodata-skipdata.log", records: 2, hasFormat: false),
        Sample(file: "extracted-sg-nacl-icmp.log", records: 2, hasFormat: false),
        Sample(file: "extracted-tcp-flag-sequence.log", records: 8, hasFormat: true),
        Sample(file: "extracted-traffic-path-v5.log", records: 2, hasFormat: true),
        Sample(file: "extracted-transit-gateway.log", records: 4, hasFormat: true, malformed: [.notFlowLog: 1]),
    ]

    @Test func everyFileIsCovered() throws {
        let formats = Self.samples.filter(\.hasFormat).map { $0.file.replacingOccurrences(of: ".log", with: ".format") }
        let known = Self.samples.map(\.file) + formats + [
            "PROVENANCE.md", "flow-logs-records-examples.md", "flow-logs.md",
        ]
        #expect(try CorpusLocator.listing(Self.set) == known.sorted())
        #expect(Self.samples.reduce(0) { $0 + $1.records } == 27)
    }

    fileprivate static func decode(_ sample: Sample) throws -> (DecoderHarness.Result, ColumnPlan, [Substring]) {
        var plan = ColumnPlan.v2Default
        if sample.hasFormat {
            let format = try CorpusLocator.text(Self.set, sample.file.replacingOccurrences(of: ".log", with: ".format"))
            plan = try Conformance.plan(format)
        }
        let bytes = try CorpusLocator.bytes(Self.set, sample.file)
        let result = try Conformance.decode(bytes, plan: plan, fileName: sample.file)
        let lines = Conformance.lines(String(decoding: bytes, as: UTF8.self)).filter { !$0.isEmpty && $0 != "..." }
        return (result, plan, lines)
    }

    @Test(arguments: samples)
    func recordsPrintBackAsPublished(_ sample: Sample) throws {
        let (result, plan, lines) = try Self.decode(sample)
        #expect(result.records.count == sample.records)
        #expect(result.counters.headerLines == 0)
        Conformance.expectMalformed(result, sample.malformed, context: sample.file)
        #expect(lines.count == result.records.count)
        for (index, (record, line)) in zip(result.records, lines).enumerated() {
            Conformance.expectRoundTrip(record, plan: plan, line: line, context: "\(sample.file) record \(index + 1)")
        }
    }

    @Test func factsStatedByThePages() throws {
        func records(_ file: String) throws -> [FlowRecord] {
            try Self.decode(#require(Self.samples.first { $0.file == file })).0.records
        }
        // TCP flag sequence: SYN, SYN-ACK, ..., FIN, FIN, SYN-FIN, SYN-ACK-FIN.
        let tcp = try records("extracted-tcp-flag-sequence.log")
        #expect(tcp.map(\.tcpFlags) == [2, 18, 2, 18, 1, 1, 3, 19])
        // The double-spaced line reads like the others.
        #expect(tcp[7].srcport == 5001 && tcp[7].dstport == 43638 && tcp[7].pktSrcaddr.description == "10.0.0.62")
        #expect(tcp[5].bytes == 23_294_588 && tcp[5].packets == 15_774)

        // NODATA/SKIPDATA: `-` fields are absent, not zero.
        let noData = try records("extracted-nodata-skipdata.log")
        #expect(noData.map(\.logStatus) == [.noData, .skipData])
        for field in [FlowField.srcaddr, .dstaddr, .srcport, .dstport, .proto, .packets, .bytes, .action] {
            #expect(noData.allSatisfy { $0.value(field) == .absent }, "\(field.name)")
        }

        // ICMP: ports are 0 (present), protocol 1.
        let icmp = try records("extracted-sg-nacl-icmp.log")
        #expect(icmp.allSatisfy { $0.value(.srcport) == .number(0) && $0.value(.dstport) == .number(0) && $0.proto == 1 })
        #expect(icmp.map(\.action) == [.accept, .reject])

        let ipv6 = try records("extracted-ipv6.log")
        #expect(ipv6.first?.srcaddr.description == "2001:db8:1234:a100:8d6e:3477:df66:f105")
        #expect(ipv6.first?.srcaddr.isIPv4 == false)

        // NAT gateway: the first four rows are the gateway's interface (no instance id).
        let nat = try records("extracted-nat-gateway.log")
        #expect(nat.map { $0.has(.instanceID) } == [false, false, false, false, true, true])
        #expect(nat[4].packetSource.description == "10.0.1.5" && nat[4].packetDestination.description == "203.0.113.5")

        // Traffic path: only egress traffic has one (8 = through a gateway endpoint).
        let path = try records("extracted-traffic-path-v5.log")
        #expect(path.map(\.flowDirection) == [.ingress, .egress])
        #expect(path.map { $0.value(.trafficPath) } == [.absent, .number(8)])
        #expect(path[0][text: .pktSrcAWSService].string == "S3" && path[1][text: .pktDstAWSService].string == "S3")

        // Transit gateway: the `...` elision (line 2) is reported with its line number.
        let (tgw, _, _) = try Self.decode(#require(Self.samples.first { $0.file == "extracted-transit-gateway.log" }))
        let elision = try #require(tgw.counters.samples.first)
        #expect(elision.line == 2 && elision.reason == .notFlowLog && elision.value.hasPrefix("..."))
        #expect(tgw.records.map { $0.has(.instanceID) } == [true, true, false, false])
    }

    /// The field table of the "Flow log records" page: every field, in order, with the version
    /// that introduced it, is FlowLens's catalog for v2-v5.
    @Test func fieldTableMatchesTheCatalog() throws {
        let page = try CorpusLocator.text(Self.set, "flow-logs.md")
        var table: [(name: String, version: Int)] = []
        for line in page.split(separator: "\n") where line.hasPrefix("|  ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 4, let version = Int(cells[cells.count - 2]) else { continue }
            table.append((cells[1].replacingOccurrences(of: "\\", with: ""), version))
        }
        #expect(table.map(\.name) == FlowField.v5All.map(\.name))
        #expect(table.map(\.version) == FlowField.v5All.map(\.introducedIn))
    }
}
