public import FlowCore
public import FlowDetection
public import FlowSources
public import FlowStore
import Dispatch
import Glibc

/// A sink that also hears which sources the run resolved and when each one ends, with its
/// outcome (read, partial, failed).
public protocol SourceAwareSink: FlowSink {
    /// Called once before the first batch; `files[i]` is the source of batches with index `i`.
    func sourcesResolved(_ files: [SourceFile])
    func sourceEnded(_ outcome: SourceOutcome)
}

extension SourceAwareSink {
    public func sourcesResolved(_ files: [SourceFile]) {}
}

/// Ingests a run into a ``FlowStore``: one transaction per source, committed only when the
/// source was read to its end, so a source that fails mid-file leaves nothing behind.
///
/// A file whose content hash the store already holds is skipped (ingest is idempotent). Standard
/// input and remote sources are hashed over their records instead and rolled back at their end
/// when already known. A store error (locked, disk full) stops the ingest; ``error`` then says why.
///
/// The store is written on a queue of its own, so that SQLite works while the caller's thread
/// filters, counts and hands over the next batch; a few batches wait at most (the caller blocks
/// beyond that). Calls keep their order. ``finish()`` returns once everything is written; the
/// receipts and the error are complete from then on.
public final class StoreSink: SourceAwareSink, @unchecked Sendable {
    /// What happened to one source.
    public enum Receipt: Sendable, Equatable {
        case ingested(name: String, records: Int)
        case alreadyIngested(name: String, as: String)
        case discarded(name: String, reason: String)
    }

    public let store: FlowStore
    // Everything below is touched only on `queue`.
    private var files: [SourceFile] = []
    private var writtenReceipts: [Receipt] = []
    private var firstError: StoreError?
    private var currentIndex: Int?
    private var skipping: String?
    private var streamHash: ContentHash.State?

    private let queue = DispatchQueue(label: "flowlens.store-sink")
    /// Work items handed to `queue` and not yet done, at most this many.
    private let slots = DispatchSemaphore(value: 8)

    public init(store: FlowStore) {
        self.store = store
    }

    /// What happened to each source so far (complete after ``finish()``).
    public var receipts: [Receipt] { queue.sync { writtenReceipts } }
    /// The first store error; once set, nothing more is written.
    public var error: StoreError? { queue.sync { firstError } }

    public var recordsIngested: Int {
        receipts.reduce(0) {
            if case .ingested(_, let records) = $1 { return $0 + records } else { return $0 }
        }
    }

    private func submit(_ work: @escaping @Sendable () -> Void) {
        slots.wait()
        queue.async {
            work()
            self.slots.signal()
        }
    }

    public func sourcesResolved(_ files: [SourceFile]) {
        submit {
            self.files = files
            // A large ingest builds the store's indexes once at the end instead of row by row.
            do throws(StoreError) {
                try self.store.prepareBulkIngest(expectedRecords: Self.expectedRecords(files))
            } catch {
                self.fail(error)
            }
        }
    }

    /// Records a run's files probably hold, from their sizes (gzip text holds about 17 bytes a
    /// record, plain text about 110, Parquet about 10).
    static func expectedRecords(_ files: [SourceFile]) -> Int {
        files.reduce(0) { total, file in
            guard !file.isStandardInput, file.remote == nil else { return total }
            var info = stat()
            guard stat(file.path, &info) == 0 else { return total }
            let size = Int(info.st_size)
            if file.path.hasSuffix(".gz") { return total + size / 17 }
            if file.path.hasSuffix(".parquet") { return total + size / 10 }
            return total + size / 110
        }
    }

    public func consume(_ batch: FlowBatch) {
        submit { self.write(batch) }
    }

    private func write(_ batch: FlowBatch) {
        guard firstError == nil else { return }
        if batch.sourceIndex != currentIndex { start(batch.sourceIndex) }
        guard firstError == nil, skipping == nil else { return }
        if streamHash != nil { hashRecords(batch) }
        do { try store.insert(batch) } catch { fail(error) }
    }

    private func start(_ index: Int) {
        if store.hasOpenSource { store.rollbackSource() }
        currentIndex = index
        skipping = nil
        streamHash = nil
        let file = index < files.count ? files[index] : SourceFile(index: index, path: "-", isStandardInput: true)
        do {
            // Standard input and remote content (S3 objects, CloudWatch slices) have no file to
            // hash first: their records are hashed as they pass.
            if file.isStandardInput || file.remote != nil {
                streamHash = ContentHash.State()
                try store.beginSource(name: file.displayName, hash: "pending-\(index)", size: 0)
                return
            }
            guard let (hash, size) = ContentHash.file(file.path) else {
                skipping = file.displayName
                writtenReceipts.append(.discarded(name: file.displayName, reason: "cannot read the file to hash it"))
                return
            }
            if let known = try store.knownSource(hash: hash) {
                skipping = file.displayName
                writtenReceipts.append(.alreadyIngested(name: file.displayName, as: known))
                return
            }
            try store.beginSource(name: file.displayName, hash: hash, size: size)
        } catch {
            fail(error)
        }
    }

    public func sourceEnded(_ outcome: SourceOutcome) {
        submit { self.end(outcome) }
    }

    private func end(_ outcome: SourceOutcome) {
        guard firstError == nil, outcome.file.index == currentIndex else { return }
        defer {
            currentIndex = nil
            skipping = nil
            streamHash = nil
        }
        guard skipping == nil, store.hasOpenSource else { return }
        let name = outcome.file.displayName
        guard outcome.status == .read else {
            store.rollbackSource()
            let reason = outcome.problem?.message ?? outcome.status.rawValue
            writtenReceipts.append(.discarded(name: name, reason: "\(outcome.status.rawValue): \(reason); nothing kept"))
            return
        }
        do {
            if let streamHash {
                let hash = "records-" + streamHash.hex
                if let known = try store.knownSource(hash: hash) {
                    store.rollbackSource()
                    writtenReceipts.append(.alreadyIngested(name: name, as: known))
                    return
                }
                try store.setOpenSourceHash(hash, size: outcome.bytesRead)
            }
            let receipt = try store.commitSource()
            writtenReceipts.append(.ingested(name: name, records: receipt.records))
        } catch {
            fail(error)
        }
    }

    public func finish() {
        queue.sync {
            // A source still open here did not end cleanly (the run stopped): keep nothing of it.
            if store.hasOpenSource { store.rollbackSource() }
            do throws(StoreError) { try store.finishIngest() } catch { fail(error) }
        }
    }

    private func fail(_ error: StoreError) {
        if store.hasOpenSource { store.rollbackSource() }
        try? store.flush()
        if firstError == nil { firstError = error }
    }

    private func hashRecords(_ batch: FlowBatch) {
        for record in batch.records {
            var fields = (
                record.present, record.srcaddr.high, record.srcaddr.low, record.dstaddr.high, record.dstaddr.low,
                UInt64(record.srcport) << 16 | UInt64(record.dstport), record.packets, record.bytes,
                UInt64(bitPattern: record.start), UInt64(bitPattern: record.end)
            )
            withUnsafeBytes(of: &fields) { streamHash!.update($0) }
        }
    }
}

extension StoredAlert {
    /// The stored form of a detection alert.
    public init(_ alert: Alert) {
        self.init(
            rule: alert.rule, title: alert.title, severity: alert.severity.description, firstSeen: alert.firstSeen,
            lastSeen: alert.lastSeen, src: alert.src?.description, dst: alert.dst?.description, dstPort: alert.dstPort,
            count: alert.count, bytes: alert.bytes, packets: alert.packets, dedupKey: alert.dedupKey,
            json: alert.jsonLine)
    }
}
