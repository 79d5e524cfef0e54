import CSQLite
import Dispatch
import Glibc
import Synchronization

/// Runs the arms of UNION ALL subqueries at the same time and keeps their rows: each worker
/// thread opens a read-only connection of its own to the store file, as ``FlowStore`` opens one
/// for queries, and runs arms until none is left.
///
/// The caller holds a read transaction on the file meanwhile, so that every arm reads the state
/// it reads (see ``FlowStore/runWithParallelUnionArms(_:sql:statementRange:subqueries:parameters:columns:to:)``).
/// Workers are as many as the processors (at least two), and no more than the arms: more would
/// share the processors and hold more memory at once without finishing sooner. When one arm
/// cannot be run here, the others stop at once (SQLite's progress handler interrupts them).
struct UnionArmRunner {
    /// One arm: its SQL, and the affinities of the columns its rows go into.
    struct Arm: Sendable {
        var sql: String
        var affinities: [ColumnAffinity]
    }

    let path: String
    let busyTimeoutMilliseconds: Int32
    /// The statements that made the main connection's temporary views (a reader of an older
    /// schema has one), run on each worker's connection too.
    let temporaryViews: [String]
    /// Named parameters, bound in each arm as ``FlowStore/query(_:parameters:to:)`` binds them.
    let parameters: [String: String]
    /// Rows an arm may return per second of its run (plus ``rateLimitGraceSeconds``' worth, for
    /// bursts): past that, the run gives up and the statement runs serially.
    ///
    /// Each row costs the main connection about a microsecond to insert (0.4-1.2 µs in the Athena
    /// tutorial's query 2), where SQLite hands it from arm to statement for next to nothing: an
    /// arm that returns rows faster than this saves less time by running beside another than its
    /// rows cost afterwards. On the 10 M record benchmark, `SELECT count(*)` over two arms of
    /// 10 M rows each (2.5-4 M rows a second each) took 5.6 s when the run gave up only at its
    /// memory budget, against 3.2-4.5 s serially; with this limit it gives up after 0.08-0.15 s.
    /// Two arms of port-443 flows (1.4 M rows each in 11 s, 65,536 of them in the first 0.55 s and
    /// 100,000 more in the next 0.13 s) take 15.1-15.6 s against 20.9-21.1 s serially.
    var maximumRowsPerSecond = Self.defaultMaximumRowsPerSecond
    static let defaultMaximumRowsPerSecond = 1_000_000
    static let rateLimitGraceSeconds = 0.25
    /// Bytes of rows kept over all arms past which the run gives up: a larger result runs
    /// serially, where SQLite streams it instead of holding it.
    var memoryBudget = 256 << 20

    /// The rows of every arm, in the order of `arms`; nil when one could not be run here: a
    /// connection that does not open, an arm that fails to prepare or to run, a value that its
    /// column's affinity would change, rows faster than ``maximumRowsPerSecond`` or past
    /// ``memoryBudget``. The caller then runs the statement serially, so that SQLite reports any
    /// error as it always does.
    func run(_ arms: [Arm]) -> [ArmRows]? {
        guard !arms.isEmpty else { return [] }
        let processors = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let workers = min(arms.count, max(2, processors))
        let results = UnsafeMutableBufferPointer<ArmRows?>.allocate(capacity: arms.count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let slots = results
        let progress = Progress()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            guard let connection = try? openConnection(stoppingWith: progress) else {
                progress.failed.store(true, ordering: .relaxed)
                return
            }
            while !progress.failed.load(ordering: .relaxed) {
                let index = progress.nextArm.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < arms.count else { return }
                // Each arm's slot is written by the one worker that took the arm.
                guard let rows = self.rows(of: arms[index], on: connection, progress: progress) else {
                    progress.failed.store(true, ordering: .relaxed)
                    return
                }
                slots[index] = rows
            }
        }
        guard !progress.failed.load(ordering: .relaxed) else { return nil }
        return results.map { $0! }
    }

    /// What the workers of one run share.
    private final class Progress: Sendable {
        let nextArm = Atomic<Int>(0)
        /// Set when an arm cannot be run here: the other workers stop.
        let failed = Atomic<Bool>(false)
        /// Bytes of rows held over all arms.
        let memoryUsed = Atomic<Int>(0)
    }

    /// A connection opened as ``FlowStore/init(path:readOnly:busyTimeoutMilliseconds:)`` opens a
    /// read-only one, whose statements are interrupted once `progress` says the run failed: an
    /// arm may compute for seconds (a GROUP BY) before its first row.
    private func openConnection(stoppingWith progress: Progress) throws(StoreError) -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, readOnly: true, create: false)
        sqlite3_busy_timeout(connection.handle, busyTimeoutMilliseconds)
        try connection.execute("PRAGMA temp_store = MEMORY")
        for view in temporaryViews { try connection.execute(view) }
        try connection.execute(FlowStore.readOnlySettings)
        // `progress` outlives the connection, which closes before its worker returns.
        sqlite3_progress_handler(
            connection.handle, 10_000,
            { context in
                Unmanaged<Progress>.fromOpaque(context!).takeUnretainedValue().failed.load(ordering: .relaxed) ? 1 : 0
            }, Unmanaged.passUnretained(progress).toOpaque())
        return connection
    }

    /// The rows of one arm; nil when it cannot be run here (see ``run(_:)``) or another worker failed.
    private func rows(of arm: Arm, on connection: SQLiteConnection, progress: Progress) -> ArmRows? {
        do {
            let statement = try connection.prepare(arm.sql)
            guard statement.columnCount == arm.affinities.count else { return nil }
            try FlowStore.bind(parameters, to: statement)
            var rows = ArmRows(columnCount: arm.affinities.count)
            var counted = 0
            let started = DispatchTime.now().uptimeNanoseconds
            while try statement.step() {
                guard rows.append(rowOf: statement.handle, affinities: arm.affinities) else { return nil }
                guard rows.rowCount % 1024 == 0 else { continue }
                let held = rows.memoryUsed
                let total = progress.memoryUsed.wrappingAdd(held - counted, ordering: .relaxed).newValue
                counted = held
                if total > memoryBudget || progress.failed.load(ordering: .relaxed) { return nil }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                if Double(rows.rowCount) > Double(maximumRowsPerSecond) * (seconds + Self.rateLimitGraceSeconds) {
                    return nil
                }
            }
            return rows
        } catch {
            return nil
        }
    }
}
