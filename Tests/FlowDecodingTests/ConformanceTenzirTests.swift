import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `tenzir-library/`: Tenzir's `amazon` package tests — CloudWatch Logs events as NDJSON (the flow
/// log record in `message`, which FlowLens's decoder unwraps itself) and Tenzir's output as record
/// text (not strict JSON: unquoted keys, bare addresses and timestamps, trailing commas).
///
/// Deliberate differences and agreements:
/// - Tenzir types `account_id` as an integer; FlowLens keeps it as text (account ids may start with
///   zeros, such as `000000000000`). The digits are compared.
/// - `parse-default.txt` has start/end as timestamps, `parse-custom.txt` as integers: both are the
///   same Unix seconds in FlowLens.
/// - The v7 file has no header (CloudWatch carries none); its field order is Tenzir's assumption
///   (from its `parse_v7_ecs` operator), given here as a field list.
/// - `ocsf.txt` is Tenzir's OCSF mapping: only its raw flow values are compared (endpoints,
///   protocol, traffic, times, account, interface, status, version). OCSF reports `action:
///   "Allowed"` for NODATA/SKIPDATA rows whose action is `-`; in FlowLens that action is absent.
@Suite struct ConformanceTenzirTests {
    fileprivate static let set = "tenzir-library"

    /// Tenzir's assumed order for the v7 ECS CloudWatch records.
    fileprivate static let v7Layout =
        "version account_id interface_id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
        + "log_status ecs_cluster_name ecs_cluster_arn ecs_container_instance_arn ecs_container_instance_id "
        + "ecs_service_name ecs_task_definition_arn ecs_task_id ecs_task_arn ecs_second_container_id ecs_container_id"

    @Test func everyFileIsCovered() throws {
        let known = [
            "PROVENANCE.md", "cloudwatch-v2.ndjson", "cloudwatch-v7-ecs.ndjson", "ocsf.txt", "parse-custom.txt",
            "parse-default.txt", "parse-v7-ecs.txt",
        ]
        #expect(try CorpusLocator.listing(Self.set) == known.sorted())
    }

    struct Sample: Sendable, CustomTestStringConvertible {
        var input: String
        var layout: String?
        var expected: String
        var testDescription: String { "\(input) vs \(expected)" }
    }

    static let samples = [
        Sample(input: "cloudwatch-v2.ndjson", layout: nil, expected: "parse-default.txt"),
        Sample(input: "cloudwatch-v2.ndjson", layout: nil, expected: "parse-custom.txt"),
        Sample(input: "cloudwatch-v7-ecs.ndjson", layout: v7Layout, expected: "parse-v7-ecs.txt"),
    ]

    @Test(arguments: samples)
    func decodesLikeTenzir(_ sample: Sample) throws {
        let plan = try sample.layout.map(Conformance.plan) ?? .v2Default
        let bytes = try CorpusLocator.bytes(Self.set, sample.input)
        let result = try Conformance.decode(bytes, plan: plan, fileName: sample.input)
        Conformance.expectMalformed(result, [:], context: sample.input)
        let messages = try Self.messages(bytes)
        #expect(result.records.count == messages.count && messages.count == 4)

        let expected = try TenzirRecords.read(CorpusLocator.text(Self.set, sample.expected))
        #expect(expected.count == result.records.count)
        for (index, (record, object)) in zip(result.records, expected).enumerated() {
            let context = "\(sample.expected) record \(index + 1)"
            #expect(Set(object.keys) == Set(plan.fields.map(\.columnName)), "\(context): keys")
            var values: [FlowField: String?] = [:]
            for (key, raw) in object {
                let field = try #require(FlowField(name: key), "\(context): unknown key \(key)")
                values[field] = .some(Conformance.canonical(expected: raw, for: field))
            }
            Conformance.expectFields(record, values, context: context)
            Conformance.expectRoundTrip(record, plan: plan, line: messages[index], context: context)
        }
    }

    @Test func ocsfRawValues() throws {
        let bytes = try CorpusLocator.bytes(Self.set, "cloudwatch-v2.ndjson")
        let result = try Conformance.decode(bytes, plan: .v2Default, fileName: "cloudwatch-v2.ndjson")
        let messages = try Self.messages(bytes)
        let mapping: [String: FlowField] = [
            "src_endpoint.ip": .srcaddr, "src_endpoint.port": .srcport,
            "dst_endpoint.ip": .dstaddr, "dst_endpoint.port": .dstport,
            "connection_info.protocol_num": .proto,
            "traffic.bytes": .bytes, "traffic.packets": .packets,
            "start_time": .start, "end_time": .end,
            "cloud.account.uid": .accountID, "unmapped.interface_id": .interfaceID,
            "status_code": .logStatus, "metadata.product.version": .version,
        ]
        let events = try TenzirRecords.read(CorpusLocator.text(Self.set, "ocsf.txt"))
        #expect(events.count == 4)
        for event in events {
            let raw = try #require(event["raw_data"] ?? nil, "raw_data")
            // OCSF lists the records in its own order: match them by the raw line.
            let index = try #require(messages.firstIndex(of: raw), "no input line \(raw)")
            let record = result.records[index]
            var values: [FlowField: String?] = [:]
            for (key, field) in mapping {
                values[field] = .some(Conformance.canonical(expected: event[key] ?? nil, for: field))
            }
            if record.has(.action) {
                values[.action] = .some(event["action"]??.replacingOccurrences(of: "Allowed", with: "ACCEPT")
                    .replacingOccurrences(of: "Denied", with: "REJECT"))
            }
            Conformance.expectFields(record, values, context: "ocsf \(raw)")
        }
    }

    fileprivate static func messages(_ bytes: [UInt8]) throws -> [String] {
        try Conformance.lines(String(decoding: bytes, as: UTF8.self)).filter { !$0.isEmpty }.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let message = object?["message"] as? String else { throw Conformance.Failure("no message: \(line)") }
            return message
        }
    }
}

/// Reads Tenzir's record text into flat dictionaries with dotted keys (nil for `null`). Lists are
/// skipped (only OCSF's `metadata.profiles` has one).
private enum TenzirRecords {
    static func read(_ text: String) throws -> [[String: String?]] {
        var records: [[String: String?]] = []
        var current: [String: String?] = [:]
        var path: [String] = []
        var depth = 0
        var inList = false
        for raw in text.split(separator: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if inList {
                if line == "]," || line == "]" { inList = false }
                continue
            }
            if line == "{" && depth == 0 {
                depth = 1
                current = [:]
                continue
            }
            if line == "}" || line == "}," {
                depth -= 1
                if depth == 0 {
                    records.append(current)
                } else {
                    path.removeLast()
                }
                continue
            }
            if line.hasSuffix(",") { line.removeLast() }
            guard depth > 0, let colon = line.range(of: ": ") else { throw Conformance.Failure("unexpected: \(raw)") }
            let key = String(line[..<colon.lowerBound])
            var value = String(line[colon.upperBound...])
            if value == "{" {
                path.append(key)
                depth += 1
                continue
            }
            if value == "[" {
                inList = true
                continue
            }
            let fullKey = (path + [key]).joined(separator: ".")
            if value == "null" {
                current[fullKey] = .some(nil)
                continue
            }
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                value = String(value.dropFirst().dropLast())
                if value.contains("\\") { throw Conformance.Failure("escapes are not supported: \(raw)") }
            }
            current[fullKey] = .some(value)
        }
        guard depth == 0 else { throw Conformance.Failure("unbalanced braces") }
        return records
    }
}
