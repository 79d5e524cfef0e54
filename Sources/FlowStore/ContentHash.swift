import Glibc

/// A fast 64-bit content hash of a file (two multiply-xor lanes over 8-byte words), used to
/// recognise a file that was already ingested. Not cryptographic: it guards against accidents,
/// not adversaries.
public enum ContentHash {
    /// Hashes a file's bytes; returns the hex digest and the size, or nil when it cannot be read.
    public static func file(_ path: String) -> (hash: String, size: Int)? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var state = State()
        let capacity = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        var filled = 0
        while true {
            let n = read(fd, buffer.baseAddress! + filled, capacity - filled)
            if n < 0 { return nil }
            filled += n
            if n == 0 || filled == capacity {
                state.update(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
                if n == 0 { break }
                filled = 0
            }
        }
        return (state.hex, state.length)
    }

    /// Incremental state; feed it whole buffers (a partial word is folded in byte by byte).
    public struct State {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        public private(set) var length = 0

        public init() {}

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            let words = bytes.count / 8
            var i = 0
            while i + 1 < words {
                let x = bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                let y = bytes.loadUnaligned(fromByteOffset: i * 8 + 8, as: UInt64.self)
                a = (a ^ x).multipliedFullWidth(by: 0x9FB2_1C65_1E98_DF25).low &+ (a >> 29)
                b = (b ^ y).multipliedFullWidth(by: 0xD6E8_FEB8_6659_FD93).low &+ (b >> 31)
                i += 2
            }
            for j in (i * 8)..<bytes.count {
                a = (a ^ UInt64(bytes[j])) &* 0x100_0000_01B3
            }
            length += bytes.count
        }

        public var hex: String {
            var h = a ^ (b &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(length)
            h ^= h >> 33
            h &*= 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 33
            let text = String(h, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
    }
}
