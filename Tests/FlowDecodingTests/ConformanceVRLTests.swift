import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `vectordotdev-vrl/`: the test data of VRL's `parse_aws_vpc_flow_log` — five lines with VRL's
/// output (`-` -> null, numbers typed, start/end epoch seconds) and 27 lines that must parse — each
/// with VRL's `format` (an underscore field list; null = the v2 default).
///
/// Deliberate differences:
/// - VRL splits on single spaces, so a run of spaces makes an empty token and the line fails
///   ("no key for value"); FlowLens collapses runs of spaces and tabs, like Beats. (VRL's copy of
///   the AWS tcp-flag line has one space; the AWS page's has two — see the aws-docs suite.)
/// - VRL errors on any token past the format; FlowLens does too (wrong field count), except for a
///   trailing `#` comment, which AWS's own examples carry and FlowLens ignores.
/// - VRL's null is FlowLens's absent: a `-` is never a zero or an empty string.
@Suite struct ConformanceVRLTests {
    fileprivate static let set = "vectordotdev-vrl"
    fileprivate static let casesFile = "parse_aws_vpc_flow_log-cases.json"
    fileprivate static let mustParseFile = "parse_aws_vpc_flow_log-must-parse.json"

    @Test func everyFileIsCovered() throws {
        #expect(try CorpusLocator.listing(Self.set) == ["PROVENANCE.md", Self.casesFile, Self.mustParseFile].sorted())
    }

    fileprivate static func plan(_ format: Any?) throws -> ColumnPlan {
        guard let list = format as? String else { return .v2Default }
        return try Conformance.plan(list)
    }

    @Test func casesMatchVRLOutput() throws {
        let cases = try #require(try CorpusLocator.json(Self.set, Self.casesFile) as? [[String: Any]])
        #expect(cases.count == 5)
        for testCase in cases {
            let name = testCase["name"] as? String ?? "?"
            let line = try #require(testCase["value"] as? String)
            let expectedObject = try #require(testCase["expected"] as? [String: Any])
            let plan = try Self.plan(testCase["format"])
            let result = try Conformance.decode(line, plan: plan, fileName: name)
            Conformance.expectMalformed(result, [:], context: name)
            let record = try #require(result.records.first, "\(name): no record")
            #expect(result.records.count == 1)
            // VRL returns every key of the format, null for `-`.
            #expect(Set(expectedObject.keys) == Set(plan.fields.map(\.columnName)), "\(name): keys")
            var expected: [FlowField: String?] = [:]
            for (key, raw) in expectedObject {
                let field = try #require(FlowField(name: key), "\(name): unknown key \(key)")
                expected[field] = .some(Conformance.canonical(expected: raw, for: field))
            }
            Conformance.expectFields(record, expected, context: name)
            Conformance.expectRoundTrip(record, plan: plan, line: line, context: name)
        }
    }

    @Test func mustParseLinesDecode() throws {
        let groups = try #require(try CorpusLocator.json(Self.set, Self.mustParseFile) as? [[String: Any]])
        var total = 0
        for (index, group) in groups.enumerated() {
            let lines = try #require(group["lines"] as? [String])
            let plan = try Self.plan(group["format"])
            let context = "must-parse group \(index + 1)"
            let result = try Conformance.decode(lines.joined(separator: "\n"), plan: plan, fileName: context)
            Conformance.expectMalformed(result, [:], context: context)
            #expect(result.records.count == lines.count, "\(context)")
            for (number, (record, line)) in zip(result.records, lines).enumerated() {
                Conformance.expectRoundTrip(record, plan: plan, line: line, context: "\(context) line \(number + 1)")
                // VRL's strict arity: these lines have exactly one token per format field.
                #expect(line.split(separator: " ", omittingEmptySubsequences: false).count == plan.columns.count)
            }
            total += lines.count
        }
        #expect(groups.count == 5 && total == 27)
    }
}
