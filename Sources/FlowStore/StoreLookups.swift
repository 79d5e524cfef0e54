import CSQLite
import FlowCore
import Glibc

/// The `addresses` and `contexts` lookup tables as the writer sees them: each distinct value gets
/// an id once, written to its table the first time it is met, and found again in memory after.
///
/// The maps are loaded from the store when a writer starts, so ids stay stable across ingests.
/// They can run ahead of the database when a transaction rolls back; the store then drops the
/// writer (and these maps) and builds a new one from what was kept.
///
/// For a bulk load (``FlowBulkLoad``), writes are deferred: new entries are written by
/// ``writePending()`` at its end, and a source that rolls back takes its entries away with
/// ``rollBack(to:)``.
final class StoreLookups {
    private let connection: SQLiteConnection
    private let deferWrites: Bool
    /// Ids from which addresses and contexts are not written yet (deferred writes only).
    private var firstPendingAddress: Int
    private var pendingContexts: [(id: Int64, record: FlowRecord)] = []
    private var addressIDs: [IPAddress: Int64] = [:]
    /// Address of each id (index 0, the absent address, is unused): rollups print keys from it.
    private(set) var addresses: [IPAddress] = [.zero]
    private var contextIDs: [ContextKey: Int64] = [:]
    private var nextContextID: Int64 = 1
    private let insertAddress: SQLiteStatement
    private let insertContext: SQLiteStatement
    /// The text slots of the record's present fields, for the last presence mask seen.
    private var textSlotsMask: UInt64 = .max
    private var presentTextSlots: [(slot: Int, field: FlowField)] = []
    /// The presence bits of the rare text fields (held, not static: a static is checked on use).
    private let rareTextMask = FlowField.rareTextFields.reduce(UInt64(0)) { $0 | $1.bit }
    /// The last context met: consecutive records mostly share one (same interface), and comparing
    /// keys costs less than hashing one.
    private var lastContext: (key: ContextKey, id: Int64)?
    /// Rollup keys of each context id: interface symbol id and action (``RollupTable/absent`` when
    /// the context has none).
    private var contextRollupKeys: [(interface: UInt64, action: UInt64)] = [(RollupTable.absent, RollupTable.absent)]
    /// A direct-mapped cache in front of `addressIDs`, indexed by a multiplicative hash of the
    /// address: most flows involve a few busy addresses.
    private var recentAddresses: [(address: IPAddress, id: Int64)] = Array(
        repeating: (IPAddress(high: .max, low: .max), -1), count: 1 << 12)

    /// A record's strings and enums: what one row of `contexts` holds.
    struct ContextKey: Hashable {
        /// Version, action, log status, flow direction, traffic path and encryption status, one
        /// byte each plus a presence byte (see ``StoreLookups/smallFields(_:)``).
        var small: UInt64
        var texts: InlineArray<12, Symbol>
        /// The record's ``FlowRecord/rareTexts`` (one id per combination), 0 when it has none.
        var rare: UInt32 = 0

        static func == (lhs: ContextKey, rhs: ContextKey) -> Bool {
            guard lhs.small == rhs.small, lhs.rare == rhs.rare else { return false }
            var (left, right) = (lhs.texts, rhs.texts)
            return withUnsafeBytes(of: &left) { l in
                withUnsafeBytes(of: &right) { r in memcmp(l.baseAddress!, r.baseAddress!, l.count) == 0 }
            }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(small)
            hasher.combine(rare)
            var copy = texts
            withUnsafeBytes(of: &copy) { hasher.combine(bytes: $0) }
        }
    }

    init(connection: SQLiteConnection, deferWrites: Bool = false) throws(StoreError) {
        self.connection = connection
        self.deferWrites = deferWrites
        firstPendingAddress = 0
        insertAddress = try connection.prepare("INSERT INTO addresses (id, address) VALUES (?, ?)", persistent: true)
        let columns = StoreSchema.contextFields.map { StoreSchema.quoted($0.columnName) }
        insertContext = try connection.prepare(
            "INSERT INTO contexts (id, \(columns.joined(separator: ", "))) VALUES (?"
                + String(repeating: ", ?", count: columns.count) + ")", persistent: true)
        try load()
        firstPendingAddress = addresses.count
    }

    private func load() throws(StoreError) {
        addresses = try Self.readAddresses(connection)
        for (id, address) in addresses.enumerated() where id > 0 { addressIDs[address] = Int64(id) }
        for (id, record) in try Self.readContexts(connection) {
            contextIDs[withUnsafePointer(to: record) { contextKey($0) }] = id
            setRollupKeys(of: record, id: id)
            nextContextID = max(nextContextID, id + 1)
        }
    }

    private func setRollupKeys(of record: FlowRecord, id: Int64) {
        let index = Int(id)
        if index >= contextRollupKeys.count {
            let none: (interface: UInt64, action: UInt64) = (RollupTable.absent, RollupTable.absent)
            contextRollupKeys.append(contentsOf: repeatElement(none, count: index + 1 - contextRollupKeys.count))
        }
        contextRollupKeys[index] = (
            record.has(.interfaceID) ? UInt64(record.interfaceID.id) : RollupTable.absent,
            record.action.map { UInt64($0.rawValue) } ?? RollupTable.absent
        )
    }

    /// The interface and action rollup keys of a context id.
    @inline(__always)
    func rollupKeys(ofContext id: Int64) -> (interface: UInt64, action: UInt64) {
        let index = Int(id)
        return index >= 0 && index < contextRollupKeys.count ? contextRollupKeys[index] : (RollupTable.absent, RollupTable.absent)
    }

    /// The address a row of `addresses` holds; anything else means the store is corrupt.
    static func storedAddress(_ text: String, _ connection: SQLiteConnection) throws(StoreError) -> IPAddress {
        guard let address = IPAddress(text) else {
            throw StoreError(.corrupt, "the addresses table holds '\(text)', not an address", location: connection.path)
        }
        return address
    }

    /// Every stored address, indexed by id (index 0, the absent address, holds `.zero`).
    static func readAddresses(_ connection: SQLiteConnection) throws(StoreError) -> [IPAddress] {
        var addresses: [IPAddress] = [.zero]
        let rows = try connection.prepare("SELECT id, address FROM addresses WHERE id > 0 ORDER BY id")
        while try rows.step() {
            let id = Int(rows.int64(0))
            let address = try storedAddress(rows.text(1), connection)
            if id >= addresses.count { addresses.append(contentsOf: repeatElement(.zero, count: id + 1 - addresses.count)) }
            addresses[id] = address
        }
        return addresses
    }

    /// Every stored context, as a record holding just the context's fields.
    static func readContexts(_ connection: SQLiteConnection) throws(StoreError) -> [Int64: FlowRecord] {
        let fields = StoreSchema.contextFields
        let contexts = try connection.prepare(
            "SELECT id, " + fields.map { StoreSchema.quoted($0.columnName) }.joined(separator: ", ") + " FROM contexts")
        var result: [Int64: FlowRecord] = [:]
        while try contexts.step() {
            var record = FlowRecord()
            for (index, field) in fields.enumerated() where !contexts.isNull(Int32(index + 1)) {
                let column = Int32(index + 1)
                record.present |= field.bit
                switch field {
                case .version: record.version = UInt8(truncatingIfNeeded: contexts.int64(column))
                case .trafficPath: record.trafficPath = UInt8(truncatingIfNeeded: contexts.int64(column))
                case .encryptionStatus: record.encryptionStatus = UInt8(truncatingIfNeeded: contexts.int64(column))
                case .action: record.action = contexts.text(column) == "REJECT" ? .reject : .accept
                case .logStatus:
                    let text = contexts.text(column)
                    record.logStatus = text == "NODATA" ? .noData : text == "SKIPDATA" ? .skipData : .ok
                case .flowDirection: record.flowDirection = contexts.text(column) == "egress" ? .egress : .ingress
                default: record[text: field] = Symbol(contexts.text(column))
                }
            }
            result[contexts.int64(0)] = record
        }
        return result
    }

    // MARK: addresses

    /// The id of a present address, adding it to `addresses` when new.
    @inline(__always)
    func addressID(_ address: IPAddress) throws(StoreError) -> Int64 {
        let slot = Int(truncatingIfNeeded: ((address.low ^ address.high &* 0x9E37_79B9_7F4A_7C15) &* 0xD6E8_FEB8_6659_FD93) >> 52)
        let recent = recentAddresses[slot]
        if recent.id >= 0 && recent.address == address { return recent.id }
        let id = try lookUpAddress(address)
        recentAddresses[slot] = (address, id)
        return id
    }

    private func lookUpAddress(_ address: IPAddress) throws(StoreError) -> Int64 {
        if let id = addressIDs[address] { return id }
        let id = Int64(addresses.count)
        if !deferWrites { try write(address, id: id) }
        addresses.append(address)
        addressIDs[address] = id
        return id
    }

    // MARK: contexts

    /// The id of the record's context, adding it to `contexts` when new.
    ///
    /// Takes the record by pointer: passed by value, all 208 bytes of it were copied for every
    /// row ingested.
    @inline(__always)
    func contextID(_ record: UnsafePointer<FlowRecord>) throws(StoreError) -> Int64 {
        let key = contextKey(record)
        if let last = lastContext, last.key == key { return last.id }
        if let id = contextIDs[key] {
            lastContext = (key, id)
            return id
        }
        let id = nextContextID
        if deferWrites { pendingContexts.append((id, record.pointee)) } else { try write(record.pointee, id: id) }
        nextContextID += 1
        contextIDs[key] = id
        setRollupKeys(of: record.pointee, id: id)
        lastContext = (key, id)
        return id
    }

    private func write(_ address: IPAddress, id: Int64) throws(StoreError) {
        insertAddress.reset()
        insertAddress.bind(1, id)
        insertAddress.bind(2, address.description)
        try insertAddress.step()
    }

    // MARK: deferred writes

    /// The entries held at one moment: ``rollBack(to:)`` goes back to it.
    struct Mark {
        var addresses: Int
        var contexts: Int
    }

    func mark() -> Mark { Mark(addresses: addresses.count, contexts: pendingContexts.count) }

    /// Forgets the addresses and contexts added since `mark` (deferred writes only).
    func rollBack(to mark: Mark) {
        precondition(deferWrites && mark.addresses >= firstPendingAddress)
        for address in addresses[mark.addresses...] { addressIDs[address] = nil }
        addresses.removeLast(addresses.count - mark.addresses)
        for (id, record) in pendingContexts[mark.contexts...] {
            contextIDs[withUnsafePointer(to: record) { contextKey($0) }] = nil
            nextContextID = min(nextContextID, id)
        }
        pendingContexts.removeLast(pendingContexts.count - mark.contexts)
        contextRollupKeys.removeLast(max(0, contextRollupKeys.count - Int(nextContextID)))
        lastContext = nil
        for slot in recentAddresses.indices where recentAddresses[slot].id >= Int64(mark.addresses) {
            recentAddresses[slot].id = -1
        }
    }

    /// Writes the addresses and contexts added since the lookups were loaded (deferred writes
    /// only), in id order; call inside a transaction.
    func writePending() throws(StoreError) {
        precondition(deferWrites)
        for id in firstPendingAddress..<addresses.count { try write(addresses[id], id: Int64(id)) }
        firstPendingAddress = addresses.count
        for (id, record) in pendingContexts { try write(record, id: id) }
        pendingContexts.removeAll()
    }

    private func write(_ record: FlowRecord, id: Int64) throws(StoreError) {
        let statement = insertContext
        statement.reset()
        statement.clearBindings()
        statement.bind(1, id)
        for (index, field) in StoreSchema.contextFields.enumerated() where record.has(field) {
            let position = Int32(index + 2)
            switch field {
            case .version: statement.bind(position, Int64(record.version))
            case .trafficPath: statement.bind(position, Int64(record.trafficPath))
            case .encryptionStatus: statement.bind(position, Int64(record.encryptionStatus))
            case .action: statement.bind(position, (record.action ?? .accept).name)
            case .logStatus: statement.bind(position, (record.logStatus ?? .ok).name)
            case .flowDirection: statement.bind(position, (record.flowDirection ?? .ingress).name)
            default: statement.bind(position, record[text: field].string)
            }
        }
        try statement.step()
    }

    /// Only present fields count: a record carries stale values in the slots of absent fields.
    @inline(__always)
    private func contextKey(_ record: UnsafePointer<FlowRecord>) -> ContextKey {
        let present = record.pointee.present
        if present != textSlotsMask {
            textSlotsMask = present
            presentTextSlots = FlowField.inlineTextFields.filter { present & $0.bit != 0 }.map { ($0.textSlot, $0) }
        }
        var key = ContextKey(small: Self.smallFields(record), texts: InlineArray(repeating: .empty))
        for (slot, _) in presentTextSlots { key.texts[slot] = record.pointee.texts[slot] }
        if present & rareTextMask != 0 { key.rare = record.pointee.rareTexts }
        return key
    }

    @inline(__always)
    static func smallFields(_ pointer: UnsafePointer<FlowRecord>) -> UInt64 {
        let present = pointer.pointee.present
        @inline(__always) func has(_ field: FlowField) -> Bool { present & field.bit != 0 }
        var value: UInt64 = 0
        var presence: UInt64 = 0
        if has(.version) {
            value |= UInt64(pointer.pointee.version) << 8
            presence |= 1
        }
        if has(.action), let action = pointer.pointee.action {
            value |= UInt64(action.rawValue) << 16
            presence |= 2
        }
        if has(.logStatus), let status = pointer.pointee.logStatus {
            value |= UInt64(status.rawValue) << 24
            presence |= 4
        }
        if has(.flowDirection), let direction = pointer.pointee.flowDirection {
            value |= UInt64(direction.rawValue) << 32
            presence |= 8
        }
        if has(.trafficPath) {
            value |= UInt64(pointer.pointee.trafficPath) << 40
            presence |= 16
        }
        if has(.encryptionStatus) {
            value |= UInt64(pointer.pointee.encryptionStatus) << 48
            presence |= 32
        }
        return value | presence
    }
}
