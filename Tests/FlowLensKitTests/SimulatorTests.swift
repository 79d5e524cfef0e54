import FlowCore
import FlowLensKit
import Foundation
import Testing

/// Runs simulations into temporary folders and reads back what they wrote, as text rows.
enum SimulatorFixture {
    struct Output {
        var directory: String
        var summary: SimulationSummary
        var simulator: FlowLogSimulator
        /// Paths relative to the output folder of every flow log file, sorted.
        var files: [String]
    }

    /// One record line, split into named columns.
    struct Row {
        var file: String
        var line: Int
        var values: [String: String]

        subscript(_ name: String) -> String { values[name] ?? "?" }
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "flowlens-sim-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func run(_ configure: (inout SimulationOptions) -> Void) async throws -> Output {
        var options = SimulationOptions(outputDirectory: temporaryDirectory())
        options.records = 8_000
        options.hours = 2
        configure(&options)
        let simulator = try FlowLogSimulator(options: options)
        let summary = try await simulator.run()
        return Output(
            directory: options.outputDirectory, summary: summary, simulator: simulator,
            files: files(in: options.outputDirectory))
    }

    static func files(in directory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".log") || path.hasSuffix(".log.gz") { files.append(path) }
        }
        return files.sorted()
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The file's text, through the system `gzip -dc` when compressed, so compression is
    /// checked by an independent implementation.
    static func text(_ path: String) throws -> String {
        guard path.hasSuffix(".gz") else { return String(decoding: try bytes(path), as: UTF8.self) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gzip -dc \(path) failed")
        return String(decoding: data, as: UTF8.self)
    }

    /// Every record of every file; the column names come from each file's header line, or
    /// from `fields` for headerless files.
    static func rows(_ output: Output, fields: [String]? = nil) throws -> [Row] {
        var rows: [Row] = []
        for file in output.files {
            let lines = try text(output.directory + "/" + file).split(separator: "\n").map(String.init)
            var names = fields ?? []
            var first = 0
            if fields == nil {
                names = lines[0].split(separator: " ").map(String.init)
                first = 1
            }
            for index in first..<lines.count {
                let values = lines[index].split(separator: " ").map(String.init)
                #expect(values.count == names.count, "\(file):\(index + 1) has \(values.count) columns")
                rows.append(Row(file: file, line: index, values: Dictionary(uniqueKeysWithValues: zip(names, values))))
            }
        }
        return rows
    }

    /// The file stamp (`…_20261102T0010Z_…`) as Unix seconds.
    static func stamp(of file: String) -> Int64 {
        let name = file.split(separator: "/").last!
        let part = name.split(separator: "_")[4]
        let digits = Array(part.utf8).map { Int($0) - 48 }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + digits[$1] } }
        return UTCTime.unixSeconds(
            year: number(0..<4), month: number(4..<6), day: number(6..<8), hour: number(9..<11),
            minute: number(11..<13))
    }
}

@Suite struct SimulatorTests {
    @Test func summaryMatchesWhatIsOnDisk() async throws {
        let output = try await SimulatorFixture.run { $0.records = 12_000 }
        let rows = try SimulatorFixture.rows(output)
        #expect(output.summary.records == rows.count)
        #expect(output.summary.files == output.files.count)
        let onDisk = try output.files.reduce(0) { $0 + (try SimulatorFixture.bytes(output.directory + "/" + $1).count) }
        #expect(output.summary.writtenBytes == onDisk)
        // The volume is approximate by design; it must land close to the request.
        #expect(abs(rows.count - 12_000) < 600, "wrote \(rows.count) records for 12000")
        let starts = rows.compactMap { Int64($0["start"]) }
        #expect(output.summary.firstTime == starts.min())
        #expect(
            starts.allSatisfy { $0 >= SimulationOptions.defaultStart && $0 < SimulationOptions.defaultStart + 7200 })
        #expect(output.summary.description.contains("Output: \(output.directory)"))
        #expect(output.summary.description.contains("2026-11-02T00:"))
    }

    @Test func labelsFileIsEmptyWithoutScenarios() async throws {
        let output = try await SimulatorFixture.run { $0.records = 500 }
        let labels = try SimulatorFixture.bytes(output.directory + "/labels.jsonl")
        #expect(labels.isEmpty)
        #expect(output.summary.labels == 0)
    }

    @Test func eachHourGetsItsShareAndTheDayHasARhythm() async throws {
        let output = try await SimulatorFixture.run {
            $0.records = 48_000
            $0.hours = 24
        }
        let rows = try SimulatorFixture.rows(output)
        var perHour = [Int](repeating: 0, count: 24)
        for row in rows where row["log-status"] == "OK" {
            let start = Int64(row["start"])!
            perHour[Int((start - SimulationOptions.defaultStart) / 3600)] += 1
        }
        #expect(perHour.allSatisfy { $0 > 0 })
        // Users peak mid-afternoon UTC and are quietest at night.
        #expect(perHour[15] > perHour[3] * 2, "hour 15: \(perHour[15]), hour 3: \(perHour[3])")
    }

    @Test func statusRecordsAreKeptWithAbsentTrafficFields() async throws {
        let output = try await SimulatorFixture.run {
            $0.records = 120_000
            $0.hours = 12
            $0.aggregation = 60
            $0.fields = FlowField.v5All
        }
        let rows = try SimulatorFixture.rows(output)
        let noData = rows.filter { $0["log-status"] == "NODATA" }
        let skipData = rows.filter { $0["log-status"] == "SKIPDATA" }
        #expect(!noData.isEmpty)
        #expect(!skipData.isEmpty)
        let standby = output.simulator.network.host(named: "standby-1")!
        #expect(noData.allSatisfy { $0["interface-id"] == standby.interfaceID })
        for row in noData + skipData {
            for name in [
                "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "action",
                "tcp-flags", "pkt-srcaddr", "flow-direction",
            ] {
                #expect(row[name] == "-", "\(name) in \(row.file):\(row.line)")
            }
            #expect(row["vpc-id"] == output.simulator.network.vpcID)
            #expect(Int64(row["end"])! - Int64(row["start"])! < 60)
        }
        // The idle interface never has traffic.
        #expect(!rows.contains { $0["interface-id"] == standby.interfaceID && $0["log-status"] == "OK" })
    }

    @Test func optionsAreValidated() throws {
        var options = SimulationOptions(outputDirectory: "/tmp/x")
        options.aggregation = 30
        #expect(throws: FlowLensError.self) { try options.validate() }
        options = SimulationOptions(outputDirectory: "/tmp/x")
        options.accountID = "12345"
        #expect(throws: FlowLensError.self) { try options.validate() }
        options = SimulationOptions(outputDirectory: "/tmp/x")
        options.lateFraction = 1.5
        #expect(throws: FlowLensError.self) { try options.validate() }
        options = SimulationOptions(outputDirectory: "/tmp/x")
        options.hours = 0
        #expect(throws: FlowLensError.self) { try options.validate() }
        #expect(throws: FlowLensError.self) { try SimulationOptions.fields(parsing: "version srcadr") }
        #expect(throws: FlowLensError.self) { try SimulationOptions.fields(parsing: "srcaddr srcaddr") }
        #expect(throws: FlowLensError.self) { try SimulationOptions.fields(forVersion: 1) }
        try SimulationOptions(outputDirectory: "/tmp/x").validate()
    }

    @Test func rfc3339RoundTrips() {
        #expect(Timestamp.parse("2026-11-02T00:00:00Z") == SimulationOptions.defaultStart)
        #expect(Timestamp.parse("2026-11-02") == SimulationOptions.defaultStart)
        #expect(Timestamp.parse("2026-11-02T01:30:00+01:30") == SimulationOptions.defaultStart)
        #expect(Timestamp.parse("2026-11-01T23:59:59.750Z") == SimulationOptions.defaultStart - 1)
        #expect(Timestamp.parse("2026-13-02T00:00:00Z") == nil)
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.rfc3339(1_418_530_010) == "2014-12-14T04:06:50Z")
        #expect(Timestamp.rfc3339(951_782_400) == "2000-02-29T00:00:00Z")
        let t = UTCTime(unixSeconds: 1_793_577_600 + 86_399)
        #expect((t.year, t.month, t.day, t.hour, t.minute, t.second) == (2026, 11, 2, 23, 59, 59))
    }
}
