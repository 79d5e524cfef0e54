public import FlowCore
import FlowDecoding
import Glibc

/// Reads one source as chunks of whole lines, inflating gzip (detected by its magic bytes, not
/// its name) on the way.
///
/// Each chunk ends at a newline, except the last one of the input. A line longer than the chunk
/// size makes the chunk grow rather than split the line. Chunks are independent arrays so that
/// they can be decoded on other threads.
public final class ChunkReader {
    public enum Encoding: String, Sendable {
        case text, gzip, parquet
    }

    public let file: SourceFile
    public let chunkSize: Int
    public private(set) var encoding: Encoding = .text
    /// Bytes read from the file (compressed size for gzip).
    public private(set) var bytesRead = 0
    /// Bytes of text produced (after inflation).
    public private(set) var textBytes = 0

    private var fd: Int32 = -1
    /// Remote content's bytes, read instead of `fd`.
    private var stream: ByteStream?
    private var inflater: GzipInflater?
    private var input: [UInt8]
    /// How much a chunk grows at a time past its size (for a line longer than the chunk).
    private static let growthStep = 1 << 16
    /// Where the text of such growth is produced before it is appended.
    private var scratch = [UInt8](repeating: 0, count: ChunkReader.growthStep)
    private var inputStart = 0
    private var inputEnd = 0
    private var inputEOF = false
    private var carry: [UInt8] = []
    private var finished = false
    private var pendingError: FlowLensError?
    private var sniffed = false

    /// Opens the file, adopts stdin, or opens remote content's stream.
    public init(file: SourceFile, chunkSize: Int = 1 << 20) throws(FlowLensError) {
        self.file = file
        self.chunkSize = chunkSize
        input = [UInt8](repeating: 0, count: 1 << 20)
        if let remote = file.remote {
            // Remote content is read as the download delivers it, never from a file descriptor.
            stream = try remote.open()
            return
        }
        if file.isStandardInput {
            fd = dup(0)
        } else {
            fd = open(file.path, O_RDONLY)
        }
        guard fd >= 0 else {
            throw FlowLensError(
                .unreadable, "cannot open: \(String(cString: strerror(errno)))", location: file.displayName)
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Returns the next chunk of whole lines, or nil at the end of input.
    /// - Throws: a read or gzip error; chunks decoded before it stay valid.
    public func next() throws(FlowLensError) -> [UInt8]? {
        if let pendingError {
            self.pendingError = nil
            throw pendingError
        }
        if finished { return nil }
        if !sniffed { try sniff() }
        if encoding == .parquet {
            throw FlowLensError(
                .notFlowLog, "an Apache Parquet file has no lines: read it whole (readAllRaw) with ParquetFlowReader",
                location: file.displayName)
        }
        var buffer = firstFill()
        // A read or gzip error: hand out what came before it, the error on the next call.
        if finished { return try handOut(buffer) }
        var searchFrom = 0
        while true {
            if let cut = lastNewline(in: buffer, from: searchFrom) {
                if cut + 1 < buffer.count { carry = Array(buffer[(cut + 1)...]) }
                buffer.removeSubrange((cut + 1)...)
                return buffer
            }
            // A line longer than the chunk (or the end of the input): grow the chunk.
            let before = buffer.count
            do {
                try fill(&buffer, upTo: before + Self.growthStep)
            } catch {
                // Hand out the lines we have; the error comes on the next call.
                pendingError = error
                finished = true
                return try handOut(buffer)
            }
            if buffer.count == before {
                finished = true
                if let inflater {
                    do { try inflater.finish() } catch { pendingError = error }
                }
                return try handOut(buffer)
            }
            searchFrom = before
        }
    }

    /// A new chunk: the carried partial line, then text produced straight into the array's own
    /// storage up to the chunk size. Inflating into a scratch buffer and appending from there
    /// copied every byte of text once more.
    private func firstFill() -> [UInt8] {
        let carried = carry
        carry = []
        let capacity = carried.count + chunkSize
        var failure: FlowLensError?
        let buffer = [UInt8](unsafeUninitializedCapacity: capacity) { storage, count in
            let base = UnsafeMutableRawPointer(storage.baseAddress!)
            carried.withUnsafeBytes { bytes in
                if let start = bytes.baseAddress { base.copyMemory(from: start, byteCount: bytes.count) }
            }
            count = carried.count
            while count < capacity {
                let produced: Int
                do throws(FlowLensError) {
                    produced = try produce(into: UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count))
                } catch {
                    failure = error
                    return
                }
                if produced == 0 { return }
                count += produced
            }
        }
        if let failure {
            pendingError = failure
            finished = true
        }
        return buffer
    }

    /// The whole raw (not inflated) content from the current position, for formats that need
    /// random access rather than lines, such as Parquet. Use instead of `next()`, not after it.
    public func readAllRaw() throws(FlowLensError) -> [UInt8] {
        var all = Array(input[inputStart..<inputEnd])
        inputStart = inputEnd
        if inputEOF { return all }
        if let remote = file.remote {
            all.reserveCapacity(remote.expectedSize)
        } else {
            var info = stat()
            if fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG {
                all.reserveCapacity(Int(info.st_size))
            }
        }
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try readInput(into: &block)
            if n == 0 { break }
            all.append(contentsOf: block[0..<n])
        }
        inputEOF = true
        return all
    }

    private func handOut(_ buffer: [UInt8]) throws(FlowLensError) -> [UInt8]? {
        if !buffer.isEmpty { return buffer }
        if let pendingError {
            self.pendingError = nil
            throw pendingError
        }
        return nil
    }

    private func lastNewline(in buffer: [UInt8], from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard bytes.count > start else { return nil }
            var i = bytes.count - 1
            while i >= start {
                if bytes[i] == 0x0A { return i }
                i -= 1
            }
            return nil
        }
    }

    /// The input's encoding, found by its magic bytes (gzip, Parquet) without consuming any input.
    public func detectEncoding() throws(FlowLensError) -> Encoding {
        if !sniffed { try sniff() }
        return encoding
    }

    private func sniff() throws(FlowLensError) {
        sniffed = true
        // A stream or a pipe may deliver fewer bytes than the magic numbers at first.
        while inputEnd - inputStart < 4 && !inputEOF {
            try refillInput()
        }
        let available = inputEnd - inputStart
        if available >= 2 && input[inputStart] == 0x1F && input[inputStart + 1] == 0x8B {
            encoding = .gzip
            inflater = GzipInflater(name: file.displayName)
        } else if available >= 4 && ParquetFlowReader.isParquet(input[inputStart..<(inputStart + 4)]) {
            encoding = .parquet
        }
    }

    private func refillInput() throws(FlowLensError) {
        if inputStart == inputEnd {
            inputStart = 0
            inputEnd = 0
        }
        guard !inputEOF, inputEnd < input.count else { return }
        let n = try readInput(into: &input, from: inputEnd)
        if n == 0 { inputEOF = true }
        inputEnd += n
    }

    /// Reads raw bytes from the file or the stream into `buffer[start...]`, counting them; 0 at
    /// the end.
    private func readInput(into buffer: inout [UInt8], from start: Int = 0) throws(FlowLensError) -> Int {
        var failure: FlowLensError?
        let n = buffer.withUnsafeMutableBytes { whole -> Int in
            let raw = UnsafeMutableRawBufferPointer(rebasing: whole[start...])
            if let stream {
                do throws(FlowLensError) {
                    return try stream.read(into: raw)
                } catch {
                    failure = error
                    return 0
                }
            }
            guard fd >= 0 else { return 0 }
            let n = read(fd, raw.baseAddress!, raw.count)
            if n < 0 {
                failure = FlowLensError(
                    .ioError, "read failed: \(String(cString: strerror(errno)))", location: file.displayName)
                return 0
            }
            return n
        }
        if let failure { throw failure }
        bytesRead += n
        return n
    }

    /// Appends text to `buffer` until it holds `target` bytes or the input ends.
    private func fill(_ buffer: inout [UInt8], upTo target: Int) throws(FlowLensError) {
        while buffer.count < target {
            let want = min(target - buffer.count, scratch.count)
            var failure: FlowLensError?
            let produced = scratch.withUnsafeMutableBytes { out -> Int in
                do throws(FlowLensError) {
                    return try produce(into: UnsafeMutableRawBufferPointer(rebasing: out[0..<want]))
                } catch {
                    failure = error
                    return 0
                }
            }
            scratch.withUnsafeBufferPointer { buffer.append(contentsOf: $0[0..<produced]) }
            if let failure { throw failure }
            if produced == 0 { return }
        }
    }

    /// Writes the next text into `output` (inflated for gzip), and returns how many bytes; 0 only
    /// at the end of the input.
    private func produce(into output: UnsafeMutableRawBufferPointer) throws(FlowLensError) -> Int {
        while true {
            if inputStart == inputEnd {
                if inputEOF { return 0 }
                try refillInput()
                if inputStart == inputEnd { return 0 }
            }
            guard let inflater else {
                let take = min(output.count, inputEnd - inputStart)
                input.withUnsafeBytes { raw in
                    output.baseAddress!.copyMemory(from: raw.baseAddress! + inputStart, byteCount: take)
                }
                inputStart += take
                textBytes += take
                return take
            }
            let start = inputStart
            let end = inputEnd
            var failure: FlowLensError?
            let (consumed, produced) = input.withUnsafeBytes { raw in
                do throws(FlowLensError) {
                    return try inflater.inflate(input: UnsafeRawBufferPointer(rebasing: raw[start..<end]), output: output)
                } catch {
                    failure = error
                    return (0, 0)
                }
            }
            inputStart += consumed
            textBytes += produced
            if let failure { throw failure }
            if produced > 0 { return produced }
            if consumed == 0 {
                if inputEOF { return 0 }
                // Need more input than is buffered: compact and read.
                if inputStart > 0 {
                    input.withUnsafeMutableBytes { raw in
                        _ = memmove(raw.baseAddress!, raw.baseAddress! + inputStart, inputEnd - inputStart)
                    }
                    inputEnd -= inputStart
                    inputStart = 0
                }
                try refillInput()
            }
        }
    }
}
