import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

// Shared plumbing for the conformance tests (`Conformance*.swift`): they decode every VPC Flow Logs
// sample of the third-party corpus (`<corpus>/vpcflow/<set>/`) with FlowLens's decoder and compare
// the flow fields with what the other parsers produced. Only the flow fields are compared, never
// the other tools' enrichment (GeoIP, ECS categorisation, community_id, OCSF classes, ...).

/// Finds the shared conformance corpus.
///
/// `FLOWLENS_CORPUS` names the corpus root (the folder holding `vpcflow/`); without it the corpus
/// is expected at `../shared/corpus` next to the package root. A missing corpus is a test failure,
/// never a skip: CI must always run these tests.
enum CorpusLocator {
    static let environmentVariable = "FLOWLENS_CORPUS"

    struct Missing: Error, CustomStringConvertible {
        var looked: [String]
        var description: String {
            "The conformance corpus was not found; looked in: \(looked.joined(separator: ", ")). "
                + "Point the environment variable \(CorpusLocator.environmentVariable) at the corpus root "
                + "(the folder that contains vpcflow/), e.g. `\(CorpusLocator.environmentVariable)=/path/to/shared/corpus swift test`."
        }
    }

    /// The package root: this file is `<root>/Tests/FlowDecodingTests/ConformanceCorpus.swift`.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// `<corpus>/vpcflow`, or a `Missing` error saying where it looked.
    static func vpcflowDirectory() throws -> URL {
        var candidates: [URL] = []
        if let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty {
            let root = URL(fileURLWithPath: value)
            candidates = [root.appendingPathComponent("vpcflow"), root]
        } else {
            candidates = [packageRoot.appendingPathComponent("../shared/corpus/vpcflow").standardizedFileURL]
        }
        for candidate in candidates where isDirectory(candidate.appendingPathComponent("elastic-beats")) {
            return candidate
        }
        var looked = candidates.map(\.path)
        if ProcessInfo.processInfo.environment[environmentVariable] == nil {
            looked[0] += " (\(environmentVariable) is not set)"
        } else {
            looked = looked.map { "\($0) (from \(environmentVariable))" }
        }
        throw Missing(looked: looked)
    }

    static func setDirectory(_ set: String) throws -> URL {
        let url = try vpcflowDirectory().appendingPathComponent(set)
        guard isDirectory(url) else {
            throw Missing(looked: [url.path + " (the corpus is there but this set is missing)"])
        }
        return url
    }

    static func url(_ set: String, _ file: String) throws -> URL {
        try setDirectory(set).appendingPathComponent(file)
    }

    static func bytes(_ set: String, _ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(set, file)))
    }

    static func text(_ set: String, _ file: String) throws -> String {
        String(decoding: try bytes(set, file), as: UTF8.self)
    }

    static func json(_ set: String, _ file: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(set, file)), options: [.fragmentsAllowed])
    }

    /// Every file name in a set, sorted.
    static func listing(_ set: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: setDirectory(set).path).sorted()
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }
}

/// Helpers shared by the conformance suites.
enum Conformance {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Decodes a whole file (bytes as stored), and again split into 13-byte pieces the way a
    /// streaming source feeds the decoder: both must give the same records and counters.
    static func decode(
        _ bytes: [UInt8], plan: ColumnPlan, fileName: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> DecoderHarness.Result {
        let whole = try DecoderHarness.decode(bytes, splits: [], plan: plan, fileName: fileName)
        let pieces = try DecoderHarness.decode(
            bytes, splits: Array(stride(from: 13, to: bytes.count, by: 13)), plan: plan, fileName: fileName)
        #expect(pieces.records == whole.records, "\(fileName): chunked decoding differs", sourceLocation: sourceLocation)
        #expect(
            pieces.counters.malformed == whole.counters.malformed && pieces.counters.samples == whole.counters.samples,
            "\(fileName): chunked decoding counts differently", sourceLocation: sourceLocation)
        return whole
    }

    static func decode(
        _ text: String, plan: ColumnPlan, fileName: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> DecoderHarness.Result {
        try decode(Array(text.utf8), plan: plan, fileName: fileName, sourceLocation: sourceLocation)
    }

    static func plan(_ fieldList: String) throws -> ColumnPlan {
        do { return try ColumnPlan(fieldList: fieldList) } catch { throw Failure("bad field list: \(error)") }
    }

    /// The 39-field Elastic ECS layout: the 29 v2-v5 fields and the ten ECS fields.
    static let ecsAllFields: [FlowField] =
        FlowField.v5All + [
            .ecsClusterARN, .ecsClusterName, .ecsContainerInstanceARN, .ecsContainerInstanceID, .ecsContainerID,
            .ecsSecondContainerID, .ecsServiceName, .ecsTaskDefinitionARN, .ecsTaskARN, .ecsTaskID,
        ]

    /// The AWS documentation's 21-field v3 TCP-flag layout.
    static let tcpFlagLayout =
        "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport "
        + "pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status"

    /// The AWS documentation's 17-field v3 transit-gateway example layout.
    static let transitGatewayV3Layout =
        "version interface-id account-id vpc-id subnet-id instance-id srcaddr dstaddr srcport dstport protocol "
        + "tcp-flags type pkt-srcaddr pkt-dstaddr action log-status"

    /// The layout of a header-less line chosen by its token count, as Elastic's pipeline does:
    /// 14 v2 default, 17 v3 transit gateway example, 21 v3 TCP-flag example, 29 all v2-v5 fields,
    /// 36 transit-gateway default, 39 + ECS fields, 40 + reject-reason.
    static func planByTokenCount(_ count: Int) throws -> ColumnPlan? {
        switch count {
        case 14: .v2Default
        case 17: try plan(transitGatewayV3Layout)
        case 21: try plan(tcpFlagLayout)
        case 29: ColumnPlan(fields: FlowField.v5All)
        case 36: ColumnPlan(fields: FlowField.transitGatewayDefault)
        case 39: ColumnPlan(fields: ecsAllFields)
        case 40: ColumnPlan(fields: ecsAllFields + [.rejectReason])
        default: nil
        }
    }

    /// The whitespace-separated tokens of a line up to a `#` comment (FlowLens collapses runs of
    /// spaces and tabs, as Beats does).
    static func tokens(_ line: some StringProtocol) -> [Substring] {
        let all = Substring(line).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        if let comment = all.firstIndex(where: { $0.hasPrefix("#") }) { return Array(all[..<comment]) }
        return all
    }

    static func normalized(_ line: some StringProtocol) -> String { tokens(line).joined(separator: " ") }

    /// The lines of a text (a final `\r` dropped); blank, header and comment lines are kept, so
    /// callers say which lines they expect to be records.
    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
    }

    /// The record printed back in its plan's field order must give the source line again (with
    /// whitespace runs collapsed and any trailing `#` comment dropped): every token was kept, `-`
    /// stayed absent, numbers and addresses kept their values.
    static func expectRoundTrip(
        _ record: FlowRecord, plan: ColumnPlan, line: some StringProtocol, context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let printed = record.line(fields: plan.fields)
        #expect(printed == normalized(line), "\(context): record prints back differently", sourceLocation: sourceLocation)
    }

    /// The value of a field as comparable text, or nil when absent.
    static func canonical(_ value: FieldValue) -> String? {
        switch value {
        case .absent: nil
        case .number(let n): String(n)
        case .time(let t): String(t)
        case .address(let a): a.description
        case .text(let s): s.string
        }
    }

    /// An expected value (from JSON or text) as comparable text for `field`, or nil for null.
    /// Times may be epoch seconds (number or digit string) or RFC 3339 (`2014-12-14T04:07:50.000Z`);
    /// addresses are compared after parsing (so `2001:DB8::1` equals `2001:db8::1`).
    static func canonical(expected raw: Any?, for field: FlowField) -> String? {
        guard let raw, !(raw is NSNull) else { return nil }
        let text: String
        if let string = raw as? String {
            text = string
        } else if let number = raw as? NSNumber {
            text = String(number.int64Value)
        } else {
            return "unsupported value \(raw)"
        }
        switch field.kind {
        case .time:
            if !text.isEmpty && text.allSatisfy(\.isASCIIDigit) { return text }
            guard let seconds = epochSeconds(rfc3339: text) else { return "unparseable time \(text)" }
            return String(seconds)
        case .address:
            return IPAddress(text)?.description ?? "unparseable address \(text)"
        default:
            return text
        }
    }

    /// Seconds since 1970 for `YYYY-MM-DDTHH:MM:SS[.fff]Z` (UTC), without Foundation's formatters.
    static func epochSeconds(rfc3339 text: String) -> Int64? {
        let chars = Array(text.utf8)
        guard chars.count >= 20, chars.last == UInt8(ascii: "Z"), chars[4] == UInt8(ascii: "-"),
            chars[7] == UInt8(ascii: "-"), chars[10] == UInt8(ascii: "T"), chars[13] == UInt8(ascii: ":"),
            chars[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                let digit = Int64(chars[i]) - 48
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        if chars.count > 20 {
            guard chars[19] == UInt8(ascii: "."), number(20..<(chars.count - 1)) != nil else { return nil }
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + hour * 3_600 + minute * 60 + second
    }

    /// Compares a record with expected values keyed by field (nil = expected absent).
    static func expectFields(
        _ record: FlowRecord, _ expected: [FlowField: String?], context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for field in expected.keys.sorted() {
            let want = expected[field] ?? nil
            let got = canonical(record.value(field))
            #expect(
                got == want, "\(context): \(field.name) is \(got ?? "absent"), expected \(want ?? "absent")",
                sourceLocation: sourceLocation)
        }
    }

    /// The malformed-line count must be exactly `expected` (reason -> count), with the samples
    /// listed on failure.
    static func expectMalformed(
        _ result: DecoderHarness.Result, _ expected: [MalformedReason: Int], context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            result.counters.malformed == expected,
            "\(context): malformed lines \(result.counters.samples.map(\.description))", sourceLocation: sourceLocation)
    }

    /// Flattens nested JSON objects into dotted keys (`{"aws":{"vpcflow":{"srcaddr":…}}}` ->
    /// `aws.vpcflow.srcaddr`); already-dotted keys (Filebeat's expected files) stay as they are.
    static func flatten(_ object: Any, prefix: String = "", into result: inout [String: Any]) {
        if let dictionary = object as? [String: Any] {
            for (key, value) in dictionary {
                flatten(value, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &result)
            }
        } else {
            result[prefix] = object
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The corpus itself: every VPC set is known to a suite, so a new set or file cannot go untested.
@Suite struct ConformanceCorpusTests {
    static let vpcSets = [
        "aws-docs-vpc-user-guide", "elastic-beats", "elastic-beats-processor", "elastic-integrations", "envelopes",
        "flowlogs-reader", "tenzir-library", "vectordotdev-vrl",
    ]

    @Test func corpusIsPresentAndEverySetIsCovered() throws {
        let directory = try CorpusLocator.vpcflowDirectory()
        let sets = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }
            .sorted()
        #expect(sets == Self.vpcSets, "sets in \(directory.path)")
    }

    @Test func rfc3339Parsing() {
        #expect(Conformance.epochSeconds(rfc3339: "2014-12-14T04:07:50.000Z") == 1_418_530_070)
        #expect(Conformance.epochSeconds(rfc3339: "1975-03-14T03:34:26Z") == 164_000_066)
        #expect(Conformance.epochSeconds(rfc3339: "2025-12-27T15:22:13Z") == 1_766_848_933)
        #expect(Conformance.epochSeconds(rfc3339: "2014-12-14 04:07:50") == nil)
    }
}
