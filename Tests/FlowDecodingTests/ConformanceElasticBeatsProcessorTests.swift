import FlowCore
import FlowDecoding
import FlowTesting
import Foundation
import Testing

/// `elastic-beats-processor/`: the Beats `parse_aws_vpc_flow_log` processor's test data — one YAML
/// file with a `format` and `samples` per case, and `<case>.golden.json` with the processor's
/// output. Mode `original` (the neutral reference: every field typed under `aws.vpcflow.*`) is
/// compared raw field by raw field; modes `ecs` and `ecs_and_original` through the ECS mapping of
/// ``ElasticExpectation``.
///
/// Deliberate differences and agreements:
/// - Like Beats, FlowLens collapses runs of spaces: the tcp-flag sample with a double space and
///   the v6 sample with several decode to the same fields as Beats's.
/// - The NAT samples' trailing `#Traffic …` text is a YAML comment here (not part of the sample);
///   FlowLens would accept it on a log line anyway (see the aws-docs suite).
/// - `-` is absent in FlowLens; the ECS goldens drop such fields too.
/// - Text is kept byte for byte: the v6 sample's subnet id ends in a Cyrillic `б`.
@Suite struct ConformanceElasticBeatsProcessorTests {
    fileprivate static let set = "elastic-beats-processor"
    fileprivate static let yamlFile = "aws-vpc-flow-logs.yml"

    static let cases = [
        "default-v2-format", "tcp-flag-sequence", "custom-nat-gateway", "transit-gateway",
        "service-name-path-direction", "v5-fields-original", "v5-fields-ecs", "v5-fields-ecs_and_original",
        "v6-fields-original", "v6-fields-ecs", "v6-fields-ecs_and_original", "v7-fields-original",
        "v7-fields-ecs", "v7-fields-ecs_and_original",
    ]

    @Test func everyFileIsCovered() throws {
        let known = Self.cases.map { $0 + ".golden.json" } + [Self.yamlFile, "PROVENANCE.md"]
        #expect(try CorpusLocator.listing(Self.set) == known.sorted())
        let yaml = try ProcessorYAML.read(CorpusLocator.text(Self.set, Self.yamlFile))
        #expect(yaml.cases.map(\.name) == Self.cases)
        // 30 distinct sample lines; the v5, v6 and v7 ones are reused by three modes each.
        let sampleCounts: [Int] = yaml.cases.map(\.samples.count)
        #expect(sampleCounts == [7, 8, 6, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(Set(yaml.cases.flatMap(\.samples)).count == 30)
    }

    @Test(arguments: cases)
    func decodesLikeTheProcessor(_ name: String) throws {
        let yaml = try ProcessorYAML.read(CorpusLocator.text(Self.set, Self.yamlFile))
        guard let testCase = yaml.cases.first(where: { $0.name == name }) else {
            throw Conformance.Failure("no case \(name) in \(Self.yamlFile)")
        }
        let plan = try Conformance.plan(testCase.format)
        guard let golden = try CorpusLocator.json(Self.set, name + ".golden.json") as? [Any] else {
            throw Conformance.Failure("\(name).golden.json is not a JSON array")
        }
        #expect(golden.count == testCase.samples.count, "golden events")
        for (index, (sample, document)) in zip(testCase.samples, golden).enumerated() {
            let context = "\(name) sample \(index + 1)"
            // The processor decodes one message at a time; so does this test.
            let result = try Conformance.decode(sample, plan: plan, fileName: context)
            Conformance.expectMalformed(result, [:], context: context)
            guard result.records.count == 1, let record = result.records.first else {
                Issue.record("\(context): \(result.records.count) records")
                continue
            }
            let expected = ElasticExpectation(document: document, rawOnly: testCase.mode == "original")
            #expect(expected.original == sample, "\(context): golden message is the YAML sample")
            expected.expectMatches(record, plan: plan.fields, context: context)
            Conformance.expectRoundTrip(record, plan: plan, line: sample, context: context)
            if testCase.mode == "original" {
                // Every field the format names is either typed under aws.vpcflow.* or was `-`.
                let reported = Set(expected.values.keys)
                for field in plan.fields {
                    #expect(
                        reported.contains(field) == record.has(field),
                        "\(context): \(field.name) present in FlowLens: \(record.has(field))")
                }
            }
        }
    }

    @Test func spacesAndNonASCIIInTheV6Sample() throws {
        let yaml = try ProcessorYAML.read(CorpusLocator.text(Self.set, Self.yamlFile))
        let testCase = try #require(yaml.cases.first { $0.name == "v6-fields-original" })
        let sample = try #require(testCase.samples.first)
        #expect(sample.contains("  123456789123  123456789123"), "the sample still has its double spaces")
        let result = try Conformance.decode(sample, plan: Conformance.plan(testCase.format), fileName: "v6")
        let record = try #require(result.records.first)
        #expect(record[text: .tgwSrcSubnetID].string == "subnet-3fbc536e360c36ca\u{0431}")
        #expect(record[text: .tgwSrcVpcAccountID].string == "123456789123")
        #expect(record.packetsLost[0] == 1 && record.packetsLost[2] == 2)
        #expect(!record.has(.version), "the v6 format has no version column")
    }
}

/// The subset of YAML that `aws-vpc-flow-logs.yml` uses: top-level case names (with an optional
/// `&anchor`), indented `format:`, `mode:`, `<<: *alias` and a `samples:` list of plain or
/// single-quoted scalars; `#` comments. Anything else is an error rather than a guess.
private struct ProcessorYAML {
    struct Case {
        var name: String
        var format = ""
        var mode = "ecs"
        var samples: [String] = []
    }

    var cases: [Case] = []

    static func read(_ text: String) throws -> ProcessorYAML {
        var result = ProcessorYAML()
        var anchors: [String: Case] = [:]
        var current: Case?
        var currentAnchor: String?
        var inSamples = false
        func finish() {
            guard let done = current else { return }
            result.cases.append(done)
            if let currentAnchor { anchors[currentAnchor] = done }
        }
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "---" { continue }
            let indent = line.prefix { $0 == " " }.count
            func fail(_ why: String) -> Conformance.Failure {
                Conformance.Failure("\(ConformanceElasticBeatsProcessorTests.yamlFile):\(number + 1): \(why): \(line)")
            }
            switch indent {
            case 0:
                finish()
                let parts = trimmed.split(separator: " ")
                guard let head = parts.first, head.hasSuffix(":") else { throw fail("expected a case name") }
                current = Case(name: String(head.dropLast()))
                currentAnchor = parts.count > 1 && parts[1].hasPrefix("&") ? String(parts[1].dropFirst()) : nil
                inSamples = false
            case 2:
                guard current != nil, let colon = trimmed.firstIndex(of: ":") else { throw fail("expected a key") }
                let key = trimmed[..<colon]
                let value = scalar(trimmed[trimmed.index(after: colon)...])
                inSamples = false
                switch key {
                case "format": current!.format = value
                case "mode": current!.mode = value
                case "samples": inSamples = true
                case "<<":
                    guard value.hasPrefix("*"), let base = anchors[String(value.dropFirst())] else {
                        throw fail("unknown alias")
                    }
                    current!.format = base.format
                    current!.mode = base.mode
                    current!.samples = base.samples
                default: throw fail("unknown key")
                }
            case 4:
                guard inSamples, trimmed.hasPrefix("- ") else { throw fail("expected a sample") }
                current!.samples.append(scalar(trimmed.dropFirst(2)))
            default:
                throw fail("unexpected indentation")
            }
        }
        finish()
        return result
    }

    /// A plain scalar (ends at ` #`, trailing spaces dropped) or a single-quoted one (`''` is `'`).
    private static func scalar(_ text: Substring) -> String {
        let text = text.drop { $0 == " " }
        if text.first == "'" {
            var out = ""
            var rest = text.dropFirst()
            while let c = rest.first {
                rest = rest.dropFirst()
                if c == "'" {
                    if rest.first == "'" {
                        out.append("'")
                        rest = rest.dropFirst()
                    } else {
                        break
                    }
                } else {
                    out.append(c)
                }
            }
            return out
        }
        var out = String(text)
        if let comment = out.range(of: " #") { out = String(out[..<comment.lowerBound]) }
        while out.last == " " { out.removeLast() }
        return out
    }
}
