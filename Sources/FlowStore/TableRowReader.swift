import Glibc

/// Reads chosen rows of one rowid table straight from the pages of the database file (SQLite file
/// format, sections 1.6 and 2.1), for callers that already know the rowids and want many of them.
///
/// Through SQLite, each row costs a statement step, a B-tree search from the root and a call per
/// column: about 1.1 µs a row, so the 42,760 rows of the busiest address's hour in the 10 M record
/// benchmark took 46 ms, the whole budget of that query. Here rowids come sorted, so consecutive
/// ones mostly share a leaf page, which is searched in place; only a rowid past the leaf's last
/// one goes down from the root again.
///
/// The caller holds a read transaction on the database meanwhile (the rollback journal's shared
/// lock keeps writers from changing the file) and uses this only when the database is not in WAL
/// mode, where newer pages would sit in the log. Anything this reader does not expect (a payload
/// on overflow pages, a real or text value, a malformed page) is ``Failure/unsupported``: the
/// caller then reads through SQLite, which reports real corruption properly.
///
/// After `init` nothing in a reader changes (each search keeps its position in a ``Leaf`` of its
/// own), and the mapping is read-only: that makes it safe to search from several threads.
final class TableRowReader: @unchecked Sendable {
    enum Failure: Error { case unsupported }

    private let base: UnsafePointer<UInt8>
    private let mappedLength: Int
    private let pageSize: Int
    /// The usable bytes of a page (the page size less the reserved bytes at each page's end).
    private let usable: Int
    private let pageCount: Int
    private let root: Int

    /// Maps the file read-only.
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - rootPage: The table's root page (`sqlite_schema.rootpage`).
    init(path: String, rootPage: Int) throws(Failure) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unsupported }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size >= 100 else { throw .unsupported }
        let length = Int(status.st_size)
        guard let mapped = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            throw .unsupported
        }
        base = UnsafePointer(mapped.assumingMemoryBound(to: UInt8.self))
        mappedLength = length
        let sizeField = Int(base[16]) << 8 | Int(base[17])
        pageSize = sizeField == 1 ? 65536 : sizeField
        usable = pageSize - Int(base[20])
        guard pageSize >= 512, pageSize & (pageSize - 1) == 0, usable >= 480 else {
            munmap(mapped, length)
            throw .unsupported
        }
        pageCount = length / pageSize
        root = rootPage
        guard root >= 1 && root <= pageCount else {
            munmap(mapped, length)
            throw .unsupported
        }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }

    /// A leaf being read: its B-tree header, cell count, last rowid, and the cell where the next
    /// search starts (rowids come in ascending order).
    private struct Leaf {
        var header: UnsafePointer<UInt8>
        var cells: Int
        var last: Int64
        var nextCell = 0
    }

    /// Asks the kernel to map, ahead of the reads, the pages between the leaves of the first and
    /// the last of `rowids` (sorted), when they lie within `limit` bytes: the table's leaves are
    /// written in rowid order, so those of a time range are mostly one run of the file, and one
    /// call maps it instead of a page fault per page met (a tenth of the reading time of the
    /// busiest address's hour). Only advice: a kernel without `MADV_POPULATE_READ` ignores it.
    func prefault(_ rowids: [Int64], limit: Int = 64 << 20) throws(Failure) {
        guard let first = rowids.first, let last = rowids.last else { return }
        let low = try descend(to: first).header
        let high = try descend(to: last).header
        // The range rounded out to whole memory pages (a database page may be smaller).
        let memoryPage = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
        let start = (leafPage(low) - base) / memoryPage * memoryPage
        let end = min(leafPage(high) - base + pageSize, mappedLength)
        guard end > start, end - start <= limit else { return }
        // MADV_POPULATE_READ (Linux 5.14).
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, 22)
    }

    /// The records of those of `rowids` (sorted ascending) that the table holds, in order, each
    /// checked to decode (``decode(_:columns:into:)``): pointers into the mapped file, so that
    /// reading a hundred thousand rows writes no copy of them, and a fall back to SQLite after a
    /// failure has delivered nothing. Valid while this reader lives.
    func payloads(_ rowids: ArraySlice<Int64>, columns: Int) throws(Failure) -> [(rowid: Int64, payload: UnsafeBufferPointer<UInt8>)] {
        guard columns <= 64 else { throw .unsupported }
        let values = UnsafeMutablePointer<Int64>.allocate(capacity: max(columns, 1))
        defer { values.deallocate() }
        var found: [(rowid: Int64, payload: UnsafeBufferPointer<UInt8>)] = []
        found.reserveCapacity(rowids.count)
        var leaf: Leaf?
        for rowid in rowids {
            if leaf == nil || rowid > leaf!.last {
                leaf = try descend(to: rowid)
                leaf!.nextCell = try search(rowid, in: leaf!)
            }
            guard let payload = try find(rowid, in: &leaf!) else { continue }
            _ = try decode(payload, columns: columns, into: values)
            found.append((rowid, payload))
        }
        return found
    }

    private func page(_ number: Int) throws(Failure) -> UnsafePointer<UInt8> {
        guard number >= 1 && number <= pageCount else { throw .unsupported }
        return base + (number - 1) * pageSize
    }

    /// The B-tree header of a page (page 1 has the 100-byte database header first).
    private func header(_ number: Int) throws(Failure) -> UnsafePointer<UInt8> {
        try page(number) + (number == 1 ? 100 : 0)
    }

    private func cellOffset(_ header: UnsafePointer<UInt8>, headerSize: Int, _ index: Int) throws(Failure) -> Int {
        let pointer = header + headerSize + 2 * index
        let offset = Int(pointer[0]) << 8 | Int(pointer[1])
        guard offset >= 8 && offset < usable else { throw .unsupported }
        return offset
    }

    /// Goes from the root to the leaf that would hold `rowid`.
    private func descend(to rowid: Int64) throws(Failure) -> Leaf {
        var number = root
        for _ in 0..<64 {
            let page = try page(number)
            let header = try self.header(number)
            let cells = Int(header[3]) << 8 | Int(header[4])
            // The cell pointer array must lie within the page: a corrupt count would read past it.
            guard (header - page) + 12 + 2 * cells <= usable else { throw .unsupported }
            switch header[0] {
            case 13:
                guard cells > 0 else { return Leaf(header: header, cells: 0, last: Int64.min) }
                let lastCell = try cellOffset(header, headerSize: 8, cells - 1)
                var cursor = page + lastCell
                _ = try Self.varint(&cursor, limit: page + usable)
                let last = try Self.varint(&cursor, limit: page + usable)
                // The leaf answers every rowid up to its last one; a rowid past it makes the next
                // search go down again.
                return Leaf(header: header, cells: cells, last: Int64(bitPattern: last))
            case 5:
                // Interior cells: a child page, then the largest rowid in that child. The first
                // cell whose key is at least `rowid` leads to it; past them all, the right-most child.
                var low = 0
                var high = cells
                while low < high {
                    let middle = (low + high) / 2
                    var cursor = page + (try cellOffset(header, headerSize: 12, middle)) + 4
                    let key = Int64(bitPattern: try Self.varint(&cursor, limit: page + usable))
                    if key < rowid { low = middle + 1 } else { high = middle }
                }
                if low == cells {
                    number = Int(Self.uint32(header + 8))
                } else {
                    number = Int(Self.uint32(page + (try cellOffset(header, headerSize: 12, low))))
                }
            default:
                throw .unsupported
            }
        }
        throw .unsupported
    }

    /// The current leaf's page start (its header is 100 bytes in on page 1).
    private func leafPage(_ header: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        header - ((header - base) % pageSize)
    }

    /// The rowid of a cell of the current leaf, and the cursor just past it (the payload).
    @inline(__always)
    private func cell(_ index: Int, of header: UnsafePointer<UInt8>, page: UnsafePointer<UInt8>) throws(Failure) -> (key: Int64, length: UInt64, payload: UnsafePointer<UInt8>) {
        var cursor = page + (try cellOffset(header, headerSize: 8, index))
        let length = try Self.varint(&cursor, limit: page + usable)
        let key = Int64(bitPattern: try Self.varint(&cursor, limit: page + usable))
        return (key, length, cursor)
    }

    /// The first cell of the current leaf whose rowid is at least `rowid` (binary search, once
    /// per leaf entered).
    private func search(_ rowid: Int64, in leaf: Leaf) throws(Failure) -> Int {
        let page = leafPage(leaf.header)
        var low = 0
        var high = leaf.cells
        while low < high {
            let middle = (low + high) / 2
            if try cell(middle, of: leaf.header, page: page).key < rowid { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The payload of `rowid` in the current leaf, or nil when the table has no such row. Walks
    /// forward from the last position: the wanted rows of a leaf are near one another, and the
    /// cells are read in the order they lie.
    private func find(_ rowid: Int64, in leaf: inout Leaf) throws(Failure) -> UnsafeBufferPointer<UInt8>? {
        let page = leafPage(leaf.header)
        while leaf.nextCell < leaf.cells {
            let (key, length, payload) = try cell(leaf.nextCell, of: leaf.header, page: page)
            if key < rowid {
                leaf.nextCell += 1
                continue
            }
            guard key == rowid else { return nil }
            leaf.nextCell += 1
            // A payload too large for the page continues on overflow pages.
            guard length <= UInt64(usable - 35), payload + Int(length) <= page + usable else { throw .unsupported }
            return UnsafeBufferPointer(start: payload, count: Int(length))
        }
        return nil
    }

    /// Decodes a record of integers and NULLs into `values` (`columns` of them, at most 64);
    /// returns the mask of NULL columns: bit `i` set where column `i` is NULL, or past the
    /// record's end (as after an `ALTER TABLE ADD COLUMN`).
    func decode(_ payload: UnsafeBufferPointer<UInt8>, columns: Int, into values: UnsafeMutablePointer<Int64>) throws(Failure) -> UInt64 {
        guard let start = payload.baseAddress, payload.count > 0 else { throw .unsupported }
        let end = start + payload.count
        // Integers and NULLs only: every serial type is below 10, so each takes one header
        // byte, and so does the header's length (at most 64 columns). A text, blob or real
        // value, or a multi-byte type, is not expected here.
        let headerLength = Int(start[0])
        guard headerLength >= 1, headerLength < 0x80, headerLength <= payload.count else { throw .unsupported }
        var body = start + headerLength
        var nulls: UInt64 = 0
        let typed = min(columns, headerLength - 1)
        for column in 0..<typed {
            let type = start[1 + column]
            let width: Int
            switch type {
            case 0:
                nulls |= 1 << UInt64(column)
                values[column] = 0
                continue
            case 8: values[column] = 0; continue
            case 9: values[column] = 1; continue
            case 1, 2, 3, 4: width = Int(type)
            case 5: width = 6
            case 6: width = 8
            default: throw .unsupported
            }
            guard body + width <= end else { throw .unsupported }
            // Big-endian two's complement of `width` bytes.
            var value = Int64(Int8(bitPattern: body[0]))
            var index = 1
            while index < width {
                value = value << 8 | Int64(body[index])
                index += 1
            }
            values[column] = value
            body += width
        }
        for column in typed..<max(typed, columns) {
            nulls |= 1 << UInt64(column)
            values[column] = 0
        }
        return nulls
    }

    /// SQLite's varint: big-endian groups of 7 bits, the high bit set on all but the last byte;
    /// a ninth byte carries 8 bits.
    @inline(__always)
    static func varint(_ cursor: inout UnsafePointer<UInt8>, limit: UnsafePointer<UInt8>) throws(Failure) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<9 {
            guard cursor < limit else { throw .unsupported }
            let byte = cursor.pointee
            cursor += 1
            if index == 8 { return value << 8 | UInt64(byte) }
            value = value << 7 | UInt64(byte & 0x7F)
            if byte < 0x80 { return value }
        }
        return value
    }

    static func uint32(_ pointer: UnsafePointer<UInt8>) -> UInt32 {
        UInt32(pointer[0]) << 24 | UInt32(pointer[1]) << 16 | UInt32(pointer[2]) << 8 | UInt32(pointer[3])
    }
}
