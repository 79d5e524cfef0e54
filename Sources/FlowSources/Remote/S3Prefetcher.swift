import Dispatch
public import FlowAWS
public import FlowCore
import Foundation

/// Downloads a run's S3 objects ahead of the readers, a bounded number at a time, in list order.
///
/// Readers claim sources in order and call `fetch(i)`, which starts the downloads from `i` up to
/// `concurrency` ahead and waits for object `i`. Memory holds at most the objects in flight plus
/// those fetched and not yet claimed; each object's bytes are dropped once handed over.
public final class S3Prefetcher: @unchecked Sendable {
    private enum State {
        case waiting
        case downloading
        case ready([UInt8])
        case failed(FlowLensError)
        case taken
    }

    public let client: AWSClient
    public let location: S3Location
    public let objects: [ListedObject]
    public let concurrency: Int
    private let condition = NSCondition()
    private var states: [State]

    public init(client: AWSClient, location: S3Location, objects: [ListedObject], concurrency: Int = 8) {
        self.client = client
        self.location = location
        self.objects = objects
        self.concurrency = max(1, concurrency)
        states = Array(repeating: .waiting, count: objects.count)
    }

    /// Starts the first downloads before any reader asks.
    public func start() {
        condition.lock()
        startDownloads(from: 0)
        condition.unlock()
    }

    /// The bytes of object `index`; blocks until they are there.
    public func fetch(_ index: Int) throws(FlowLensError) -> [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        startDownloads(from: index)
        while true {
            switch states[index] {
            case .ready(let bytes):
                states[index] = .taken
                startDownloads(from: index)
                return bytes
            case .failed(let error):
                states[index] = .taken
                startDownloads(from: index)
                throw error
            case .taken:
                throw FlowLensError(.ioError, "object already read", location: location.url(key: objects[index].key))
            case .waiting, .downloading:
                condition.wait()
            }
        }
    }

    /// The sources to hand to the decoder, one per object.
    public func sources(startingIndex: Int) -> [SourceFile] {
        objects.enumerated().map { offset, object in
            let content = RemoteContent(
                url: location.url(key: object.key), identity: "\(location.url(key: object.key))#\(object.eTag)",
                expectedSize: object.size
            ) { [self] () throws(FlowLensError) in try fetch(offset) }
            return SourceFile(index: startingIndex + offset, remote: content)
        }
    }

    /// Call with the lock held.
    private func startDownloads(from index: Int) {
        var inFlight = 0
        for state in states {
            switch state {
            case .downloading, .ready: inFlight += 1
            default: break
            }
        }
        var next = index
        while inFlight < concurrency && next < states.count {
            if case .waiting = states[next] {
                states[next] = .downloading
                inFlight += 1
                download(next)
            }
            next += 1
        }
    }

    private func download(_ index: Int) {
        let client = self.client
        let bucket = location.bucket
        let key = objects[index].key
        let url = location.url(key: key)
        Task.detached { [self] in
            let state: State
            do {
                let object = try await client.getObject(bucket: bucket, key: key)
                state = .ready(object.bytes)
            } catch {
                state = .failed(FlowLensError(.unreadable, "cannot read: \(error)", location: url))
            }
            finish(index, state)
        }
    }

    private func finish(_ index: Int, _ state: State) {
        condition.lock()
        states[index] = state
        condition.broadcast()
        condition.unlock()
    }
}
