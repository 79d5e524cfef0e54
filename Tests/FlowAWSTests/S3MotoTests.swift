import Foundation
import Testing

@testable import FlowAWS

/// S3 against moto's server, written and read both by FlowLens and by the real AWS CLI.
@Suite struct S3MotoTests {
    static let awkwardKeys = [
        "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/29/plain.log.gz",
        "with space/and+plus=equals&amp.log",
        "unicode/ü-日本語-🙂.log",
        "percent%41/tilde~/semi;colon,comma.log",
        "trailing-space ",
    ]

    @Test func putListPaginateAndGet() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let bucket = TestAWS.uniqueName("flowaws")
        try await client.createBucket(bucket: bucket)
        var eTags: [String: String] = [:]
        for (index, key) in Self.awkwardKeys.enumerated() {
            eTags[key] = try await client.putObject(bucket: bucket, key: key, bytes: Array("object \(index)\n".utf8))
        }

        var listed: [S3ObjectInfo] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await client.listObjectsV2(bucket: bucket, continuationToken: token, maxKeys: 2)
            #expect(page.objects.count <= 2)
            listed += page.objects
            token = page.nextContinuationToken
            #expect(page.isTruncated == (token != nil))
            pages += 1
        } while token != nil
        #expect(pages == 3)
        #expect(listed.map(\.key) == Self.awkwardKeys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        for object in listed {
            #expect(object.eTag == eTags[object.key], "\(object.key)")
            #expect(object.size == Int64("object 0\n".utf8.count))
            #expect(abs(object.lastModified.timeIntervalSinceNow) < 3600)
        }
        for (index, key) in Self.awkwardKeys.enumerated() {
            let object = try await client.getObject(bucket: bucket, key: key)
            #expect(object.bytes == Array("object \(index)\n".utf8), "\(key)")
            #expect(object.eTag == eTags[key])
        }
    }

    @Test func prefixDelimiterAndStartAfter() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let bucket = TestAWS.uniqueName("flowaws")
        try await client.createBucket(bucket: bucket)
        for key in ["logs/2026/11/28/a", "logs/2026/11/29/b", "logs/2026/11/29/c", "logs/2026/12/01/d", "other/e"] {
            try await client.putObject(bucket: bucket, key: key, bytes: [1])
        }
        let days = try await client.listObjectsV2(bucket: bucket, prefix: "logs/2026/11/", delimiter: "/")
        #expect(days.commonPrefixes == ["logs/2026/11/28/", "logs/2026/11/29/"])
        #expect(days.objects.isEmpty)
        let oneDay = try await client.listObjectsV2(bucket: bucket, prefix: "logs/2026/11/29/")
        #expect(oneDay.objects.map(\.key) == ["logs/2026/11/29/b", "logs/2026/11/29/c"])
        let after = try await client.listObjectsV2(bucket: bucket, prefix: "logs/", startAfter: "logs/2026/11/29/b")
        #expect(after.objects.map(\.key) == ["logs/2026/11/29/c", "logs/2026/12/01/d"])
    }

    /// A presigned URL downloads the object with no credentials (checked with the AWS CLI's
    /// Python runtime, a client FlowLens did not write).
    @Test func presignedGetObjectURL() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let bucket = TestAWS.uniqueName("flowaws")
        try await client.createBucket(bucket: bucket)
        try await client.putObject(bucket: bucket, key: "dir/presigned ü.txt", bytes: Array("shared".utf8))
        let url = try await client.presignedGetObjectURL(bucket: bucket, key: "dir/presigned ü.txt", expires: 300)
        #expect(url.contains("X-Amz-Signature="))
        #expect(url.contains("X-Amz-Expires=300"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())", url,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: data, as: UTF8.self) == "shared")
    }

    /// A bucket name with dots works (path-style addressing).
    @Test func dottedBucketName() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let bucket = "flow.logs." + UUID().uuidString.lowercased()
        try await client.createBucket(bucket: bucket)
        try await client.putObject(bucket: bucket, key: "k", bytes: [1, 2, 3])
        #expect(try await client.getObject(bucket: bucket, key: "k").bytes == [1, 2, 3])
    }

    /// Streaming GetObject hands over the same bytes as the whole-body call, in pieces.
    @Test func streamingGetObject() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let bucket = TestAWS.uniqueName("flowaws")
        try await client.createBucket(bucket: bucket)
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let eTag = try await client.putObject(bucket: bucket, key: "big.bin", bytes: bytes)
        let collector = ChunkCollector()
        let head = try await client.getObject(bucket: bucket, key: "big.bin") { chunk in await collector.add(chunk) }
        #expect(head.eTag == eTag)
        #expect(head.contentLength == Int64(bytes.count))
        let received = await collector.chunks
        #expect(received.count > 1)
        #expect(received.flatMap { $0 } == bytes)
    }

    /// Objects uploaded by the AWS CLI are read by FlowLens, and FlowLens's uploads by the CLI.
    @Test func interoperatesWithTheAWSCLI() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let bucket = TestAWS.uniqueName("flowaws")
        try TestAWS.cli(["s3", "mb", "s3://\(bucket)"])
        let directory = try TestAWS.temporaryDirectory()
        let file = directory.appendingPathComponent("flow.log")
        let content = "version account-id interface-id srcaddr\n2 123456789012 eni-1 10.0.0.1\n"
        try Data(content.utf8).write(to: file)
        let key = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/29/file with space ü.log"
        try TestAWS.cli(["s3", "cp", file.path, "s3://\(bucket)/\(key)"])

        let listed = try await client.listObjectsV2(bucket: bucket, prefix: "AWSLogs/")
        #expect(listed.objects.map(\.key) == [key])
        #expect(try await client.getObject(bucket: bucket, key: key).bytes == Array(content.utf8))

        let written = "written by FlowLens: é\n"
        try await client.putObject(bucket: bucket, key: "from-flowlens/ä b.txt", bytes: Array(written.utf8))
        let downloaded = directory.appendingPathComponent("back.txt")
        try TestAWS.cli(["s3", "cp", "s3://\(bucket)/from-flowlens/ä b.txt", downloaded.path])
        #expect(try String(contentsOf: downloaded, encoding: .utf8) == written)
        let cliListing = try TestAWS.json(TestAWS.cli(["s3api", "list-objects-v2", "--bucket", bucket]))
        let cliKeys = (cliListing["Contents"] as? [[String: Any]] ?? []).compactMap { $0["Key"] as? String }
        #expect(Set(cliKeys) == [key, "from-flowlens/ä b.txt"])
    }

    @Test func missingBucketAndKeyErrors() async throws {
        let client = try TestAWS.client()
        defer { Task { try await client.shutdown() } }
        let bucket = TestAWS.uniqueName("flowaws-missing")
        let noBucket = await #expect(throws: AWSError.self) {
            try await client.listObjectsV2(bucket: bucket, prefix: "AWSLogs/")
        }
        #expect(noBucket?.code == .noSuchBucket)
        #expect(
            noBucket?.description.hasPrefix(
                "NoSuchBucket: s3:ListObjectsV2 on s3://\(bucket)/AWSLogs/ failed (HTTP 404): ") == true)

        try await client.createBucket(bucket: bucket)
        let noKey = await #expect(throws: AWSError.self) { try await client.getObject(bucket: bucket, key: "nope.gz") }
        #expect(noKey?.code == .noSuchKey)
        #expect(noKey?.isNotFound == true)
        let text = noKey?.description ?? ""
        #expect(text.hasPrefix("NoSuchKey: s3:GetObject on s3://\(bucket)/nope.gz failed (HTTP 404)"))
        #expect(!text.contains(TestAWS.credentials.secretAccessKey))
    }
}

private actor ChunkCollector {
    var chunks: [[UInt8]] = []
    func add(_ chunk: [UInt8]) { chunks.append(chunk) }
}
