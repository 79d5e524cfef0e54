/// Writes a rowid table's B-tree, rows appended in ascending rowid order.
///
/// Leaves are filled as rows arrive and appended to the file as each fills (a leaf cell: the
/// payload's length and the rowid as varints, then the record). ``finish()`` writes the last
/// leaf and the interior levels bottom-up: an interior cell holds a child's page number and the
/// largest rowid under it, and the last child of a page is its right-most pointer, not a cell.
/// The top page goes into the table's existing root page. Every page ends up full except the
/// last of each level; no interior page is left with a single child (SQLite's reader and
/// `integrity_check` need at least one cell).
final class TableTreeWriter {
    let file: PageFile
    let root: UInt32
    private let leaf: BTreePage
    /// Leaves written so far, with the largest rowid of each.
    private var leaves: [(page: UInt32, lastRowid: Int64)] = []
    private var lastRowid: Int64 = 0
    /// The largest payload kept on a table leaf page (no overflow pages are written).
    private let maxLocal: Int
    private var scratch: [UInt8] = Array(repeating: 0, count: 128)

    init(file: PageFile, root: UInt32) {
        self.file = file
        self.root = root
        leaf = BTreePage(kind: .tableLeaf, size: file.pageSize)
        maxLocal = file.pageSize - 35
    }

    var isEmpty: Bool { leaves.isEmpty && leaf.isEmpty }

    /// Appends a row; rowids must ascend.
    @inline(__always)
    func append(rowid: Int64, _ record: borrowing SQLiteRecordEncoder) throws(StoreError) {
        let payload = record.size
        precondition(payload <= maxLocal && rowid > lastRowid)
        let length = SQLiteRecordEncoder.varintLength(UInt64(payload)) + SQLiteRecordEncoder.varintLength(UInt64(rowid)) + payload
        if !leaf.fits(length) {
            leaf.seal()
            leaves.append((try file.append(leaf.bytes), lastRowid))
            leaf.reset()
        }
        let cell = leaf.addCell(length)
        var offset = SQLiteRecordEncoder.putVarint(UInt64(payload), to: cell)
        offset += SQLiteRecordEncoder.putVarint(UInt64(rowid), to: cell + offset)
        record.write(to: cell + offset)
        lastRowid = rowid
    }

    /// What ``restore(_:)`` goes back to.
    struct Snapshot {
        var leaf: BTreePage.Snapshot
        var leaves: Int
        var lastRowid: Int64
    }

    func snapshot() -> Snapshot { Snapshot(leaf: leaf.snapshot(), leaves: leaves.count, lastRowid: lastRowid) }

    /// Goes back to a snapshot (call after the file's own truncate).
    func restore(_ snapshot: Snapshot) {
        leaf.restore(snapshot.leaf)
        leaves.removeLast(leaves.count - snapshot.leaves)
        lastRowid = snapshot.lastRowid
    }

    /// Writes the last leaf and the interior pages, the top one into the root page. A table
    /// without rows keeps its empty root.
    func finish() throws(StoreError) {
        if leaves.isEmpty {
            if !leaf.isEmpty {
                leaf.seal()
                try file.write(leaf.bytes, at: root)
            }
            return
        }
        if !leaf.isEmpty {
            leaf.seal()
            leaves.append((try file.append(leaf.bytes), lastRowid))
        }
        var level = leaves
        let page = BTreePage(kind: .tableInterior, size: file.pageSize)
        while true {
            let (next, isRoot) = try writeInteriorLevel(level, page: page)
            if isRoot { return }
            level = next
        }
    }

    /// Writes one interior level over `children`; returns the level above, or true when this
    /// level was a single page, written into the root.
    private func writeInteriorLevel(
        _ children: [(page: UInt32, lastRowid: Int64)], page: BTreePage
    ) throws(StoreError) -> ([(page: UInt32, lastRowid: Int64)], Bool) {
        var above: [(page: UInt32, lastRowid: Int64)] = []
        page.reset()
        var index = 0
        let count = children.count
        while index < count {
            if index == count - 1 {
                // The last child: the right-most pointer of the last page.
                page.seal(rightChild: children[index].page)
                if above.isEmpty {
                    try file.write(page.bytes, at: root)
                    return ([], true)
                }
                above.append((try file.append(page.bytes), children[index].lastRowid))
                return (above, false)
            }
            let child = children[index]
            let length = 4 + SQLiteRecordEncoder.varintLength(UInt64(child.lastRowid))
            if page.fits(length) {
                let cell = page.addCell(length)
                BTreePage.putUInt32(child.page, to: cell)
                SQLiteRecordEncoder.putVarint(UInt64(child.lastRowid), to: cell + 4)
                index += 1
                continue
            }
            // Full: this child becomes the right-most pointer, unless that would leave a single
            // child for the last page; then the previous one does, and two remain.
            var last = index
            if count - 1 - last == 1 {
                page.removeLastCell()
                last -= 1
            }
            page.seal(rightChild: children[last].page)
            above.append((try file.append(page.bytes), children[last].lastRowid))
            page.reset()
            index = last + 1
        }
        preconditionFailure("an interior level ends with its last child")
    }
}
