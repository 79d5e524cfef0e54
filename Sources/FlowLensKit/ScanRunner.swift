import Dispatch
public import FlowCore
public import FlowDecoding
public import FlowSources
import Glibc

/// Options of one pass over flow log sources.
public struct ScanOptions: Sendable {
    /// Paths, folders, globs, or `-` for stdin.
    public var sources: [String]
    /// Field list for sources without a header line; nil means the v2 default.
    public var plan: ColumnPlan?
    /// Stop at the first malformed line instead of counting it.
    public var strict = false
    /// Chunk size for reading; tests use small chunks to exercise the boundaries.
    public var chunkSize = 1 << 20
    /// Keep only records whose `start` is at or after / before these Unix times (records without
    /// a start time are kept: NODATA and SKIPDATA still say something about their interval).
    public var since: Int64?
    public var until: Int64?
    /// How `s3://` and `cwl://` sources are reached (credentials, region, filters, concurrency).
    /// `since`/`until` are copied in by the runner.
    public var remote = RemoteSources.Settings()
    /// Records finished sources here and skips those already recorded. The runner only marks
    /// them: the caller commits `ScanResult.checkpoint` once its output is written (or stored),
    /// so that a run killed at any point records nothing it did not deliver.
    public var checkpointPath: String?

    public init(sources: [String], plan: ColumnPlan? = nil, strict: Bool = false) {
        self.sources = sources
        self.plan = plan
        self.strict = strict
    }
}

/// What a pass produced: statistics, per-source outcomes, and the decode counters of all sources.
public struct ScanResult: Sendable {
    public var statistics: TrafficStatistics
    public var outcomes: [SourceOutcome]
    public var counters: DecodeCounters
    /// Problems with the source list itself (a path that does not exist, a glob with no match).
    public var resolutionErrors: [FlowLensError]
    /// Records that passed the filter (all records when there is none).
    public var matchedRecords: UInt64
    public var elapsedSeconds: Double
    /// Sources left out because the checkpoint has them.
    public var skippedSources = 0
    /// Things to tell the user about remote sources.
    public var notes: [String] = []
    /// The run's checkpoint, with this run's finished sources marked; commit it after the output
    /// is written (see `ScanOptions.checkpointPath`).
    public var checkpoint: Checkpoint?
}

/// Runs one pass: resolve sources, decode them in parallel, filter, and feed statistics and sinks.
/// The CLI's `scan` and every later command that reads sources go through here.
public final class ScanRunner {
    public let options: ScanOptions
    /// Keeps a record when it returns true; nil keeps all.
    public var filter: (@Sendable (FlowRecord) -> Bool)?
    public var sinks: [any FlowSink] = []

    public init(options: ScanOptions) { self.options = options }

    /// Reads every source once.
    ///
    /// - Parameter progress: Called on the calling thread about four times a second.
    /// - Throws: `FlowLensError` with code `.noInput` when no source could be read at all, or the
    ///   first malformed line in strict mode.
    public func run(progress: ((ScanProgress) -> Void)? = nil) throws(FlowLensError) -> ScanResult {
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        let checkpoint = try options.checkpointPath.map { path throws(FlowLensError) in try Checkpoint(path: path) }
        let resolution = try resolveSources(checkpoint: checkpoint)
        defer { resolution.remote?.shutdown() }
        let files = resolution.files
        let bytesTotal = files.reduce(0) { $0 + Self.size(of: $1) }
        var statistics = TrafficStatistics()
        var outcomes: [SourceOutcome] = []
        var allCounters = DecodeCounters()
        var fileCounters = DecodeCounters()
        var fileRecords = 0
        var matched: UInt64 = 0
        var bytesDone = 0
        var lastProgress = 0.0
        let sinks = self.sinks
        var filter = self.filter
        if options.since != nil || options.until != nil {
            let since = options.since ?? Int64.min
            let until = options.until ?? Int64.max
            let inner = filter
            filter = { record in
                if record.has(.start) && (record.start < since || record.start >= until) { return false }
                return inner?(record) ?? true
            }
        }

        var decoderOptions = ParallelDecoder.Options(plan: options.plan, strict: options.strict)
        decoderOptions.chunkSize = options.chunkSize
        for sink in sinks { (sink as? any SourceAwareSink)?.sourcesResolved(files) }
        resolution.remote?.startFetching()
        do {
            try ParallelDecoder(options: decoderOptions).run(files: files) { chunk in
                if let error = chunk.error, !chunk.isEnd { throw error }
                if chunk.isEnd {
                    let outcome = Self.outcome(
                        chunk: chunk, records: fileRecords, counters: fileCounters)
                    outcomes.append(outcome)
                    for sink in sinks { (sink as? any SourceAwareSink)?.sourceEnded(outcome) }
                    if let checkpoint, outcome.status == .read || outcome.status == .headerOnly {
                        if let slice = chunk.file.remote?.logSlice {
                            checkpoint.markDone(range: slice.range, of: slice.key)
                        } else if let identity = Checkpoint.identity(of: chunk.file) {
                            checkpoint.markDone(identity)
                        }
                    }
                    // A file that is not a flow log is reported as failed, not as thousands of
                    // malformed lines.
                    if outcome.wasRead { allCounters.merge(fileCounters) }
                    fileCounters = DecodeCounters()
                    fileRecords = 0
                    bytesDone += chunk.bytesRead
                } else {
                    fileCounters.merge(chunk.counters)
                    for batch in chunk.batches {
                        fileRecords += batch.records.count
                        if let filter {
                            var kept = batch
                            kept.records.removeAll(keepingCapacity: true)
                            kept.extraValues.removeAll(keepingCapacity: true)
                            let stride = batch.extraNames.count
                            for (index, record) in batch.records.enumerated() where filter(record) {
                                kept.records.append(record)
                                if stride > 0 {
                                    kept.extraValues.append(
                                        contentsOf: batch.extraValues[(index * stride)..<((index + 1) * stride)])
                                }
                            }
                            matched += UInt64(kept.records.count)
                            statistics.add(kept)
                            for sink in sinks { sink.consume(kept) }
                        } else {
                            matched += UInt64(batch.records.count)
                            statistics.add(batch)
                            for sink in sinks { sink.consume(batch) }
                        }
                    }
                }
                if let progress {
                    let now = elapsed()
                    if now - lastProgress >= 0.25 || chunk.isEnd {
                        lastProgress = now
                        progress(
                            ScanProgress(
                                filesDone: outcomes.count, filesTotal: files.count,
                                records: UInt64(allCounters.records + fileCounters.records),
                                bytesRead: bytesDone + (chunk.isEnd ? 0 : chunk.bytesRead), bytesTotal: bytesTotal,
                                elapsedSeconds: now))
                    }
                }
            }
        } catch let error as FlowLensError {
            throw error
        } catch {
            throw FlowLensError(.ioError, "\(error)")
        }
        for sink in sinks { sink.finish() }
        if !outcomes.contains(where: \.wasRead) && !(files.isEmpty && resolution.skipped > 0) {
            let reasons = (resolution.errors + outcomes.compactMap(\.problem)).map(\.description)
            throw FlowLensError(
                .noInput, "no source could be read",
                cause: reasons.isEmpty ? "no sources given" : reasons.joined(separator: "; "))
        }
        var result = ScanResult(
            statistics: statistics, outcomes: outcomes, counters: allCounters,
            resolutionErrors: resolution.errors, matchedRecords: matched, elapsedSeconds: elapsed())
        result.skippedSources = resolution.skipped
        result.notes = resolution.notes
        result.checkpoint = checkpoint
        return result
    }

    /// The run's sources in the order given: local paths through `SourceResolver`, `s3://` and
    /// `cwl://` through `RemoteSources`, minus what the checkpoint has.
    private func resolveSources(checkpoint: Checkpoint?) throws(FlowLensError) -> SourceList {
        var list = SourceList()
        var settings = options.remote
        settings.since = options.since
        settings.until = options.until
        if options.plan != nil { settings.lookUpLogFormat = false }
        var local: [String] = []
        func flushLocal() {
            guard !local.isEmpty else { return }
            let resolved = SourceResolver.resolve(local)
            local = []
            list.errors += resolved.errors
            for var file in resolved.files {
                if let checkpoint, let identity = Checkpoint.identity(of: file), checkpoint.isDone(identity) {
                    list.skipped += 1
                    continue
                }
                file.index = list.files.count
                list.files.append(file)
            }
        }
        for spec in options.sources {
            guard RemoteSources.isRemote(spec) else {
                local.append(spec)
                continue
            }
            flushLocal()
            let remote = list.remote ?? RemoteSources(settings: settings, checkpoint: checkpoint)
            list.remote = remote
            do {
                let resolved = try remote.resolve(spec, startingIndex: list.files.count)
                list.files += resolved.files
                list.skipped += resolved.skipped
                list.notes += resolved.notes
            } catch {
                list.errors.append(error)
            }
        }
        flushLocal()
        return list
    }

    private static func size(of file: SourceFile) -> Int {
        if let remote = file.remote { return remote.expectedSize }
        guard !file.isStandardInput else { return 0 }
        var info = stat()
        return stat(file.path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Classifies a finished source: a clear message for every way a file can hold no flow log.
    static func outcome(chunk: DecodedChunk, records: Int, counters: DecodeCounters) -> SourceOutcome {
        var outcome = SourceOutcome(
            file: chunk.file, status: .read, encoding: chunk.encoding, records: records, counters: counters,
            bytesRead: chunk.bytesRead, textBytes: chunk.textBytes, problem: nil)
        let name = chunk.file.displayName
        if let error = chunk.error {
            outcome.status = records > 0 ? .partial : .failed
            outcome.problem = error
        } else if records == 0 && chunk.file.remote?.logSlice != nil {
            // An hour without events in a log group is quiet traffic, not a broken source.
        } else if chunk.textBytes == 0 {
            outcome.status = .failed
            outcome.problem = FlowLensError(.emptySource, "the file is empty", location: name)
        } else if records == 0 && counters.malformedTotal == 0 && counters.headerLines > 0 {
            outcome.status = .headerOnly
            outcome.problem = FlowLensError(.headerOnly, "the file has a header line but no records", location: name)
        } else if records == 0 && counters.malformedTotal > 0 {
            outcome.status = .failed
            let json = counters.malformed[.badJSON, default: 0]
            let message =
                json * 2 >= counters.malformedTotal
                ? "not a flow log: JSON without a flow log \"message\" (another kind of log, such as CloudTrail?)"
                : "not a flow log: none of its \(counters.lines) line(s) could be decoded"
            outcome.problem = FlowLensError(
                .notFlowLog, message, location: name, cause: counters.samples.first.map { "first: \($0)" })
        } else if records == 0 {
            outcome.status = .failed
            outcome.problem = FlowLensError(.emptySource, "the file holds no records", location: name)
        }
        return outcome
    }
}

/// The sources of one run, resolved.
private struct SourceList {
    var files: [SourceFile] = []
    var errors: [FlowLensError] = []
    var skipped = 0
    var notes: [String] = []
    var remote: RemoteSources?
}
