public import FlowCore
import Foundation

/// Bytes that arrive over time from a download, read in order by one reader thread.
///
/// A download task (async) writes the pieces as the network delivers them and never waits; the
/// reader blocks in ``read(into:)`` until there is something to read, the download has ended, or
/// it failed. So decoding starts with the first piece of an object instead of after its last,
/// and the object is never held whole: what is buffered is what the download is ahead of the
/// reader. The prefetcher bounds how many downloads run at once, which bounds that buffer.
public final class ByteStream: @unchecked Sendable {
    // Every stored property is read and written with `condition` locked.
    private let condition = NSCondition()
    private var pieces: [[UInt8]] = []
    /// Index of the first piece not yet fully read, and the offset read within it.
    private var head = 0
    private var offset = 0
    private var ended = false
    private var failure: FlowLensError?
    private var totalWritten = 0

    public init() {}

    /// Appends a piece; empty pieces are ignored.
    public func write(_ piece: [UInt8]) {
        guard !piece.isEmpty else { return }
        condition.lock()
        pieces.append(piece)
        totalWritten += piece.count
        condition.signal()
        condition.unlock()
    }

    /// Ends the stream: reads return what is buffered, then end (or throw `error`).
    public func finish(error: FlowLensError? = nil) {
        condition.lock()
        if !ended {
            ended = true
            failure = error
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Whether ``finish(error:)`` has been called.
    public var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return ended
    }

    /// Bytes written so far.
    public var bytesWritten: Int {
        condition.lock()
        defer { condition.unlock() }
        return totalWritten
    }

    /// Copies up to `buffer.count` bytes into `buffer`, waiting until some are there.
    /// - Returns: the number copied; 0 only at the end of a stream that ended without error.
    /// - Throws: the download's error, once every byte that came before it has been read.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FlowLensError) -> Int {
        guard buffer.count > 0 else { return 0 }
        condition.lock()
        defer { condition.unlock() }
        while head == pieces.count && !ended { condition.wait() }
        var copied = 0
        while copied < buffer.count && head < pieces.count {
            let piece = pieces[head]
            let take = min(buffer.count - copied, piece.count - offset)
            piece.withUnsafeBytes { source in
                (buffer.baseAddress! + copied).copyMemory(from: source.baseAddress! + offset, byteCount: take)
            }
            copied += take
            offset += take
            if offset == piece.count {
                // Drop the piece now: the memory held is only what the reader has not read.
                pieces[head] = []
                head += 1
                offset = 0
            }
        }
        if head == pieces.count {
            pieces.removeAll(keepingCapacity: true)
            head = 0
        }
        if copied == 0, let failure { throw failure }
        return copied
    }
}
