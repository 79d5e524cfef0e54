import FlowAWS
import FlowCore
import FlowDecoding
import FlowLensKit
import FlowSources
import FlowTesting
import Foundation
import Testing

/// `s3://` and `cwl://` sources against moto's server (a real S3, CloudWatch Logs and EC2 API on
/// loopback), with fixtures put there by the real AWS CLI, so FlowLens is checked against a
/// client it did not write. `scripts/test.sh` starts moto and sets FLOWLENS_TEST_AWS_ENDPOINT.
@Suite(.serialized) struct RemoteSourceTests {
    static let region = "us-east-1"

    struct MotoNotRunning: Error, CustomStringConvertible {
        var description: String {
            "moto server not running: run scripts/test.sh (it starts moto_server and sets FLOWLENS_TEST_AWS_ENDPOINT)"
        }
    }

    static func endpoint() throws -> String {
        guard let value = ProcessInfo.processInfo.environment["FLOWLENS_TEST_AWS_ENDPOINT"], !value.isEmpty else {
            throw MotoNotRunning()
        }
        return value
    }

    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "flowlens-remote-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func awsConfiguration() throws -> AWSClientConfiguration {
        AWSClientConfiguration(
            region: region, endpointURL: try endpoint(),
            credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
            environment: AWSEnvironment(variables: [:], homeDirectory: try folder()))
    }

    /// The real AWS CLI against moto; returns stdout, fails with stderr.
    @discardableResult
    static func cli(_ arguments: [String]) throws -> String {
        try AWSCommandLine.run(
            arguments, endpoint: try endpoint(), region: region, accessKeyID: "testing", secretAccessKey: "testing",
            home: try folder())
    }

    static func scan(
        _ sources: [String], since: Int64? = nil, until: Int64? = nil, checkpoint: String? = nil,
        configure: (inout ScanOptions) -> Void = { _ in }
    ) throws -> ScanResult {
        var options = ScanOptions(sources: sources)
        options.remote.aws = try awsConfiguration()
        options.since = since
        options.until = until
        options.checkpointPath = checkpoint
        configure(&options)
        return try ScanRunner(options: options).run()
    }

    /// Two hours of simulated traffic in AWS's S3 layout, uploaded by the AWS CLI.
    static func bucketWithTwoHours(layout: S3KeyLayout = .plain) async throws -> (bucket: String, local: String) {
        var options = SimulationOptions(outputDirectory: try folder())
        options.records = 6_000
        options.hours = 2
        options.layout = layout
        _ = try await FlowLogSimulator(options: options).run()
        let bucket = "flowlens-" + UUID().uuidString.lowercased().prefix(18)
        try cli(["s3", "mb", "s3://\(bucket)"])
        try cli(["s3", "cp", "--recursive", "--only-show-errors", options.outputDirectory, "s3://\(bucket)/"])
        return (String(bucket), options.outputDirectory)
    }

    @Test func s3ScanMatchesTheLocalScanOfTheSameFiles() async throws {
        let (bucket, local) = try await Self.bucketWithTwoHours()
        let remote = try Self.scan(["s3://\(bucket)/"])
        let files = try Self.scan([local + "/AWSLogs"])
        #expect(remote.outcomes.count == files.outcomes.count && remote.outcomes.count > 10)
        #expect(remote.statistics.records == files.statistics.records && remote.statistics.records > 5_000)
        #expect(remote.statistics.total == files.statistics.total)
        #expect(remote.statistics.rejected == files.statistics.rejected)
        #expect(remote.counters.malformedTotal == 0)
        #expect(remote.outcomes.allSatisfy { $0.status == .read && $0.file.displayName.hasPrefix("s3://\(bucket)/AWSLogs/") })
        #expect(remote.outcomes.allSatisfy { $0.encoding == .gzip })
    }

    @Test func s3TimeRangeReadsTheSameRecordsAsLocalFiles() async throws {
        let (bucket, local) = try await Self.bucketWithTwoHours(layout: .hive)
        let since = SimulationOptions.defaultStart + 1800
        let until = since + 1800
        let remote = try Self.scan(["s3://\(bucket)/AWSLogs/"], since: since, until: until)
        let files = try Self.scan([local + "/AWSLogs"], since: since, until: until)
        #expect(remote.statistics.records == files.statistics.records && remote.statistics.records > 0)
        // Only the objects the range needs were read, not the whole bucket.
        #expect(remote.outcomes.count < files.outcomes.count)
    }

    /// A run with a checkpoint, reduced to what the tests compare; the checkpoint (and its lock)
    /// is released when it returns, as when a process ends.
    static func checkpointedRun(
        _ source: String, checkpoint: String, since: Int64? = nil, until: Int64? = nil, commit: Bool = true
    ) throws -> (read: Int, skipped: Int, records: UInt64) {
        let result = try scan([source], since: since, until: until, checkpoint: checkpoint)
        if commit { try result.checkpoint?.commit() }
        return (result.outcomes.count, result.skippedSources, result.statistics.records)
    }

    @Test func checkpointReadsOnlyWhatIsNew() async throws {
        let (bucket, _) = try await Self.bucketWithTwoHours()
        let checkpoint = try Self.folder() + "/checkpoint"
        let source = "s3://\(bucket)/"
        let first = try Self.checkpointedRun(source, checkpoint: checkpoint)
        #expect(first.read > 10 && first.skipped == 0 && first.records > 5_000)
        let second = try Self.checkpointedRun(source, checkpoint: checkpoint)
        #expect(second.read == 0 && second.skipped == first.read && second.records == 0)
        // A new object (put by FlowLens's own client) is the only thing the next run reads.
        let line = "2 123456789012 eni-0a 10.0.0.1 10.0.0.2 40000 22 6 3 180 1793577600 1793577660 ACCEPT OK\n"
        let client = try AWSClient(configuration: try Self.awsConfiguration())
        try await client.putObject(
            bucket: bucket, key: "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/03/late.log", bytes: Array(line.utf8))
        try await client.shutdown()
        // A run killed before it reported (no commit) leaves the new object to be read again.
        let killed = try Self.checkpointedRun(source, checkpoint: checkpoint, commit: false)
        #expect(killed.read == 1 && killed.records == 1)
        let third = try Self.checkpointedRun(source, checkpoint: checkpoint)
        #expect(third.read == 1 && third.records == 1 && third.skipped == first.read)
        let fourth = try Self.checkpointedRun(source, checkpoint: checkpoint)
        #expect(fourth.read == 0 && fourth.skipped == first.read + 1)
    }

    @Test func oneCheckpointServesOneRunAtATime() throws {
        let path = try Self.folder() + "/checkpoint"
        try withExtendedLifetime(try Checkpoint(path: path)) { held in
            #expect(throws: FlowLensError.self) { _ = try Checkpoint(path: path) }
            held.markDone("s3://b/k#etag")
            held.markDone(range: Checkpoint.TimeRange(start: 0, end: 3_600_000), of: "cwl://g")
            try held.commit()
        }
        // A torn last line (a run killed while writing) is ignored; the entries before it hold.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"done":"s3://b/k2#e"#.utf8))
        try handle.close()
        let reopened = try Checkpoint(path: path)
        #expect(reopened.isDone("s3://b/k#etag") && !reopened.isDone("s3://b/k2#e"))
        #expect(reopened.finishedRanges("cwl://g") == [Checkpoint.TimeRange(start: 0, end: 3_600_000)])
        let left = CloudWatchSlicePlan.slices(start: 0, end: 3 * 3_600_000, finished: reopened.finishedRanges("cwl://g"))
        #expect(left == [Checkpoint.TimeRange(start: 3_600_000, end: 7_200_000), Checkpoint.TimeRange(start: 7_200_000, end: 10_800_000)])
    }

    @Test func missingBucketIsAClearError() throws {
        do {
            _ = try Self.scan(["s3://flowlens-no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))/"])
            Issue.record("scanning a missing bucket succeeded")
        } catch {
            let message = "\(error)"
            #expect(message.contains("no source could be read"))
            #expect(message.contains("NoSuchBucket"))
            #expect(!message.contains("testing"))
        }
    }

    /// Records put with `aws logs put-log-events` in a custom format that `aws ec2 create-flow-logs`
    /// declared: FlowLens finds the format through DescribeFlowLogs and decodes the records.
    @Test func cloudWatchRecordsDecodeWithTheFlowLogsFormat() throws {
        let group = "/flowlens/test/" + UUID().uuidString.lowercased()
        try Self.cli(["logs", "create-log-group", "--log-group-name", group])
        try Self.cli(["logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "eni-0abc-all"])
        let vpc = try JSONSerialization.jsonObject(with: Data(try Self.cli(["ec2", "create-vpc", "--cidr-block", "10.9.0.0/16"]).utf8))
        let vpcID = try #require(((vpc as? [String: Any])?["Vpc"] as? [String: Any])?["VpcId"] as? String)
        let format = "${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action} ${start} ${end} ${tcp-flags}"
        try Self.cli([
            "ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", vpcID, "--traffic-type", "ALL",
            "--log-group-name", group, "--deliver-logs-permission-arn", "arn:aws:iam::123456789012:role/flow-logs",
            "--log-format", format,
        ])
        let now = Int64(Date().timeIntervalSince1970)
        let base = now - 7200
        var events: [[String: Any]] = []
        for i in 0..<120 {
            let start = base + Int64(i * 30)
            events.append([
                "timestamp": (start + 60) * 1000,
                "message": "10.9.0.\(i % 50 + 1) 10.9.1.7 \(i % 2 == 0 ? 22 : 443) 6 \(i % 4 == 0 ? "REJECT" : "ACCEPT") \(start) \(start + 60) 2",
            ])
        }
        let eventsFile = try Self.folder() + "/events.json"
        try JSONSerialization.data(withJSONObject: events).write(to: URL(fileURLWithPath: eventsFile))
        try Self.cli([
            "logs", "put-log-events", "--log-group-name", group, "--log-stream-name", "eni-0abc-all",
            "--log-events", "file://\(eventsFile)",
        ])
        let result = try Self.scan(["cwl://\(group)"], since: base - 600, until: now)
        #expect(result.statistics.records == 120)
        #expect(result.counters.malformedTotal == 0)
        #expect(result.statistics.rejected.flows == 30)
        #expect(result.statistics.destinationPorts[22].flows == 60)
        // With a checkpoint, the hours read are recorded and the next run has nothing new. Both
        // runs end at the same time: without `until` each ends at its own clock second less the
        // lateness, and a second run in a later second reads the new sliver (with no records).
        let checkpoint = try Self.folder() + "/checkpoint"
        let first = try Self.checkpointedRun("cwl://\(group)", checkpoint: checkpoint, since: base - 600, until: now - 1800)
        #expect(first.records == 120)
        let second = try Self.checkpointedRun("cwl://\(group)", checkpoint: checkpoint, since: base - 600, until: now - 1800)
        #expect(second.records == 0 && second.skipped > 0 && second.read == 0)
        // Without `until`, a later run reads at most the time that has passed since.
        let third = try Self.checkpointedRun("cwl://\(group)", checkpoint: checkpoint, since: base - 600)
        #expect(third.records == 0 && third.read <= 2)
        // The stream prefix goes to FilterLogEvents (moto 5.2 ignores it there, so only the
        // parsing is checked here).
        #expect(CloudWatchLocation(url: "cwl://\(group)?stream=eni-0abc")?.streamPrefix == "eni-0abc")
        #expect(CloudWatchLocation(url: "cwl://\(group)")?.logGroup == group)
    }

    /// The issue's promise for `--checkpoint`: a run killed at any point and run again loses
    /// nothing and counts nothing twice. The real binary ingests from S3 and is killed (SIGKILL)
    /// at several points; a last run completes; the store then holds every record exactly once.
    @Test func ingestKilledAtAnyPointLosesNothingAndCountsNothingTwice() async throws {
        let (bucket, local) = try await Self.bucketWithTwoHours()
        let expected = try Self.scan([local + "/AWSLogs"]).statistics.records
        let work = try Self.folder()
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("flowlens").path
        #expect(FileManager.default.isExecutableFile(atPath: binary), "flowlens binary not next to the tests: \(binary)")
        let arguments = [
            "ingest", "s3://\(bucket)/", "--db", work + "/flows.db", "--checkpoint", work + "/ingest.ckpt",
            "--endpoint-url", try Self.endpoint(), "--region", Self.region, "--quiet",
        ]
        func run(killAfter seconds: Double?) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
            environment["AWS_ACCESS_KEY_ID"] = "testing"
            environment["AWS_SECRET_ACCESS_KEY"] = "testing"
            environment["HOME"] = work
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if let seconds {
                Thread.sleep(forTimeInterval: seconds)
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            return process.terminationStatus
        }
        for delay in [0.3, 0.8, 1.5, 2.5] { _ = try run(killAfter: delay) }
        #expect(try run(killAfter: nil) == 0)
        let count = Process()
        count.executableURL = URL(fileURLWithPath: binary)
        count.arguments = ["query", "--db", work + "/flows.db", "--format", "csv", "SELECT count(*) FROM flows"]
        let output = Pipe()
        count.standardOutput = output
        try count.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        count.waitUntilExit()
        let stored = text.split(whereSeparator: \.isNewline).last.flatMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        #expect(stored == expected, "store holds \(text) records, the files \(expected)")
        // Everything is recorded now: another run reads nothing.
        let again = try Self.checkpointedRun("s3://\(bucket)/", checkpoint: work + "/ingest.ckpt", commit: false)
        #expect(again.read == 0 && again.records == 0)
    }

    /// A Parquet object (written by pyarrow, as AWS delivers Parquet: GZIP pages) and the same rows
    /// as gzip text, both uploaded by the AWS CLI: `s3://` reads each by its magic bytes, alike.
    @Test func s3ParquetObjectsReadLikeTheirText() throws {
        let work = try Self.folder()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/parquet-fixtures.py").path
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", script, "--bench", "5000", work]
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "pyarrow could not write the fixture (run scripts/test.sh)")
        let bucket = "flowlens-parquet-" + UUID().uuidString.lowercased().prefix(12)
        try Self.cli(["s3", "mb", "s3://\(bucket)"])
        try Self.cli(["s3", "cp", work + "/bench.parquet", "s3://\(bucket)/parquet/flows.log.parquet"])
        try Self.cli(["s3", "cp", work + "/bench.log.gz", "s3://\(bucket)/text/flows.log.gz"])
        let parquet = try Self.scan(["s3://\(bucket)/parquet/"])
        let text = try Self.scan(["s3://\(bucket)/text/"])
        #expect(parquet.outcomes.map(\.encoding) == [.parquet] && text.outcomes.map(\.encoding) == [.gzip])
        #expect(parquet.statistics.records == 5000 && text.statistics.records == 5000)
        #expect(parquet.statistics.total == text.statistics.total)
        #expect(parquet.statistics.rejected == text.statistics.rejected)
        #expect(parquet.counters.malformedTotal == 0)
    }
}
