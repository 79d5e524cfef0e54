import FlowCore
import FlowSources
import Foundation
import Testing

/// Remote content read as it downloads: the stream gives back exactly what was written, in order,
/// whatever the piece and read sizes, and a download's failure comes after the bytes before it.
@Suite struct ByteStreamTests {
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    /// Reads a stream to its end with reads of varying sizes.
    static func drain(_ stream: ByteStream, seed: Int) throws -> [UInt8] {
        var all: [UInt8] = []
        let sizes = [1, 7, 4096, 65_536, 3, 100_000]
        var turn = seed
        while true {
            turn += 1
            var block = [UInt8](repeating: 0, count: sizes[turn % sizes.count])
            let n = try block.withUnsafeMutableBytes { raw in try stream.read(into: raw) }
            if n == 0 { return all }
            all.append(contentsOf: block[0..<n])
        }
    }

    @Test func aReaderOnAnotherThreadGetsEveryByteInOrder() throws {
        for seed in 1...4 {
            let payload = Self.bytes(700_000, seed: UInt64(seed))
            let stream = ByteStream()
            let writer = Thread {
                var at = 0
                var piece = seed * 97
                while at < payload.count {
                    piece = (piece * 31 + 17) % 50_000 + 1
                    let end = min(payload.count, at + piece)
                    stream.write(Array(payload[at..<end]))
                    at = end
                    if piece % 5 == 0 { usleep(50) }
                }
                stream.finish()
            }
            writer.start()
            #expect(try Self.drain(stream, seed: seed) == payload)
            #expect(stream.bytesWritten == payload.count)
        }
    }

    @Test func aFailureComesAfterTheBytesBeforeIt() throws {
        let stream = ByteStream()
        stream.write([1, 2, 3])
        stream.write([])
        stream.write([4])
        stream.finish(error: FlowLensError(.unreadable, "connection reset", location: "s3://b/k"))
        var block = [UInt8](repeating: 0, count: 16)
        let n = try block.withUnsafeMutableBytes { raw in try stream.read(into: raw) }
        #expect(Array(block[0..<n]) == [1, 2, 3, 4])
        #expect(throws: FlowLensError.self) {
            _ = try block.withUnsafeMutableBytes { raw in try stream.read(into: raw) }
        }
    }

    /// A gzip object delivered in small pieces reads like the same file on disk, chunk for chunk.
    @Test func streamedGzipContentReadsLikeALocalFile() throws {
        let text = LocalSourceTests.text
        let gzip = try LocalSourceTests.gzip(text + text + text)
        let folder = try LocalSourceTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/objects.log.gz"
        try LocalSourceTests.write(gzip, path)

        func chunks(_ reader: ChunkReader) throws -> [[UInt8]] {
            var all: [[UInt8]] = []
            while let chunk = try reader.next() { all.append(chunk) }
            return all
        }
        let local = try chunks(ChunkReader(file: SourceFile(index: 0, path: path), chunkSize: 4096))
        let content = RemoteContent(url: "s3://bucket/objects.log.gz", identity: "etag", expectedSize: gzip.count, open: {
            let stream = ByteStream()
            let writer = Thread {
                // Pieces of one to three bytes first, so that the magic bytes arrive split.
                var at = 0
                var size = 1
                while at < gzip.count {
                    let end = min(gzip.count, at + size)
                    stream.write(Array(gzip[at..<end]))
                    at = end
                    size = size < 3 ? size + 1 : (size * 7) % 9_000 + 1
                }
                stream.finish()
            }
            writer.start()
            return stream
        })
        let reader = try ChunkReader(file: SourceFile(index: 0, remote: content), chunkSize: 4096)
        #expect(try reader.detectEncoding() == .gzip)
        let remote = try chunks(reader)
        #expect(remote == local)
        #expect(remote.reduce(0) { $0 + $1.count } == (text + text + text).utf8.count)
        #expect(reader.bytesRead == gzip.count)
    }
}
