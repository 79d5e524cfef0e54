import FlowCore
@testable import FlowSources
import Foundation
import Testing

/// Chunks are built straight in their arrays up to the chunk size and grow past it only for a
/// line longer than the chunk: every byte must come out once, in order, cut at newlines.
@Suite struct ChunkReaderTests {
    /// Short lines, lines longer than the chunk, one longer than the growth step, and a last
    /// line without a newline.
    static let text: String = {
        var lines: [String] = []
        for k in 0..<400 {
            let width = k % 50 == 7 ? 5_000 : 20 + k % 90
            lines.append(String(k) + " " + String(repeating: "abcdefghij", count: width / 10 + 1).prefix(width))
        }
        lines.insert(String(repeating: "x", count: 150_000), at: 200)
        return lines.joined(separator: "\n") + "\nlast line without newline"
    }()

    @Test(arguments: [false, true], [300, 4096, 1 << 20])
    func everyByteComesOutOnceCutAtNewlines(gzipped: Bool, chunkSize: Int) throws {
        let bytes = Array(Self.text.utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chunks-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(gzipped ? GzipWriter.compress(bytes) : bytes).write(to: URL(fileURLWithPath: path))
        let reader = try ChunkReader(file: SourceFile(index: 0, path: path), chunkSize: chunkSize)
        var chunks: [[UInt8]] = []
        while let chunk = try reader.next() { chunks.append(chunk) }
        #expect(Array(chunks.joined()) == bytes)
        for chunk in chunks.dropLast() { #expect(chunk.last == 0x0A) }
        #expect(chunks.dropLast().allSatisfy { !$0.isEmpty })
        #expect(reader.textBytes == bytes.count)
    }
}
