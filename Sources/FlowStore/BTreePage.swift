import Glibc

/// One B-tree page being filled, laid out as SQLite lays out its own pages.
///
/// The header (8 bytes, 12 on interior pages, which add the right-most child) is followed by the
/// cell pointer array (two big-endian bytes per cell, in key order); cells are packed from the
/// end of the page downward with no gap between them, so the page has no freeblock and no
/// fragmented bytes, which `PRAGMA integrity_check` verifies. Never page 1 (which starts with the
/// database header): the trees written this way never have their root there.
final class BTreePage {
    /// The page types of SQLite's file format (the first byte of the page).
    enum Kind: UInt8 {
        case indexInterior = 2
        case tableInterior = 5
        case indexLeaf = 10
        case tableLeaf = 13
    }

    let kind: Kind
    let size: Int
    let bytes: UnsafeMutablePointer<UInt8>
    private(set) var cellCount = 0
    /// Offset of the lowest cell byte (``size`` when the page holds none).
    private(set) var contentStart: Int

    var headerSize: Int { kind == .indexInterior || kind == .tableInterior ? 12 : 8 }

    init(kind: Kind, size: Int) {
        self.kind = kind
        self.size = size
        bytes = .allocate(capacity: size)
        contentStart = size
    }

    deinit { bytes.deallocate() }

    var isEmpty: Bool { cellCount == 0 }

    /// True when a cell of `length` bytes fits beside the cells already there.
    @inline(__always)
    func fits(_ length: Int) -> Bool { headerSize + 2 * (cellCount + 1) + length <= contentStart }

    /// Reserves a cell of `length` bytes (after ``fits(_:)``); the caller writes it at the
    /// returned pointer.
    @inline(__always)
    func addCell(_ length: Int) -> UnsafeMutablePointer<UInt8> {
        contentStart -= length
        let pointer = headerSize + 2 * cellCount
        bytes[pointer] = UInt8(truncatingIfNeeded: contentStart >> 8)
        bytes[pointer + 1] = UInt8(truncatingIfNeeded: contentStart)
        cellCount += 1
        return bytes + contentStart
    }

    /// Offset of cell `index`.
    private func cellOffset(_ index: Int) -> Int {
        let pointer = headerSize + 2 * index
        return Int(bytes[pointer]) << 8 | Int(bytes[pointer + 1])
    }

    /// Takes the last cell added away again.
    func removeLastCell() {
        precondition(cellCount > 0)
        cellCount -= 1
        contentStart = cellCount == 0 ? size : cellOffset(cellCount - 1)
    }

    /// Writes the header (and the right-most child of an interior page) and zeroes the free
    /// space between the pointers and the cells; the page is then ready to be written.
    func seal(rightChild: UInt32 = 0) {
        bytes[0] = kind.rawValue
        bytes[1] = 0
        bytes[2] = 0
        bytes[3] = UInt8(truncatingIfNeeded: cellCount >> 8)
        bytes[4] = UInt8(truncatingIfNeeded: cellCount)
        // 65536 is written as 0.
        bytes[5] = UInt8(truncatingIfNeeded: contentStart >> 8)
        bytes[6] = UInt8(truncatingIfNeeded: contentStart)
        bytes[7] = 0
        if headerSize == 12 { BTreePage.putUInt32(rightChild, to: bytes + 8) }
        let free = headerSize + 2 * cellCount
        memset(bytes + free, 0, contentStart - free)
    }

    /// Empties the page for the next one of its level.
    func reset() {
        cellCount = 0
        contentStart = size
    }

    /// The page's state, to go back to (a source rolled back).
    struct Snapshot {
        var bytes: [UInt8]
        var cellCount: Int
        var contentStart: Int
    }

    func snapshot() -> Snapshot {
        Snapshot(bytes: Array(UnsafeBufferPointer(start: bytes, count: size)), cellCount: cellCount, contentStart: contentStart)
    }

    func restore(_ snapshot: Snapshot) {
        snapshot.bytes.withUnsafeBufferPointer { bytes.update(from: $0.baseAddress!, count: size) }
        cellCount = snapshot.cellCount
        contentStart = snapshot.contentStart
    }

    @inline(__always)
    static func putUInt32(_ value: UInt32, to p: UnsafeMutablePointer<UInt8>) {
        p[0] = UInt8(truncatingIfNeeded: value >> 24)
        p[1] = UInt8(truncatingIfNeeded: value >> 16)
        p[2] = UInt8(truncatingIfNeeded: value >> 8)
        p[3] = UInt8(truncatingIfNeeded: value)
    }
}
