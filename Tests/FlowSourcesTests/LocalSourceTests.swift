import FlowCore
import FlowDecoding
import FlowLensKit
import FlowSources
import Foundation
import Testing

/// Files, folders, globs, gzip by magic, and every kind of bad file, through the same pass that
/// `scan` runs.
@Suite struct LocalSourceTests {
    static let lines = (0..<500).map {
        "2 123456789012 eni-\($0 % 7) 10.0.\($0 % 200).\($0 % 250 + 1) 198.51.100.\($0 % 100 + 1) \(40000 + $0) 443 6 \($0 % 30 + 1) \($0 * 17 + 40) \(1_793_577_600 + $0) \(1_793_577_660 + $0) \($0 % 9 == 0 ? "REJECT" : "ACCEPT") OK"
    }
    static let text = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
        + lines.joined(separator: "\n") + "\n"

    /// A fresh folder for one test.
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "flowlens-sources-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func gzip(_ text: String) throws -> [UInt8] { try GzipWriter.compress(Array(text.utf8)) }

    static func scan(_ sources: [String], chunkSize: Int = 1 << 20) throws -> ScanResult {
        var options = ScanOptions(sources: sources)
        options.chunkSize = chunkSize
        return try ScanRunner(options: options).run()
    }

    @Test func gzipIsDetectedByMagicBytesNotByName() throws {
        let dir = try Self.folder()
        try Self.write(try Self.gzip(Self.text), dir + "/compressed-but-named.log")
        try Self.write(Array(Self.text.utf8), dir + "/plain-but-named.log.gz")
        let result = try Self.scan([dir])
        #expect(result.counters.records == 1000)
        #expect(result.outcomes.map(\.encoding) == [.gzip, .text])
        #expect(result.outcomes.allSatisfy { $0.status == .read })
    }

    @Test func foldersAreReadRecursivelyAndGlobsExpand() throws {
        let dir = try Self.folder()
        try FileManager.default.createDirectory(atPath: dir + "/a/b", withIntermediateDirectories: true)
        try Self.write(Array(Self.text.utf8), dir + "/a/one.log")
        try Self.write(try Self.gzip(Self.text), dir + "/a/b/two.log.gz")
        try Self.write(Array("ignored".utf8), dir + "/a/.hidden")
        #expect(try Self.scan([dir]).counters.records == 1000)
        let globbed = try Self.scan([dir + "/a/*.log"])
        #expect(globbed.counters.records == 500)
        #expect(globbed.outcomes.map(\.file.displayName) == [dir + "/a/one.log"])
    }

    @Test func resultsDoNotDependOnChunkingOrFileOrder() throws {
        let dir = try Self.folder()
        for i in 0..<6 { try Self.write(try Self.gzip(Self.text), dir + "/part-\(i).log.gz") }
        let big = try Self.scan([dir])
        let small = try Self.scan([dir], chunkSize: 333)
        #expect(big.counters.records == 3000 && small.counters.records == 3000)
        #expect(big.statistics.total == small.statistics.total)
        #expect(big.statistics.accepted == small.statistics.accepted)
        #expect(ScanSummary(result: big).topSources.map(\.key) == ScanSummary(result: small).topSources.map(\.key))
    }

    @Test func everyBadFileGetsAClearMessageAndTheOthersAreStillRead() throws {
        let dir = try Self.folder()
        try Self.write(Array(Self.text.utf8), dir + "/good.log")
        try Self.write([], dir + "/empty.log")
        try Self.write(Array("version srcaddr dstaddr\n".utf8), dir + "/header-only.log")
        try Self.write((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }, dir + "/garbage.bin")
        try Self.write(Array(#"{"Records":[{"eventVersion":"1.08","eventSource":"s3.amazonaws.com"}]}"#.utf8), dir + "/cloudtrail.json")
        let gz = try Self.gzip(Self.text)
        try Self.write(Array(gz.prefix(gz.count / 2)), dir + "/truncated.log.gz")
        let result = try Self.scan([dir])
        let byName = Dictionary(uniqueKeysWithValues: result.outcomes.map { (($0.file.path as NSString).lastPathComponent, $0) })
        #expect(byName["good.log"]?.status == .read)
        #expect(byName["good.log"]?.records == 500)
        #expect(byName["empty.log"]?.status == .failed)
        #expect(byName["empty.log"]?.problem?.description == dir + "/empty.log: the file is empty")
        #expect(byName["header-only.log"]?.status == .headerOnly)
        #expect(byName["header-only.log"]?.problem?.description == dir + "/header-only.log: the file has a header line but no records")
        #expect(byName["garbage.bin"]?.status == .failed)
        #expect(byName["garbage.bin"]?.problem?.description.hasPrefix(dir + "/garbage.bin: binary data, not flow log text") == true)
        #expect(byName["cloudtrail.json"]?.status == .failed)
        #expect(byName["cloudtrail.json"]?.problem?.message.contains("another kind of log, such as CloudTrail") == true)
        let truncated = try #require(byName["truncated.log.gz"])
        #expect(truncated.status == .partial)
        #expect(truncated.records > 0 && truncated.records < 500)
        #expect(truncated.problem?.description.hasPrefix(dir + "/truncated.log.gz: truncated gzip") == true)
        // The lines of files that are not flow logs are not counted as malformed flow log lines;
        // the one malformed line is the truncated file's last, cut in the middle.
        #expect(result.counters.malformedTotal == 1)
        #expect(result.counters.samples.first?.file == dir + "/truncated.log.gz")
    }

    @Test func runFailsOnlyWhenNoSourceCouldBeRead() throws {
        let dir = try Self.folder()
        try Self.write([], dir + "/empty.log")
        #expect(throws: FlowLensError.self) { try Self.scan([dir + "/empty.log", dir + "/missing.log"]) }
        do {
            _ = try Self.scan([dir + "/missing.log"])
        } catch let error as FlowLensError {
            #expect(error.code == .noInput)
            #expect(error.description.contains("missing.log: cannot open: No such file or directory"))
        }
        try Self.write(Array(Self.text.utf8), dir + "/good.log")
        let partial = try Self.scan([dir + "/good.log", dir + "/missing.log"])
        #expect(partial.counters.records == 500)
        #expect(partial.resolutionErrors.count == 1)
    }

    @Test func malformedLinesInsideAFileAreCountedWithTheirLineNumbers() throws {
        let dir = try Self.folder()
        var lines = Self.text.split(separator: "\n").map(String.init)
        lines[100] = "2 123456789012 eni-1 10.0.0.1 not-an-ip 1 2 6 3 4 1600000000 1600000060 ACCEPT OK"
        try Self.write(try Self.gzip(lines.joined(separator: "\n") + "\n"), dir + "/x.log.gz")
        // Small chunks: the bad line lands in a later chunk, so its number is shifted correctly.
        let result = try Self.scan([dir + "/x.log.gz"], chunkSize: 700)
        #expect(result.counters.records == 499)
        #expect(result.counters.samples.map(\.description) == [dir + "/x.log.gz:101: dstaddr: not-an-ip: bad address"])
    }

    @Test func aHeaderRepeatedInALaterChunkChangesTheLayoutFromThere() throws {
        let dir = try Self.folder()
        var text = "version srcaddr dstaddr action\n"
        for i in 0..<200 { text += "5 10.0.0.\(i % 250) 10.0.1.1 ACCEPT\n" }
        text += "dstaddr srcaddr action version\n"
        for i in 0..<200 { text += "10.0.2.2 10.0.3.\(i % 250) REJECT 5\n" }
        try Self.write(Array(text.utf8), dir + "/mixed.log")
        var options = ScanOptions(sources: [dir + "/mixed.log"])
        options.chunkSize = 512
        let runner = ScanRunner(options: options)
        let collector = Collector()
        runner.sinks.append(collector)
        let result = try runner.run()
        #expect(result.counters.records == 400)
        #expect(result.counters.malformedTotal == 0)
        #expect(result.counters.layouts.count == 2)
        let records = collector.records
        #expect(records.count == 400)
        #expect(records[..<200].allSatisfy { $0.action == .accept && $0.dstaddr.description == "10.0.1.1" })
        #expect(records[200...].allSatisfy { $0.action == .reject && $0.dstaddr.description == "10.0.2.2" && $0.version == 5 })
    }
}

/// Keeps every record a pass delivers, in order.
final class Collector: FlowSink {
    var records: [FlowRecord] = []
    func consume(_ batch: FlowBatch) { records.append(contentsOf: batch.records) }
    func finish() {}
}
