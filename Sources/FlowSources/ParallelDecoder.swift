import Dispatch
public import FlowCore
public import FlowDecoding
import Foundation

/// Reads and decodes many sources on all cores and hands the results to one consumer in source
/// order, so that every run over the same inputs sees the same sequence of records.
///
/// Each source has one reader thread (which also inflates gzip); its chunks are decoded on the
/// run's decoding threads (``DecodePool``). So a single gzip file still uses two cores: one inflating, one decoding. Each
/// reader may have only a few chunks in flight, which bounds memory whatever the input size.
public struct ParallelDecoder: Sendable {
    public struct Options: Sendable {
        /// Column plan for sources without a header (`--fields`); nil means the v2 default.
        public var plan: ColumnPlan?
        public var strict = false
        public var chunkSize = 1 << 20
        public var readers = ProcessInfo.processInfo.activeProcessorCount
        public var chunksInFlightPerReader = 4
        /// Threads that decode chunks (at least one).
        public var decoders = ProcessInfo.processInfo.activeProcessorCount

        public init(plan: ColumnPlan? = nil, strict: Bool = false) {
            self.plan = plan
            self.strict = strict
        }
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    /// Decodes `files`, calling `consume` on the calling thread for each chunk in order
    /// (file by file, chunk by chunk), then once with an end marker per file.
    ///
    /// - Throws: Whatever `consume` throws; that stops the run.
    public func run(files: [SourceFile], consume: (DecodedChunk) throws -> Void) throws {
        guard !files.isEmpty else { return }
        let store = ResultStore(fileCount: files.count)
        let readerCount = max(1, min(options.readers, files.count))
        let options = self.options
        let pool = DecodePool(threads: options.decoders)
        defer { pool.shutDown() }
        for _ in 0..<readerCount {
            // Readers get threads of their own: on the global queue, a reader busy inflating took
            // one of the few threads Dispatch runs at once (one per core), and decoding of its
            // chunks waited for the other; the kernel shares cores among all of them better.
            let reader = Thread { Self.readerLoop(files: files, store: store, options: options, pool: pool) }
            reader.stackSize = 8 << 20
            reader.start()
        }
        defer { store.cancel() }
        for position in files.indices {
            var chunkIndex = 0
            var plan = options.plan ?? .v2Default
            var lineOffset = 0
            while true {
                let (chunk, text, startPlan, gate) = store.take(file: position, chunk: chunkIndex)
                var result = chunk
                if !result.isEnd && startPlan != plan {
                    // An earlier chunk's header changed the plan after this one was decoded.
                    result = Self.decode(text, file: files[position], plan: plan, options: options, template: result)
                }
                result.counters = Self.shift(result.counters, by: lineOffset)
                lineOffset += result.counters.lines
                plan = result.endPlan
                gate?.signal()
                try consume(result)
                if result.isEnd { break }
                chunkIndex += 1
            }
        }
    }

    private static func shift(_ counters: DecodeCounters, by offset: Int) -> DecodeCounters {
        guard offset != 0 else { return counters }
        var shifted = counters
        shifted.samples = counters.samples.map {
            var s = $0
            s.line += offset
            return s
        }
        return shifted
    }

    private static func readerLoop(files: [SourceFile], store: ResultStore, options: Options, pool: DecodePool) {
        let gate = DispatchSemaphore(value: options.chunksInFlightPerReader)
        while let position = store.claimNextFile() {
            let file = files[position]
            var chunkIndex = 0
            var endError: FlowLensError?
            var encoding = ChunkReader.Encoding.text
            var bytesRead = 0
            var textBytes = 0
            do throws(FlowLensError) {
                let reader = try ChunkReader(file: file, chunkSize: options.chunkSize)
                if try reader.detectEncoding() == .parquet {
                    encoding = .parquet
                    try readParquet(
                        reader, position: position, chunkIndex: &chunkIndex, store: store, gate: gate, options: options)
                    bytesRead = reader.bytesRead
                    textBytes = reader.bytesRead
                }
                var plan = options.plan ?? .v2Default
                while encoding != .parquet, let text = try reader.next() {
                    if store.isCancelled { return }
                    if chunkIndex == 0 {
                        if looksBinary(text) {
                            throw FlowLensError(
                                .notFlowLog, "binary data, not flow log text (\(reader.encoding) input)",
                                location: file.displayName)
                        }
                        if let header = firstLineHeader(text) { plan = header }
                    }
                    encoding = reader.encoding
                    bytesRead = reader.bytesRead
                    textBytes = reader.textBytes
                    gate.wait()
                    let index = chunkIndex
                    let startPlan = plan
                    let (read, produced, chunkEncoding) = (bytesRead, textBytes, encoding)
                    pool.run {
                        var template = DecodedChunk(
                            file: file, chunkIndex: index, batches: [], counters: DecodeCounters(), endPlan: startPlan,
                            isEnd: false, error: nil, encoding: chunkEncoding, bytesRead: read, textBytes: produced)
                        template = decode(text, file: file, plan: startPlan, options: options, template: template)
                        store.put(position: position, chunk: index, result: template, text: text, startPlan: startPlan, gate: gate)
                    }
                    chunkIndex += 1
                }
                if encoding != .parquet {
                    encoding = reader.encoding
                    bytesRead = reader.bytesRead
                    textBytes = reader.textBytes
                }
            } catch {
                endError = error
            }
            let end = DecodedChunk(
                file: file, chunkIndex: chunkIndex, batches: [], counters: DecodeCounters(),
                endPlan: options.plan ?? .v2Default, isEnd: true, error: endError, encoding: encoding,
                bytesRead: bytesRead, textBytes: textBytes)
            gate.wait()
            store.put(position: position, chunk: chunkIndex, result: end, text: [], startPlan: end.endPlan, gate: gate)
        }
    }

    /// Reads a Parquet source whole and hands each row group to the consumer as one chunk.
    ///
    /// Row groups are decoded here on the reader's thread, in order (a reader is not thread-safe);
    /// other sources still decode on the other cores. An error ends the source like a read error.
    private static func readParquet(
        _ reader: ChunkReader, position: Int, chunkIndex: inout Int, store: ResultStore, gate: DispatchSemaphore,
        options: Options
    ) throws(FlowLensError) {
        let file = reader.file
        let bytes = try reader.readAllRaw()
        let parquet = try ParquetFlowReader(bytes: bytes, fileName: file.displayName)
        var firstRow = 0
        for group in 0..<parquet.rowGroupCount {
            if store.isCancelled { return }
            var counters = DecodeCounters()
            let batch = try parquet.readRowGroup(
                group, sourceIndex: file.index, sequence: chunkIndex << 8, counters: &counters)
            if options.strict, let first = counters.samples.first {
                throw FlowLensError(.malformedLine, first.description)
            }
            // Samples carry file-wide row numbers; the consumer adds the rows of earlier chunks.
            for k in counters.samples.indices { counters.samples[k].line -= firstRow }
            firstRow += parquet.rowCount(ofRowGroup: group)
            // The consumer re-decodes a chunk whose start plan differs from its own; Parquet
            // chunks are final, so each one starts with the plan the previous one ended with.
            let startPlan = group == 0 ? (options.plan ?? .v2Default) : parquet.plan
            let chunk = DecodedChunk(
                file: file, chunkIndex: chunkIndex, batches: [batch], counters: counters, endPlan: parquet.plan,
                isEnd: false, error: nil, encoding: .parquet, bytesRead: bytes.count, textBytes: bytes.count)
            gate.wait()
            store.put(position: position, chunk: chunkIndex, result: chunk, text: [], startPlan: startPlan, gate: gate)
            chunkIndex += 1
        }
    }

    /// Text logs have no NUL and few control bytes; anything else in the first 4 KiB is not ours.
    static func looksBinary(_ text: [UInt8]) -> Bool {
        var control = 0
        let sample = text.prefix(4096)
        for byte in sample {
            if byte == 0 { return true }
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { control += 1 }
        }
        return control * 20 > sample.count
    }

    /// The plan from a header on the first non-blank line, so that every chunk of the file can
    /// start with it without waiting for the first chunk to be decoded.
    private static func firstLineHeader(_ text: [UInt8]) -> ColumnPlan? {
        text.withUnsafeBufferPointer { bytes -> ColumnPlan? in
            var start = 0
            while start < bytes.count && (bytes[start] == 0x0A || bytes[start] == 0x0D || bytes[start] == 0x20) {
                start += 1
            }
            var end = start
            while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
            guard end > start else { return nil }
            return ColumnPlan.header(in: UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
    }

    static func decode(
        _ text: [UInt8], file: SourceFile, plan: ColumnPlan, options: Options, template: DecodedChunk
    ) -> DecodedChunk {
        var decoder = FlowTextDecoder(plan: plan, fileName: file.displayName, strict: options.strict)
        var batch = FlowBatch(sourceIndex: file.index, sequence: template.chunkIndex << 8, capacity: text.count / 90 + 16)
        batch.extraNames = plan.extraNames
        var batches = [batch]
        var result = template
        text.withUnsafeBytes { raw in
            do throws(FlowLensError) {
                try decoder.decode(raw, isFinal: true, into: &batches)
            } catch {
                // Only in strict mode; the consumer stops the run when it reaches this chunk.
                result.error = error
            }
        }
        decoder.finish()
        result.batches = batches
        result.counters = decoder.counters
        result.endPlan = decoder.plan
        return result
    }
}

/// Finished chunks waiting for the consumer, keyed by (file position, chunk index).
private final class ResultStore: @unchecked Sendable {
    private struct Key: Hashable {
        var file: Int
        var chunk: Int
    }

    private struct Entry {
        var result: DecodedChunk
        var text: [UInt8]
        var startPlan: ColumnPlan
        var gate: DispatchSemaphore?
    }

    private let condition = NSCondition()
    private var entries: [Key: Entry] = [:]
    private var nextFile = 0
    private let fileCount: Int
    private var cancelled = false

    init(fileCount: Int) { self.fileCount = fileCount }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    func cancel() {
        condition.lock()
        cancelled = true
        // Release readers blocked on their gates by dropping what is queued.
        let gates = entries.values.compactMap(\.gate)
        entries.removeAll()
        condition.unlock()
        for gate in gates { gate.signal() }
    }

    func claimNextFile() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled, nextFile < fileCount else { return nil }
        nextFile += 1
        return nextFile - 1
    }

    func put(position: Int, chunk: Int, result: DecodedChunk, text: [UInt8], startPlan: ColumnPlan, gate: DispatchSemaphore) {
        condition.lock()
        if cancelled {
            condition.unlock()
            gate.signal()
            return
        }
        entries[Key(file: position, chunk: chunk)] = Entry(result: result, text: text, startPlan: startPlan, gate: gate)
        condition.broadcast()
        condition.unlock()
    }

    func take(file: Int, chunk: Int) -> (DecodedChunk, [UInt8], ColumnPlan, DispatchSemaphore?) {
        condition.lock()
        defer { condition.unlock() }
        let key = Key(file: file, chunk: chunk)
        while entries[key] == nil { condition.wait() }
        let entry = entries.removeValue(forKey: key)!
        return (entry.result, entry.text, entry.startPlan, entry.gate)
    }
}
