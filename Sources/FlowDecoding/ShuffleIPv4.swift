#if arch(x86_64)
import _Builtin_intrinsics.intel

/// Dotted IPv4 addresses parsed with SSSE3 byte shuffles (FlowDecoding is built for x86-64 CPUs
/// from Nehalem on, which all have them; see Package.swift).
///
/// The separators' positions come from one compare over 16 bytes; the octets' lengths pick one of
/// 81 shuffles, which moves each octet's digits into a lane of its own, right-aligned; two
/// multiply-adds weigh them by 100, 10 and 1, and a last shuffle puts the four values in address
/// order. The word-wide scalar parser (``SWARParsing``) spent two thirds of its instructions on
/// the octets one by one.
enum ShuffleIPv4 {
    /// The shuffle for each combination of octet lengths, indexed by
    /// `(l1 - 1) * 27 + (l2 - 1) * 9 + (l3 - 1) * 3 + (l4 - 1)`: lane k (bytes 4k...4k+3) takes the
    /// hundreds, tens and ones of octet k, with 0x80 (a zero byte) for missing digits.
    nonisolated(unsafe) static let shuffles: UnsafeMutablePointer<__m128i> = {
        let table = UnsafeMutablePointer<__m128i>.allocate(capacity: 81)
        let bytes = UnsafeMutableRawPointer(table).assumingMemoryBound(to: UInt8.self)
        for index in 0..<81 {
            let lengths = [index / 27 + 1, index / 9 % 3 + 1, index / 3 % 3 + 1, index % 3 + 1]
            var end = -1
            for (octet, length) in lengths.enumerated() {
                end += length + 1
                let lane = bytes + index * 16 + octet * 4
                lane[0] = length >= 3 ? UInt8(end - 3) : 0x80
                lane[1] = length >= 2 ? UInt8(end - 2) : 0x80
                lane[2] = UInt8(end - 1)
                lane[3] = 0x80
            }
        }
        return table
    }()

    /// A dotted IPv4 address followed by one space at `p[i]`; advances `i` past the space. Takes
    /// the same texts as ``SWARParsing/ipv4(_:_:)``. Reads 16 bytes from `i`.
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ i: inout Int, shuffles: UnsafePointer<__m128i>) -> UInt32? {
        let text = _mm_loadu_si128(UnsafeRawPointer(p + i).assumingMemoryBound(to: __m128i_u.self))
        let digits = _mm_sub_epi8(text, _mm_set1_epi8(0x30))
        let isDigit = _mm_cmpeq_epi8(_mm_min_epu8(digits, _mm_set1_epi8(9)), digits)
        let nonDigits = UInt32(truncatingIfNeeded: ~_mm_movemask_epi8(isDigit)) & 0xFFFF
        guard let at = IPv4Separators(nonDigits: nonDigits, p, i) else { return nil }
        let (l1, l2, l3, l4) = at.lengths
        let index = (l1 &- 1) &* 27 &+ (l2 &- 1) &* 9 &+ (l3 &- 1) &* 3 &+ (l4 &- 1)
        let lanes = _mm_shuffle_epi8(digits, shuffles[index])
        // Hundreds and tens times 100 and 10 in one 16-bit half of each lane, ones in the other;
        // then the halves added.
        let weighed = _mm_maddubs_epi16(lanes, _mm_set1_epi32(0x0001_0A64))
        let values = _mm_madd_epi16(weighed, _mm_set1_epi16(1))
        guard _mm_movemask_epi8(_mm_cmpgt_epi32(values, _mm_set1_epi32(255))) == 0 else { return nil }
        // Lane 0 (the first octet) to the top byte of the address.
        let address = _mm_shuffle_epi8(values, _mm_set_epi32(-1, -1, -1, 0x0004_080C))
        i = i &+ at.end &+ 1
        return UInt32(truncatingIfNeeded: _mm_cvtsi128_si32(address))
    }
}
#endif
