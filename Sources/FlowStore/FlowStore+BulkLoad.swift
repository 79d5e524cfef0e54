import CSQLite
import Glibc

extension FlowStore {
    /// Where a bulk load builds the store's replacement: beside it, so that a rename replaces it.
    var bulkPath: String { path + ".flowlens-bulk" }

    /// Starts a load that writes its own pages (``FlowBulkLoad``) when the store holds no flows
    /// and no sources; returns false otherwise (or when its layout is not one the writer produces).
    /// `expectedRecords` (an estimate) sizes the load's row keys ahead.
    ///
    /// The store's write lock is held from here to ``endBulkLoad()``, so that another ingest is
    /// told the store is locked instead of writing into a file about to be replaced.
    func startBulkLoad(expectedRecords: Int) throws(StoreError) -> Bool {
        try beginWrite()
        do {
            let held = try db.scalar(
                """
                SELECT (SELECT count(*) FROM (SELECT 1 FROM flow_rows LIMIT 1))
                    + (SELECT count(*) FROM (SELECT 1 FROM flow_extras LIMIT 1))
                    + (SELECT count(*) FROM (SELECT 1 FROM sources LIMIT 1))
                """)
            guard held == 0 else {
                try db.execute("ROLLBACK")
                return false
            }
            try Self.copy(path, to: bulkPath)
            guard let load = try FlowBulkLoad(tempPath: bulkPath, expectedRecords: expectedRecords) else {
                Self.remove(bulkPath)
                try db.execute("ROLLBACK")
                return false
            }
            try load.connection.execute("PRAGMA cache_size = -524288")
            bulk = load
            bulkFailure = nil
            return true
        } catch {
            Self.remove(bulkPath)
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Finishes a running bulk load: its copy is completed, made durable and renamed over the
    /// store, which is then reopened. On failure the copy is removed and the store stays as it
    /// was (without this load's sources).
    func endBulkLoad() throws(StoreError) {
        guard bulk != nil else { return }
        if current != nil { rollbackSource() }
        do {
            try completeBulkCopy()
        } catch {
            Self.remove(bulkPath)
            try? db.execute("ROLLBACK")
            throw error
        }
        // SQLite synced the copy when it committed the small tables; the rename is made durable too.
        if rename(bulkPath, path) != 0 {
            let cause = String(cString: strerror(errno))
            Self.remove(bulkPath)
            try? db.execute("ROLLBACK")
            throw StoreError(.io, "cannot move the loaded store into place", location: path, cause: cause)
        }
        Self.syncDirectory(of: path)
        try? db.execute("ROLLBACK")
        let reopened = try SQLiteConnection(path: path, readOnly: false, create: false)
        openedFile = FileIdentity(path: path)
        sqlite3_busy_timeout(reopened.handle, busyTimeoutMilliseconds)
        try reopened.execute("PRAGMA cache_size = -524288")
        db = reopened
        writer = nil
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE`, which waits up to the busy timeout for the
    /// write lock) and checks that the file is still the one this store opened.
    ///
    /// A bulk load of another process holds the write lock until it has renamed its copy over
    /// the store; a writer that opened the file before that and waited for the lock would get it
    /// on the replaced file, unlinked, and its rows would be lost. It is told to run again.
    func beginWrite() throws(StoreError) {
        try db.execute("BEGIN IMMEDIATE")
        // A bulk load of this store writes its copy while it holds the old file's lock.
        guard bulk == nil else { return }
        guard let openedFile else {
            openedFile = FileIdentity(path: path)
            return
        }
        guard FileIdentity(path: path) == openedFile else {
            try? db.execute("ROLLBACK")
            throw StoreError(
                .locked, "another ingest replaced the store while this one waited for it", location: path,
                cause: "run the command again")
        }
        // Only the holder of the write lock builds a copy: one found now was left by a bulk load
        // that died (a gigabyte, for a day of logs).
        if access(bulkPath, F_OK) == 0 { Self.remove(bulkPath) }
    }

    /// Completes the copy; the load, and the SQLite connection of the copy with it, is released
    /// on return, before the file is renamed or removed.
    private func completeBulkCopy() throws(StoreError) {
        guard let load = bulk else { return }
        bulk = nil
        defer { bulkFailure = nil }
        if let failure = bulkFailure { throw failure }
        try load.finish()
        lastBulkLoadWroteRollupTrees = load.rollupTreesWritten
    }

    /// Copies a file (a store without flows: a few pages).
    static func copy(_ source: String, to target: String) throws(StoreError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw StoreError(.io, "cannot read the store", location: source, cause: String(cString: strerror(errno))) }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else {
            throw StoreError(.io, "cannot create the store being built", location: target, cause: String(cString: strerror(errno)))
        }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw StoreError(.io, "cannot read the store", location: source, cause: String(cString: strerror(errno))) }
            if count == 0 { return }
            var done = 0
            while done < count {
                let written = buffer.withUnsafeBytes { write(output, $0.baseAddress! + done, count - done) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    let code = errno
                    if code == ENOSPC { throw StoreError(.diskFull, "the disk is full; nothing of this ingest was kept", location: target) }
                    throw StoreError(.io, "cannot write the store being built", location: target, cause: String(cString: strerror(code)))
                }
                done += written
            }
        }
    }

    /// Removes a file and its rollback journal, if there.
    static func remove(_ path: String) {
        unlink(path)
        unlink(path + "-journal")
    }

    private static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

/// A file's device and inode: the same path may name another file after a rename.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
