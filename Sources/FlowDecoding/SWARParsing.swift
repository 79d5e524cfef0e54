/// Byte-parallel ("SIMD within a register") parsing of the tokens of AWS's default layout.
///
/// Every function reads whole 8-byte words at the token's start, so the caller must guarantee
/// that 16 readable bytes follow any position it passes in. Each returns nil for anything outside
/// the narrow shape it handles (a `-`, a separator other than one space, too many digits): the
/// caller then hands the line to the general path, which decides and reports.
enum SWARParsing {
    /// The high bit of each byte that is not an ASCII digit, after `word ^ 0x30…` (digits become
    /// 0…9). Only the lowest flagged byte is exact: carries from a flagged byte may flag the ones
    /// above it, which callers never look at.
    @inline(__always)
    static func nonDigitFlags(_ digits: UInt64) -> UInt64 {
        ((digits &+ 0x7676_7676_7676_7676) | digits) & 0x8080_8080_8080_8080
    }

    /// The value of eight digits, the first in the lowest byte; every byte must be 0…9 (missing
    /// leading digits are zero bytes). Three multiplies combine pairs, quads and halves; a byte
    /// times 10 plus the next stays below 100, so the first step needs no mask.
    @inline(__always)
    static func eightDigits(_ digits: UInt64) -> UInt64 {
        var v = (digits &* 2561) &>> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
    }

    /// 10^n for n in 1...7. A switch, not a static array: a static is a lazy global, and its
    /// once-check ran for every number of more than eight digits (two timestamps per line).
    @inline(__always)
    static func powerOfTen(_ n: Int) -> UInt64 {
        switch n {
        case 1: 10
        case 2: 100
        case 3: 1000
        case 4: 10000
        case 5: 100_000
        case 6: 1_000_000
        default: 10_000_000
        }
    }

    /// An unsigned number of 1…15 digits at `p[i]` followed by one space; advances `i` past the
    /// space.
    @inline(__always)
    static func number(_ p: UnsafePointer<UInt8>, _ i: inout Int) -> UInt64? {
        let raw = UnsafeRawPointer(p + i)
        let first = raw.loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
        // Wrapping and masking operators throughout: positions stay far below overflow, and shift
        // counts within 0...63, so the checks Swift would add are dead weight on every token.
        // The flag of the first non-digit is the top bit of byte `count`.
        let flag = nonDigitFlags(first).trailingZeroBitCount
        let count = flag &>> 3
        var value: UInt64
        var length = count
        if UInt(bitPattern: count &- 1) < 7 {
            value = eightDigits(first &<< UInt64(truncatingIfNeeded: 71 &- flag))
        } else {
            if count == 0 { return nil }
            let second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ 0x3030_3030_3030_3030
            let more = nonDigitFlags(second).trailingZeroBitCount &>> 3
            if more == 8 { return nil }
            value = eightDigits(first)
            if more == 2 {
                // Ten digits, as every Unix time in seconds until 2286 has.
                value = value &* 100 &+ (second & 0xFF) &* 10 &+ (second &>> 8 & 0xFF)
            } else if more > 0 {
                value = value &* powerOfTen(more) &+ eightDigits(second &<< UInt64(truncatingIfNeeded: 64 &- 8 &* more))
            }
            length = 8 &+ more
        }
        if p[i &+ length] != 0x20 { return nil }
        i = i &+ length &+ 1
        return value
    }

    /// One bit per byte (bit k for byte k) from flags in the bytes' high bits.
    @inline(__always)
    static func byteMask(_ flags: UInt64) -> UInt64 {
        ((flags >> 7) &* 0x0102_0408_1020_4080) >> 56
    }

    /// A dotted IPv4 address (octets of one to three digits, each at most 255) followed by one
    /// space; advances `i` past the space. The same set of texts that `IPAddress.parseIPv4` takes.
    ///
    /// The positions of the three dots and the space come from one bit mask over 16 bytes, so the
    /// four octets are converted independently of each other instead of each waiting for the
    /// length of the one before. Reads up to 3 bytes before `i` (the caller's line has a field
    /// before any address) and 16 bytes from `i`.
    @inline(__always)
    static func ipv4(_ p: UnsafePointer<UInt8>, _ i: inout Int) -> UInt32? {
        let raw = UnsafeRawPointer(p + i)
        let low = raw.loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
        let high = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ 0x3030_3030_3030_3030
        let nonDigits = byteMask(nonDigitFlags(low)) | byteMask(nonDigitFlags(high)) &<< 8
        guard let at = IPv4Separators(nonDigits: UInt32(truncatingIfNeeded: nonDigits), p, i) else { return nil }
        let (l1, l2, l3, l4) = at.lengths
        var largest: UInt32 = 0
        let o1 = octet(raw, endingAt: at.dot1, length: l1, largest: &largest)
        let o2 = octet(raw, endingAt: at.dot2, length: l2, largest: &largest)
        let o3 = octet(raw, endingAt: at.dot3, length: l3, largest: &largest)
        let o4 = octet(raw, endingAt: at.end, length: l4, largest: &largest)
        // Digits read as a big-endian number, then the separator: at most "255" and any byte.
        guard largest <= 0x0205_05FF else { return nil }
        i = i &+ at.end &+ 1
        // Each octet's value sits in bits 16...23 of its product.
        return (o1 &<< 8) & 0xFF00_0000 | o2 & 0x00FF_0000 | (o3 &>> 8) & 0x0000_FF00 | (o4 &>> 16) & 0xFF
    }

    /// The `length` (1…3) digits just before offset `end`, from one 4-byte load: returns their
    /// value modulo 256 in bits 16...23, and raises `largest` to the digits as a big-endian number
    /// followed by the separator, which the caller compares with "255" for the value's range.
    @inline(__always)
    static func octet(_ raw: UnsafeRawPointer, endingAt end: Int, length: Int, largest: inout UInt32) -> UInt32 {
        // Bytes: [end-3, end-2, end-1, end]; the leading ones before the octet are dropped.
        let word = raw.loadUnaligned(fromByteOffset: end &- 3, as: UInt32.self) ^ 0x3030_3030
        let drop = UInt32(truncatingIfNeeded: 24 &- 8 &* length)
        let digits = (word &>> drop) &<< drop
        largest = max(largest, digits.byteSwapped)
        // Hundreds, tens and ones times 100, 10 and 1 meet in bits 16...23; the partial sums below
        // (at most 9 and 99) cannot carry into them.
        return digits &* 0x0064_0A01
    }

    /// True when the `count` bytes at `a` and `b` are equal, comparing whole words (the last one
    /// overlapping) so that typical ids of 12 to 24 bytes take two or three compares.
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        if count >= 8 {
            let last = count &- 8
            let tail = a.loadUnaligned(fromByteOffset: last, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: last, as: UInt64.self)
            let head = a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
            // Ids of up to 24 bytes (accounts, interfaces, subnets) without a loop: the branch on
            // the length goes the same way for every line of a column.
            if count <= 16 { return head && tail }
            if count <= 24 {
                return head && tail
                    && a.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            }
            var k = 0
            while k + 8 < count {
                if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                    return false
                }
                k += 8
            }
            return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        var k = 0
        while k < count {
            if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
            k += 1
        }
        return true
    }
}
