/// The decoder's fast IPv4 parser: SSSE3 shuffles on x86-64 (``ShuffleIPv4``), the word-wide
/// parser elsewhere (``SWARParsing/ipv4(_:_:)``). A plain value that holds the shuffle table's
/// address, so that the hot loops neither check a lazy global nor retain anything per address.
struct FastIPv4 {
    #if arch(x86_64)
        private let shuffles = UnsafePointer(ShuffleIPv4.shuffles)
    #endif

    /// A dotted IPv4 address followed by one space at `p[i]`; advances `i` past the space. Reads
    /// up to 3 bytes before `i` and 16 from it.
    @inline(__always)
    func parse(_ p: UnsafePointer<UInt8>, _ i: inout Int) -> UInt32? {
        #if arch(x86_64)
            ShuffleIPv4.parse(p, &i, shuffles: shuffles)
        #else
            SWARParsing.ipv4(p, &i)
        #endif
    }
}
