import CISAL
import CSnappy
import CZstd

/// Inflates Parquet pages: GZIP with ISA-L (as the text path does), SNAPPY (raw block format, no
/// framing) with libsnappy and ZSTD with libzstd.
///
/// The output must be exactly the size the page header announces; anything else means a corrupt
/// page. One instance is reused for every page of a reader, so the inflate state is allocated once.
final class ParquetDecompressor {
    struct Failure: Error {
        var message: String
    }

    private let gzipState: UnsafeMutablePointer<inflate_state>

    init() {
        gzipState = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
    }

    deinit { gzipState.deallocate() }

    /// Decompresses `input` into `output`, which has exactly the page's uncompressed size.
    func decompress(
        _ codec: ParquetCodec, input: UnsafeBufferPointer<UInt8>, output: UnsafeMutableBufferPointer<UInt8>
    ) throws(Failure) {
        switch codec {
        case .uncompressed:
            guard input.count == output.count else {
                throw Failure(message: "uncompressed page holds \(input.count) bytes, its header says \(output.count)")
            }
            if let source = input.baseAddress, let target = output.baseAddress {
                target.update(from: source, count: input.count)
            }
        case .snappy: try snappy(input, output)
        case .gzip: try gzip(input, output)
        case .zstd: try zstd(input, output)
        default: throw Failure(message: "unsupported compression codec \(codec)")
        }
    }

    private func snappy(_ input: UnsafeBufferPointer<UInt8>, _ output: UnsafeMutableBufferPointer<UInt8>) throws(Failure) {
        var expected = 0
        let raw = UnsafeRawPointer(input.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
        guard snappy_uncompressed_length(raw, input.count, &expected) == SNAPPY_OK, expected == output.count else {
            throw Failure(message: "corrupt SNAPPY page (bad length header)")
        }
        guard output.count > 0 else { return }
        var length = output.count
        let target = UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: CChar.self)
        guard snappy_uncompress(raw, input.count, target, &length) == SNAPPY_OK, length == output.count else {
            throw Failure(message: "corrupt SNAPPY page")
        }
    }

    private func zstd(_ input: UnsafeBufferPointer<UInt8>, _ output: UnsafeMutableBufferPointer<UInt8>) throws(Failure) {
        guard let source = input.baseAddress, input.count > 0 else {
            throw Failure(message: "empty ZSTD page")
        }
        // ZSTD_decompress wants a non-null destination even for an empty frame.
        var empty: UInt8 = 0
        let result = withUnsafeMutablePointer(to: &empty) { fallback in
            ZSTD_decompress(output.baseAddress ?? fallback, output.count, source, input.count)
        }
        if ZSTD_isError(result) != 0 {
            throw Failure(message: "corrupt ZSTD page (\(String(cString: ZSTD_getErrorName(result))))")
        }
        guard result == output.count else {
            throw Failure(message: "ZSTD page inflates to \(result) bytes, its header says \(output.count)")
        }
    }

    private func gzip(_ input: UnsafeBufferPointer<UInt8>, _ output: UnsafeMutableBufferPointer<UInt8>) throws(Failure) {
        guard let source = input.baseAddress, input.count >= 2 else { throw Failure(message: "empty GZIP page") }
        isal_inflate_init(gzipState)
        // The format says gzip; a zlib header (0x78) is accepted too, as other readers do.
        gzipState.pointee.crc_flag = UInt32(source[0] == 0x78 ? ISAL_ZLIB : ISAL_GZIP)
        var empty: UInt8 = 0
        let status = withUnsafeMutablePointer(to: &empty) { fallback -> Int32 in
            gzipState.pointee.next_in = UnsafeMutablePointer(mutating: source)
            gzipState.pointee.avail_in = UInt32(clamping: input.count)
            gzipState.pointee.next_out = output.baseAddress ?? fallback
            gzipState.pointee.avail_out = UInt32(clamping: output.count)
            return isal_inflate(gzipState)
        }
        guard status == ISAL_DECOMP_OK else { throw Failure(message: "corrupt GZIP page (inflate error \(status))") }
        let produced = output.count - Int(gzipState.pointee.avail_out)
        guard gzipState.pointee.block_state == ISAL_BLOCK_FINISH, produced == output.count else {
            throw Failure(message: "GZIP page inflates to \(produced) bytes or fewer, its header says \(output.count)")
        }
    }
}
