import Dispatch
public import FlowAWS
public import FlowCore
import Foundation

/// Downloads a run's S3 objects ahead of the readers, a bounded number at a time, in list order,
/// and hands each one over as a ``ByteStream`` that is read while it downloads.
///
/// Readers claim sources in order and call `open(i)`, which starts the downloads from `i` up to
/// `concurrency` ahead and returns object `i`'s stream as soon as its download has started. An
/// object counts against `concurrency` until its download has ended and a reader has taken it,
/// so memory holds at most that many objects' unread bytes; each piece is dropped once read.
public final class S3Prefetcher: @unchecked Sendable {
    private enum State {
        case waiting
        case started(ByteStream)
        case taken(ByteStream)
        /// Taken and fully downloaded (or failed): no longer in flight.
        case done
    }

    public let client: AWSClient
    public let location: S3Location
    public let objects: [ListedObject]
    public let concurrency: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var states: [State]
    private var downloaded: [Bool]
    /// Where the readers are: downloads start from here when one ends.
    private var frontier = 0

    public init(client: AWSClient, location: S3Location, objects: [ListedObject], concurrency: Int = 8) {
        self.client = client
        self.location = location
        self.objects = objects
        self.concurrency = max(1, concurrency)
        states = Array(repeating: .waiting, count: objects.count)
        downloaded = Array(repeating: false, count: objects.count)
    }

    /// Starts the first downloads before any reader asks.
    public func start() {
        condition.lock()
        startDownloads(from: 0)
        condition.unlock()
    }

    /// Object `index` as a stream that its download feeds.
    public func open(_ index: Int) throws(FlowLensError) -> ByteStream {
        condition.lock()
        defer { condition.unlock() }
        frontier = max(frontier, index)
        if case .waiting = states[index] {
            // A reader got ahead of the downloads: this one starts now, beyond the limit.
            download(index)
        }
        guard case .started(let stream) = states[index] else {
            throw FlowLensError(.ioError, "object already read", location: location.url(key: objects[index].key))
        }
        states[index] = downloaded[index] ? .done : .taken(stream)
        startDownloads(from: index)
        return stream
    }

    /// The sources to hand to the decoder, one per object.
    public func sources(startingIndex: Int) -> [SourceFile] {
        objects.enumerated().map { offset, object in
            let content = RemoteContent(
                url: location.url(key: object.key), identity: "\(location.url(key: object.key))#\(object.eTag)",
                expectedSize: object.size, open: { [self] () throws(FlowLensError) in try open(offset) })
            return SourceFile(index: startingIndex + offset, remote: content)
        }
    }

    /// Call with the lock held.
    private func startDownloads(from index: Int) {
        var inFlight = 0
        for state in states {
            switch state {
            case .started, .taken: inFlight += 1
            case .waiting, .done: break
            }
        }
        var next = index
        while inFlight < concurrency && next < states.count {
            if case .waiting = states[next] {
                inFlight += 1
                download(next)
            }
            next += 1
        }
    }

    /// Starts object `index`'s download into a new stream. Call with the lock held.
    private func download(_ index: Int) {
        let stream = ByteStream()
        states[index] = .started(stream)
        let client = self.client
        let bucket = location.bucket
        let key = objects[index].key
        let url = location.url(key: key)
        Task.detached { [self] in
            do {
                try await client.getObject(bucket: bucket, key: key) { piece in stream.write(piece) }
                stream.finish()
            } catch {
                stream.finish(error: FlowLensError(.unreadable, "cannot read: \(error)", location: url))
            }
            ended(index)
        }
    }

    private func ended(_ index: Int) {
        condition.lock()
        downloaded[index] = true
        if case .taken = states[index] { states[index] = .done }
        startDownloads(from: frontier)
        condition.unlock()
    }
}
