/// A table of one byte for each 16-bit key (a port), stored as pages of 256 bytes with equal
/// pages kept once, so that the whole table takes a few KB. (``AddressPrefixTable`` stores its
/// trie of address bytes the same way.)
///
/// The flat 64 KB tables it replaced (port class by port, prefix class by /16 prefix) were read
/// at random offsets for every record, and the records streaming through the caches pushed them
/// out: a record's matching waited on those loads more than on anything else. The values change
/// only at the edges of a few sets (the private ranges, the listed ports), so nearly every page
/// is one value repeated, and the distinct pages stay in the first-level cache. A lookup is two
/// dependent loads from it, without a branch.
struct PagedByteTable {
    /// By high byte of the key: the offset of its page in `bytes`.
    private let pageOffsets: UnsafeMutableBufferPointer<UInt32>
    /// The distinct pages, 256 bytes each.
    private let bytes: UnsafeMutableBufferPointer<UInt8>

    /// - Parameter values: One byte per key, 65536 of them; empty for an empty table.
    init(_ values: [UInt8]) {
        precondition(values.isEmpty || values.count == 65536, "a paged byte table covers every 16-bit key")
        var offsets: [UInt32] = []
        var pages: [UInt8] = []
        var offsetOfPage: [[UInt8]: UInt32] = [:]
        if !values.isEmpty {
            for high in 0..<256 {
                let page = Array(values[(high << 8)..<((high + 1) << 8)])
                if let known = offsetOfPage[page] {
                    offsets.append(known)
                } else {
                    let offset = UInt32(pages.count)
                    offsetOfPage[page] = offset
                    offsets.append(offset)
                    pages += page
                }
            }
        }
        pageOffsets = .copying(offsets)
        bytes = .copying(pages)
    }


    /// Frees the buffers; the owner calls it once.
    func deallocate() {
        pageOffsets.deallocate()
        bytes.deallocate()
    }

    var isEmpty: Bool { pageOffsets.isEmpty }

    /// Bytes held, for tests: a few pages rather than 64 KB.
    var storedBytes: Int { bytes.count }

    /// The byte of `key`.
    @inline(__always)
    subscript(key: UInt16) -> UInt8 {
        bytes[Int(pageOffsets[Int(key >> 8)]) &+ Int(key & 0xFF)]
    }
}
