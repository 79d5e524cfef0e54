import CISAL
public import FlowCore

/// Streaming gzip decompression with ISA-L, which measured about three times faster than zlib
/// here. Handles multi-member files (concatenated gzip streams) and reports truncation.
public final class GzipInflater {
    private let state: UnsafeMutablePointer<inflate_state>
    private let name: String
    /// True once the last member's trailer has been read and no input remains.
    public private(set) var finishedMember = false
    private var sawAnyMember = false

    public init(name: String) {
        self.name = name
        state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
    }

    deinit { state.deallocate() }

    /// Inflates from `input` into `output`.
    ///
    /// - Returns: bytes of input consumed and bytes of output written.
    public func inflate(
        input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer
    ) throws(FlowLensError) -> (consumed: Int, produced: Int) {
        var consumed = 0
        var produced = 0
        while produced < output.count {
            if finishedMember {
                // Another member may follow; zero padding after the last one is tolerated.
                var skip = consumed
                while skip < input.count && input[skip] == 0 { skip += 1 }
                consumed = skip
                guard consumed < input.count else { break }
                if input.count - consumed >= 2 && (input[consumed] != 0x1F || input[consumed + 1] != 0x8B) {
                    throw FlowLensError(
                        .corruptGzip, "corrupt gzip: unexpected data after the end of the compressed stream",
                        location: name)
                }
                isal_inflate_reset(state)
                state.pointee.crc_flag = UInt32(ISAL_GZIP)
                finishedMember = false
            }
            guard consumed < input.count || state.pointee.avail_out == 0 else { break }
            let inputStart = input.baseAddress!.advanced(by: consumed)
            let availableIn = UInt32(min(input.count - consumed, Int(UInt32.max)))
            state.pointee.next_in = UnsafeMutablePointer(mutating: inputStart.assumingMemoryBound(to: UInt8.self))
            state.pointee.avail_in = availableIn
            state.pointee.next_out = output.baseAddress!.advanced(by: produced).assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = UInt32(output.count - produced)
            let status = isal_inflate(state)
            let usedIn = Int(availableIn - state.pointee.avail_in)
            let wrote = output.count - produced - Int(state.pointee.avail_out)
            consumed += usedIn
            produced += wrote
            sawAnyMember = true
            if status < 0 { throw corrupt(status) }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                finishedMember = true
                continue
            }
            if usedIn == 0 && wrote == 0 { break }
        }
        return (consumed, produced)
    }

    /// Inflates a whole gzip buffer (all members) at once, for payloads that arrive whole.
    public static func inflateAll(_ compressed: [UInt8], name: String) throws(FlowLensError) -> [UInt8] {
        let inflater = GzipInflater(name: name)
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: max(65536, compressed.count * 4))
        var offset = 0
        while true {
            let start = offset
            var failure: FlowLensError?
            let (consumed, produced) = compressed.withUnsafeBytes { input in
                scratch.withUnsafeMutableBytes { out in
                    do throws(FlowLensError) {
                        return try inflater.inflate(input: UnsafeRawBufferPointer(rebasing: input[start...]), output: out)
                    } catch {
                        failure = error
                        return (0, 0)
                    }
                }
            }
            if let failure { throw failure }
            output.append(contentsOf: scratch[0..<produced])
            offset += consumed
            if consumed == 0 && produced == 0 { break }
            if offset >= compressed.count && produced < scratch.count { break }
        }
        try inflater.finish()
        return output
    }

    /// Call at end of input: throws when the stream stopped before its end.
    public func finish() throws(FlowLensError) {
        if sawAnyMember && !finishedMember {
            throw FlowLensError(
                .truncatedGzip,
                "truncated gzip: the compressed stream ends early; the records before the cut were read",
                location: name)
        }
    }

    private func corrupt(_ status: Int32) -> FlowLensError {
        let detail: String =
            switch status {
            case ISAL_INVALID_BLOCK: "invalid deflate block"
            case ISAL_INVALID_SYMBOL: "invalid deflate symbol"
            case ISAL_INVALID_LOOKBACK: "invalid back-reference"
            case ISAL_INVALID_WRAPPER: "invalid gzip header"
            case ISAL_UNSUPPORTED_METHOD: "unsupported compression method"
            case ISAL_INCORRECT_CHECKSUM: "CRC mismatch"
            default: "inflate error \(status)"
            }
        return FlowLensError(.corruptGzip, "corrupt gzip: \(detail)", location: name)
    }
}
