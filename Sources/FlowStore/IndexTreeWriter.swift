/// Writes an index B-tree from its entries in key order.
///
/// Unlike a table, an index B-tree holds each entry once, on a leaf or on an interior page: the
/// entry between two sibling pages is the divider in their parent (an index interior cell: the
/// left child's page number, the payload's length as a varint, the record). So a level is a run
/// of keys cut into pages with one key between each two going up a level: entries at the leaves,
/// dividers above. Pages are filled in order; a key that does not fit goes up and the next page
/// starts after it, except that the last key never goes up alone (that would leave the last
/// page empty): the page gives its own last key instead. The top page goes into the index's
/// existing root page. An index leaf cell is the payload's length and the record.
///
/// The order of entries is the caller's (SQLite's: integers numerically, NULL first, then the
/// rowid); this type only lays them out.
struct IndexTreeWriter {
    let file: PageFile
    let root: UInt32
    /// The largest payload kept on an index page: `(usable - 12) * 64 / 255 - 23`.
    private let maxLocal: Int

    /// Whether 0 and 1 take serial types 8 and 9 (schema format 4).
    let constantTypes: Bool

    init(file: PageFile, root: UInt32, constantTypes: Bool) {
        self.file = file
        self.root = root
        self.constantTypes = constantTypes
        maxLocal = (file.pageSize - 12) * 64 / 255 - 23
    }

    /// Writes the index of `count` entries; `encode(i, &record)` fills the record of the i-th
    /// entry in key order. An index without entries keeps its empty root.
    func write(count: Int, encode: (Int, inout SQLiteRecordEncoder) -> Void) throws(StoreError) {
        guard count > 0 else { return }
        var record = SQLiteRecordEncoder(constantTypes: constantTypes)
        var keys: [Int] = []
        var children: [UInt32] = []
        var level = 0
        while true {
            let isLeaf = level == 0
            let page = BTreePage(kind: isLeaf ? .indexLeaf : .indexInterior, size: file.pageSize)
            var pages: [UInt32] = []
            var up: [Int] = []
            let keyCount = isLeaf ? count : keys.count
            var index = 0
            while index < keyCount {
                let entry = isLeaf ? index : keys[index]
                record.reset()
                encode(entry, &record)
                let payload = record.size
                precondition(payload <= maxLocal, "an index record longer than a page keeps")
                let length = (isLeaf ? 0 : 4) + SQLiteRecordEncoder.varintLength(UInt64(payload)) + payload
                if page.fits(length) {
                    let cell = page.addCell(length)
                    var offset = 0
                    if !isLeaf {
                        BTreePage.putUInt32(children[index], to: cell)
                        offset = 4
                    }
                    offset += SQLiteRecordEncoder.putVarint(UInt64(payload), to: cell + offset)
                    record.write(to: cell + offset)
                    index += 1
                    continue
                }
                // This key goes up, unless it is the last one: then the page's own last key does.
                var divider = index
                if index == keyCount - 1 {
                    page.removeLastCell()
                    divider -= 1
                }
                page.seal(rightChild: isLeaf ? 0 : children[divider])
                pages.append(try file.append(page.bytes))
                up.append(isLeaf ? divider : keys[divider])
                page.reset()
                index = divider + 1
            }
            page.seal(rightChild: isLeaf ? 0 : children[keyCount])
            if pages.isEmpty {
                try file.write(page.bytes, at: root)
                return
            }
            pages.append(try file.append(page.bytes))
            keys = up
            children = pages
            level += 1
        }
    }
}
