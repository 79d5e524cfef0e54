import Glibc

/// The pages of a closed SQLite database file, written directly: pages appended past its end
/// (numbered on), pages rewritten in place (the empty roots SQLite created), and the header's
/// page count and change counter updated at the end.
///
/// SQLite must not have the file open in a transaction meanwhile. Appended pages are gathered
/// into writes of ``bufferPages`` pages. The database header fields (SQLite file format, section
/// 1.3): the change counter at offset 24, the page count at 28 (trusted only while the
/// version-valid-for number at 92 equals the change counter), the SQLite version at 96.
final class PageFile {
    let path: String
    let pageSize: Int
    private let fd: Int32
    /// The number of the last page (pages are numbered from 1).
    private(set) var pageCount: UInt32
    private let buffer: UnsafeMutablePointer<UInt8>
    /// Pages waiting in `buffer`, numbered from `bufferFirst`.
    private var bufferFirst: UInt32
    private var buffered = 0
    static let bufferPages = 256

    /// - Parameter pageCount: Pages the file holds (the header's count, which SQLite keeps equal
    ///   to the file's size).
    init(path: String, pageSize: Int, pageCount: UInt32) throws(StoreError) {
        self.path = path
        self.pageSize = pageSize
        self.pageCount = pageCount
        fd = open(path, O_RDWR | O_CLOEXEC)
        if fd < 0 { throw Self.error("cannot open the store being built", path: path) }
        buffer = .allocate(capacity: pageSize * Self.bufferPages)
        bufferFirst = pageCount + 1
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Appends a page; returns its number.
    func append(_ page: UnsafePointer<UInt8>) throws(StoreError) -> UInt32 {
        if buffered == Self.bufferPages { try flush() }
        (buffer + buffered * pageSize).update(from: page, count: pageSize)
        buffered += 1
        pageCount += 1
        return pageCount
    }

    /// Writes page `number`, one that existed before the first append (a tree's root).
    func write(_ page: UnsafePointer<UInt8>, at number: UInt32) throws(StoreError) {
        precondition(number >= 2 && number < bufferFirst, "only pages that SQLite wrote are rewritten")
        try writeAll(page, count: pageSize, at: off_t(number - 1) * off_t(pageSize))
    }

    /// Writes the appended pages still in the buffer.
    func flush() throws(StoreError) {
        guard buffered > 0 else { return }
        try writeAll(buffer, count: buffered * pageSize, at: off_t(bufferFirst - 1) * off_t(pageSize))
        bufferFirst += UInt32(buffered)
        buffered = 0
    }

    /// Forgets the pages appended after page `count` (a source rolled back): the next append is
    /// page `count + 1` again, and ``finish()`` cuts the file there.
    func truncate(to count: UInt32) throws(StoreError) {
        precondition(count <= pageCount)
        if count + 1 >= bufferFirst {
            buffered = Int(count + 1 - bufferFirst)
        } else {
            try flush()
            bufferFirst = count + 1
        }
        pageCount = count
    }

    /// Writes what is buffered, cuts the file after the last page, and updates the header:
    /// page count, change counter and the number that makes SQLite trust the page count.
    func finish(sqliteVersion: Int32) throws(StoreError) {
        try flush()
        if ftruncate(fd, off_t(pageCount) * off_t(pageSize)) != 0 { throw Self.error("cannot size the store being built", path: path) }
        var header = [UInt8](repeating: 0, count: 100)
        let read = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 100, 0) }
        if read != 100 { throw Self.error("cannot read the header of the store being built", path: path) }
        let counter = (UInt32(header[24]) << 24 | UInt32(header[25]) << 16 | UInt32(header[26]) << 8 | UInt32(header[27])) &+ 1
        header.withUnsafeMutableBufferPointer { p in
            BTreePage.putUInt32(counter, to: p.baseAddress! + 24)
            BTreePage.putUInt32(pageCount, to: p.baseAddress! + 28)
            BTreePage.putUInt32(counter, to: p.baseAddress! + 92)
            BTreePage.putUInt32(UInt32(bitPattern: sqliteVersion), to: p.baseAddress! + 96)
        }
        try header.withUnsafeBufferPointer { (p) throws(StoreError) in try writeAll(p.baseAddress!, count: 100, at: 0) }
    }

    private func writeAll(_ bytes: UnsafePointer<UInt8>, count: Int, at offset: off_t) throws(StoreError) {
        var done = 0
        while done < count {
            let written = pwrite(fd, bytes + done, count - done, offset + off_t(done))
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.error("cannot write the store being built", path: path)
            }
            done += written
        }
    }

    private static func error(_ message: String, path: String) -> StoreError {
        let code = errno
        if code == ENOSPC || code == EDQUOT {
            return StoreError(.diskFull, "the disk is full; nothing of this ingest was kept", location: path)
        }
        return StoreError(.io, message, location: path, cause: String(cString: strerror(code)))
    }
}
