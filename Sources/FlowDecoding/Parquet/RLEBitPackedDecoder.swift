/// Decodes Parquet's RLE / bit-packing hybrid, used for definition levels and dictionary indices.
///
/// The input is a sequence of runs, each introduced by a varint header: an even header is a
/// repeated run (`header >> 1` copies of one value stored little-endian in `ceil(width / 8)`
/// bytes), an odd header a bit-packed run of `header >> 1` groups of eight values, packed from the
/// least significant bit. Every read is checked against the input; values past the end are an
/// error, except that the last bit-packed group may be cut short after the values needed.
struct RLEBitPackedDecoder {
    struct Failure: Error {
        var message: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let width: Int
    private let mask: UInt64
    private var position = 0
    /// Values left in the current run, and which kind it is.
    private var repeatLeft = 0
    private var repeatValue: UInt32 = 0
    private var packedLeft = 0
    private var packedEnd = 0
    private var accumulator: UInt64 = 0
    private var accumulatedBits = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, bitWidth: Int) throws(Failure) {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw Failure(message: "bit width \(bitWidth) is over 32") }
        self.bytes = bytes
        width = bitWidth
        mask = bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1
    }

    /// Fills `output` with the next `output.count` values.
    mutating func decode(into output: UnsafeMutableBufferPointer<UInt32>) throws(Failure) {
        var index = 0
        let count = output.count
        if width == 0 {
            // Every value is zero; the runs need not even be present.
            for k in 0..<count { output[k] = 0 }
            return
        }
        while index < count {
            if repeatLeft > 0 {
                let take = min(repeatLeft, count - index)
                let value = repeatValue
                for k in index..<(index + take) { output[k] = value }
                index += take
                repeatLeft -= take
                continue
            }
            if packedLeft > 0 {
                let take = min(packedLeft, count - index)
                for k in index..<(index + take) {
                    while accumulatedBits < width {
                        guard position < packedEnd else {
                            throw Failure(message: "bit-packed run ends early")
                        }
                        accumulator |= UInt64(bytes[position]) << UInt64(accumulatedBits)
                        position += 1
                        accumulatedBits += 8
                    }
                    output[k] = UInt32(truncatingIfNeeded: accumulator & mask)
                    accumulator >>= UInt64(width)
                    accumulatedBits -= width
                }
                index += take
                packedLeft -= take
                if packedLeft == 0 {
                    // A run starts on a byte boundary: drop the padding bits of the last group.
                    position = packedEnd
                    accumulator = 0
                    accumulatedBits = 0
                }
                continue
            }
            try readRunHeader()
        }
    }

    private mutating func readRunHeader() throws(Failure) {
        var header: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw Failure(message: "levels or indices end early") }
            guard shift < 64 else { throw Failure(message: "run header too long") }
            let byte = bytes[position]
            position += 1
            header |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        let length = header >> 1
        // A run longer than any page can hold is corrupt; the bound also keeps arithmetic safe.
        guard length > 0, length <= UInt64(Int32.max) else { throw Failure(message: "empty or oversized run") }
        if header & 1 == 0 {
            let valueBytes = (width + 7) / 8
            guard bytes.count - position >= valueBytes else { throw Failure(message: "repeated run ends early") }
            var value: UInt64 = 0
            for k in 0..<valueBytes { value |= UInt64(bytes[position + k]) << UInt64(8 * k) }
            position += valueBytes
            repeatValue = UInt32(truncatingIfNeeded: value & mask)
            repeatLeft = Int(length)
        } else {
            let groups = Int(length)
            guard groups <= Int(Int32.max) / 8 else { throw Failure(message: "oversized bit-packed run") }
            packedLeft = groups * 8
            packedEnd = min(bytes.count, position + groups * width)
            accumulator = 0
            accumulatedBits = 0
        }
    }
}
