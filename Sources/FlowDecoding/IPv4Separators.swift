/// Where the three dots and the closing space of a dotted IPv4 address lie: the first step of
/// both fast IPv4 parsers (``SWARParsing/ipv4(_:_:)`` and ``ShuffleIPv4``), from a bit mask of
/// the non-digit bytes among the 16 that start at the address.
struct IPv4Separators {
    let dot1: Int
    let dot2: Int
    let dot3: Int
    /// The offset of the space after the address.
    let end: Int

    /// nil unless the first four non-digits are three dots and a space, each after one to three
    /// digits. `nonDigits` has bit k set when byte k from `p[i]` is not a digit (and may have bits
    /// set above a non-ASCII byte: each of the four bytes taken is checked).
    @inline(__always)
    init?(nonDigits: UInt32, _ p: UnsafePointer<UInt8>, _ i: Int) {
        var rest = nonDigits
        dot1 = rest.trailingZeroBitCount
        rest &= rest &- 1
        dot2 = rest.trailingZeroBitCount
        rest &= rest &- 1
        dot3 = rest.trailingZeroBitCount
        rest &= rest &- 1
        end = rest.trailingZeroBitCount
        guard end <= 15, p[i &+ dot1] == UInt8(ascii: "."), p[i &+ dot2] == UInt8(ascii: "."),
            p[i &+ dot3] == UInt8(ascii: "."), p[i &+ end] == 0x20
        else { return nil }
        // Between the separators there are only digits; octets of one to three of them.
        guard UInt(bitPattern: dot1 &- 1) < 3, UInt(bitPattern: dot2 &- dot1 &- 2) < 3,
            UInt(bitPattern: dot3 &- dot2 &- 2) < 3, UInt(bitPattern: end &- dot3 &- 2) < 3
        else { return nil }
    }

    /// The octets' lengths, each 1...3.
    var lengths: (Int, Int, Int, Int) { (dot1, dot2 &- dot1 &- 1, dot3 &- dot2 &- 1, end &- dot3 &- 1) }
}
