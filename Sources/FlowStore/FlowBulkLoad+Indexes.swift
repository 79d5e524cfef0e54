import Dispatch
import Glibc

extension FlowBulkLoad {
    /// Which index of ``StoreSchema/flowIndexes`` a run of ``IndexEntry``s is for.
    enum FlowIndex {
        /// `(src, dst, start, bytes)`.
        case bySource
        /// `(dst, src, start, bytes)`.
        case byDestination
        /// `(context, start)`.
        case byContext
        /// `(start)` of the rows that match the SSH/RDP filter.
        case sshRDP

        var name: String {
            switch self {
            case .bySource: "flow_rows_by_src"
            case .byDestination: "flow_rows_by_dst"
            case .byContext: "flow_rows_by_context"
            case .sshRDP: "flow_rows_ssh_rdp"
            }
        }
    }

    /// Sorts the keys of each flow index and writes its tree, on two threads: the two address
    /// indexes (the largest) are sorted at the same time, and one thread writes pages while the
    /// other sorts. Pages are written by one thread at a time, so each index's pages follow one
    /// another in the file.
    func writeIndexes() throws(StoreError) {
        let addressCount = lookups.addresses.count
        let contextCount = Int(rows.reduce(0) { max($0, $1.context) }) + 1
        let writing = DispatchSemaphore(value: 1)
        let errors = ErrorBox()
        rows.withUnsafeBufferPointer { rows in
            // The threads read the keys and take turns at the file (`writing`): nothing is shared
            // unguarded.
            let shared = Unchecked((load: self, rows: rows))
            DispatchQueue.concurrentPerform(iterations: 2) { thread in
                let (load, rows) = shared.value
                let work: [(FlowIndex, Int)] =
                    thread == 0
                    ? [(.bySource, addressCount), (.byContext, contextCount), (.sshRDP, 1)]
                    : [(.byDestination, addressCount)]
                for (index, buckets) in work {
                    if errors.error != nil { return }
                    let entries = Self.sortedEntries(rows, for: index, buckets: buckets)
                    writing.wait()
                    defer { writing.signal() }
                    do throws(StoreError) {
                        try load.write(entries, for: index)
                    } catch {
                        errors.set(error)
                        return
                    }
                }
            }
        }
        if let error = errors.error { throw error }
    }

    /// Writes one index's tree from its sorted entries.
    private func write(_ entries: [IndexEntry], for index: FlowIndex) throws(StoreError) {
        guard let root = indexRoots[index.name] else { preconditionFailure("no root page for \(index.name)") }
        let writer = IndexTreeWriter(file: file, root: root, constantTypes: constantTypes)
        try entries.withUnsafeBufferPointer { (entries) throws(StoreError) in
            try writer.write(count: entries.count) { position, record in
                let entry = entries[position]
                // The rowid of row i is i + 1.
                let rowid = Int64(entry.row) + 1
                switch index {
                case .bySource, .byDestination:
                    record.append(Int64(entry.first))
                    record.append(Int64(entry.second))
                    record.append(entry.flags & BulkRow.startPresent != 0 ? entry.start : nil)
                    record.append(entry.flags & BulkRow.bytesPresent != 0 ? entry.bytes : nil)
                case .byContext:
                    record.append(Int64(entry.first))
                    record.append(entry.flags & BulkRow.startPresent != 0 ? entry.start : nil)
                case .sshRDP:
                    record.append(entry.flags & BulkRow.startPresent != 0 ? entry.start : nil)
                }
                record.append(rowid)
            }
        }
    }

    /// One index's entries in SQLite's order: by the first column through a counting sort
    /// (address and context ids are dense, and rows arrive in rowid order), then each bucket by
    /// the rest (see ``IndexEntry/precedes(_:)``).
    ///
    /// A sort of all 10 M entries compares their first column every time; buckets of a few
    /// dozen entries (the rows of one address) stay in the processor's caches.
    static func sortedEntries(_ rows: UnsafeBufferPointer<BulkRow>, for index: FlowIndex, buckets: Int) -> [IndexEntry] {
        @inline(__always) func bucket(_ row: BulkRow) -> Int {
            switch index {
            case .bySource: Int(row.src)
            case .byDestination: Int(row.dst)
            case .byContext: Int(row.context)
            case .sshRDP: 0
            }
        }
        let keep = index != .sshRDP
        var starts = [Int](repeating: 0, count: buckets + 1)
        for row in rows where keep || row.flags & BulkRow.sshOrRDP != 0 { starts[bucket(row) + 1] += 1 }
        for position in 1..<starts.count { starts[position] += starts[position - 1] }
        let count = starts[buckets]
        var next = starts
        let presence = BulkRow.startPresent | BulkRow.bytesPresent
        var entries = [IndexEntry](unsafeUninitializedCapacity: count) { buffer, initialized in
            for (position, row) in rows.enumerated() where keep || row.flags & BulkRow.sshOrRDP != 0 {
                let b = bucket(row)
                let entry: IndexEntry
                switch index {
                case .bySource:
                    entry = IndexEntry(first: row.src, second: row.dst, row: UInt32(position), flags: row.flags & presence, start: row.start, bytes: row.bytes)
                case .byDestination:
                    entry = IndexEntry(first: row.dst, second: row.src, row: UInt32(position), flags: row.flags & presence, start: row.start, bytes: row.bytes)
                case .byContext:
                    entry = IndexEntry(first: row.context, second: 0, row: UInt32(position), flags: row.flags & BulkRow.startPresent, start: row.start, bytes: 0)
                case .sshRDP:
                    entry = IndexEntry(first: 0, second: 0, row: UInt32(position), flags: row.flags & BulkRow.startPresent, start: row.start, bytes: 0)
                }
                (buffer.baseAddress! + next[b]).initialize(to: entry)
                next[b] += 1
            }
            initialized = count
        }
        entries.withUnsafeMutableBufferPointer { entries in
            for b in 0..<buckets where starts[b + 1] - starts[b] > 1 {
                var slice = UnsafeMutableBufferPointer(rebasing: entries[starts[b]..<starts[b + 1]])
                slice.sort { $0.precedes($1) }
            }
        }
        return entries
    }
}

/// One index entry of a bulk load, ordered by ``precedes(_:)`` within its first column.
struct IndexEntry {
    var first: UInt32
    var second: UInt32
    /// The row's place in ``FlowBulkLoad/rows`` (its rowid minus 1).
    var row: UInt32
    /// ``BulkRow/startPresent`` and ``BulkRow/bytesPresent``.
    var flags: UInt32
    /// 0 when absent.
    var start: Int64
    var bytes: Int64

    /// SQLite's order of index records of integers: column by column, NULL before any number,
    /// numbers by value, the rowid last. `first` is left to the caller's buckets.
    @inline(__always)
    func precedes(_ other: IndexEntry) -> Bool {
        if second != other.second { return second < other.second }
        let startPresent = flags & BulkRow.startPresent
        let otherStartPresent = other.flags & BulkRow.startPresent
        if startPresent != otherStartPresent { return startPresent < otherStartPresent }
        if start != other.start { return start < other.start }
        let bytesPresent = flags & BulkRow.bytesPresent
        let otherBytesPresent = other.flags & BulkRow.bytesPresent
        if bytesPresent != otherBytesPresent { return bytesPresent < otherBytesPresent }
        if bytes != other.bytes { return bytes < other.bytes }
        return row < other.row
    }
}

/// The first error of the index threads.
private final class ErrorBox: @unchecked Sendable {
    private var stored: StoreError?
    private var lock = pthread_mutex_t()

    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    var error: StoreError? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return stored
    }

    func set(_ error: StoreError) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if stored == nil { stored = error }
    }
}
