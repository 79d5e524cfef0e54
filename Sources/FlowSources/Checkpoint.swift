public import FlowCore
import Foundation
import Glibc

/// Remembers which sources a run has finished, so that the next run over the same inputs reads
/// only what is new: S3 objects by key and ETag, local files by path, size and modification time,
/// CloudWatch Logs by the time ranges read from each log group.
///
/// The file is a log of JSON lines, appended and synced as sources finish, so a run killed at any
/// point leaves every finished source recorded and nothing half-written that matters (a torn last
/// line is ignored on load). An exclusive lock keeps two runs from sharing one checkpoint.
public final class Checkpoint: @unchecked Sendable {
    /// One finished stretch of a CloudWatch Logs group (milliseconds, end exclusive).
    public struct TimeRange: Sendable, Hashable, Comparable {
        public var start: Int64
        public var end: Int64

        public init(start: Int64, end: Int64) {
            self.start = start
            self.end = end
        }

        public static func < (lhs: TimeRange, rhs: TimeRange) -> Bool {
            (lhs.start, lhs.end) < (rhs.start, rhs.end)
        }
    }

    public let path: String
    private let lock = NSLock()
    private var done = Set<String>()
    private var ranges: [String: [TimeRange]] = [:]
    private var pending: [String] = []
    private var fd: Int32 = -1

    /// Opens (or creates) the checkpoint file and takes its lock.
    public init(path: String) throws(FlowLensError) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FlowLensError(.unreadable, "cannot open checkpoint: \(String(cString: strerror(errno)))", location: path)
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            fd = -1
            throw FlowLensError(.badArgument, "another flowlens run is using this checkpoint", location: path)
        }
        try load()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Identity of a source for the checkpoint; nil for stdin, which cannot be read twice anyway.
    public static func identity(of file: SourceFile) -> String? {
        if let remote = file.remote { return remote.identity }
        guard !file.isStandardInput else { return nil }
        var info = stat()
        guard stat(file.path, &info) == 0 else { return nil }
        let absolute = file.path.hasPrefix("/") ? file.path : FileManager.default.currentDirectoryPath + "/" + file.path
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return "file://\(absolute)#\(info.st_size)-\(modified)"
    }

    public func isDone(_ identity: String) -> Bool {
        lock.withLock { done.contains(identity) }
    }

    /// The finished ranges of one log group (and stream prefix), merged and sorted.
    public func finishedRanges(_ key: String) -> [TimeRange] {
        lock.withLock { ranges[key] ?? [] }
    }

    /// Records a finished source; written at the next `commit()`.
    public func markDone(_ identity: String) {
        lock.withLock {
            guard done.insert(identity).inserted else { return }
            pending.append("{\"done\":\(JSON.string(identity))}")
        }
    }

    /// Records a finished range of a log group; written at the next `commit()`.
    public func markDone(range: TimeRange, of key: String) {
        lock.withLock {
            ranges[key] = Self.merge((ranges[key] ?? []) + [range])
            pending.append("{\"range\":\(JSON.string(key)),\"start\":\(range.start),\"end\":\(range.end)}")
        }
    }

    /// Appends what was marked since the last commit and syncs it to disk.
    public func commit() throws(FlowLensError) {
        let lines = lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
        guard !lines.isEmpty else { return }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FlowLensError(.ioError, "cannot write checkpoint: \(String(cString: strerror(errno)))", location: path)
            }
            written += n
        }
        if fsync(fd) != 0 {
            throw FlowLensError(.ioError, "cannot sync checkpoint: \(String(cString: strerror(errno)))", location: path)
        }
    }

    /// Parts of `range` that no finished range covers.
    public static func remaining(_ range: TimeRange, minus finished: [TimeRange]) -> [TimeRange] {
        var pieces: [TimeRange] = []
        var cursor = range.start
        for done in merge(finished) where done.end > cursor && done.start < range.end {
            if done.start > cursor { pieces.append(TimeRange(start: cursor, end: done.start)) }
            cursor = max(cursor, done.end)
        }
        if cursor < range.end { pieces.append(TimeRange(start: cursor, end: range.end)) }
        return pieces
    }

    static func merge(_ list: [TimeRange]) -> [TimeRange] {
        var merged: [TimeRange] = []
        for range in list.sorted() where range.end > range.start {
            if let last = merged.last, range.start <= last.end {
                merged[merged.count - 1].end = max(last.end, range.end)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    private func load() throws(FlowLensError) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return }
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where !line.isEmpty {
            let isLast = index == lines.count - 1
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                // A run killed while appending leaves a torn last line: that source was not done.
                if isLast { break }
                throw FlowLensError(
                    .badConfig, "not a checkpoint entry (expected one JSON object per line)",
                    location: "\(path):\(index + 1)")
            }
            if let identity = object["done"] as? String {
                done.insert(identity)
            } else if let key = object["range"] as? String, let start = (object["start"] as? NSNumber)?.int64Value,
                let end = (object["end"] as? NSNumber)?.int64Value
            {
                ranges[key, default: []].append(TimeRange(start: start, end: end))
            } else {
                throw FlowLensError(
                    .badConfig, "unknown checkpoint entry: expected \"done\" or \"range\" with \"start\" and \"end\"",
                    location: "\(path):\(index + 1)")
            }
        }
        for (key, list) in ranges { ranges[key] = Self.merge(list) }
    }
}
