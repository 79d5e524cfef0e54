public import FlowCore
public import FlowDetection
public import FlowSources
public import FlowStore

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
/// when already known. A
/// store error (locked, disk full) stops the ingest; ``error`` then says why.
public final class StoreSink: SourceAwareSink {
    /// What happened to one source.
    public enum Receipt: Sendable, Equatable {
        case ingested(name: String, records: Int)
        case alreadyIngested(name: String, as: String)
        case discarded(name: String, reason: String)
    }

    public let store: FlowStore
    private var files: [SourceFile] = []
    public private(set) var receipts: [Receipt] = []
    /// The first store error; once set, nothing more is written.
    public private(set) var error: StoreError?
    private var currentIndex: Int?
    private var skipping: String?
    private var streamHash: ContentHash.State?

    public init(store: FlowStore) {
        self.store = store
    }

    public func sourcesResolved(_ files: [SourceFile]) {
        self.files = files
    }

    public var recordsIngested: Int {
        receipts.reduce(0) {
            if case .ingested(_, let records) = $1 { return $0 + records } else { return $0 }
        }
    }

    public func consume(_ batch: FlowBatch) {
        guard error == nil else { return }
        if batch.sourceIndex != currentIndex { start(batch.sourceIndex) }
        guard error == nil, skipping == nil else { return }
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
                receipts.append(.discarded(name: file.displayName, reason: "cannot read the file to hash it"))
                return
            }
            if let known = try store.knownSource(hash: hash) {
                skipping = file.displayName
                receipts.append(.alreadyIngested(name: file.displayName, as: known))
                return
            }
            try store.beginSource(name: file.displayName, hash: hash, size: size)
        } catch {
            fail(error)
        }
    }

    public func sourceEnded(_ outcome: SourceOutcome) {
        guard error == nil, outcome.file.index == currentIndex else { return }
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
            receipts.append(.discarded(name: name, reason: "\(outcome.status.rawValue): \(reason); nothing kept"))
            return
        }
        do {
            if let streamHash {
                let hash = "records-" + streamHash.hex
                if let known = try store.knownSource(hash: hash) {
                    store.rollbackSource()
                    receipts.append(.alreadyIngested(name: name, as: known))
                    return
                }
                try store.setOpenSourceHash(hash, size: outcome.bytesRead)
            }
            let receipt = try store.commitSource()
            receipts.append(.ingested(name: name, records: receipt.records))
        } catch {
            fail(error)
        }
    }

    public func finish() {
        // A source still open here did not end cleanly (the run stopped): keep nothing of it.
        if store.hasOpenSource { store.rollbackSource() }
        do { try store.finishIngest() } catch { fail(error) }
    }

    private func fail(_ error: StoreError) {
        if store.hasOpenSource { store.rollbackSource() }
        try? store.flush()
        if self.error == nil { self.error = error }
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
