import CSQLite
import FlowCore

extension FlowRowWriter {
    /// Adds the group's rollups into `flows_hourly` and `flows_totals` (call inside the
    /// transaction, before COMMIT), in the order of their primary keys.
    ///
    /// In key order, an insert past the last key takes SQLite's append path and the others touch
    /// each page once; in the order of key ids instead of texts, each upsert searched the tree
    /// from its root (about twice the time). Keys are ordered by integers that rank their texts
    /// (``KeyOrder``): sorting the entries by comparing their texts took longer than upserting them.
    func flushRollups() throws(StoreError) {
        try Self.writeRollups(rollups.take(), lookups: lookups, connection: connection)
    }

    /// Adds a group of rollups into `flows_hourly` and `flows_totals` (see ``flushRollups()``).
    static func writeRollups(_ group: RollupTable, lookups: StoreLookups, connection: SQLiteConnection) throws(StoreError) {
        guard !group.isEmpty else { return }
        var entries = RollupEntries(group, lookups: lookups)
        try upsertRollups(&entries, connection: connection)
    }

    /// Adds rollup rows already in key order into `flows_hourly` and `flows_totals`.
    static func upsertRollups(_ entries: inout RollupEntries, connection: SQLiteConnection) throws(StoreError) {
        let upsertHourly = try MultiRowInsert(
            connection, insert: "INSERT INTO flows_hourly (hour, dimension, key, flows, packets, bytes)", columns: 6,
            suffix: """
                ON CONFLICT (dimension, hour, key) DO UPDATE SET flows = flows + excluded.flows,
                    packets = packets + excluded.packets, bytes = bytes + excluded.bytes
                """)
        try upsertHourly.run(entries.hourly) { entry, statement, first in
            sqlite3_bind_int64(statement, first, entry.key.hour)
            MultiRowInsert.bind(StoreSchema.rollupDimensions[Int(entry.key.dimension)], to: statement, at: first + 1)
            MultiRowInsert.bind(entries.texts.text(entry.key), to: statement, at: first + 2)
            sqlite3_bind_int64(statement, first + 3, entry.counts.flows)
            sqlite3_bind_int64(statement, first + 4, entry.counts.packets)
            sqlite3_bind_int64(statement, first + 5, entry.counts.bytes)
        }
        let upsertTotal = try MultiRowInsert(
            connection, insert: "INSERT INTO flows_totals (dimension, key, flows, packets, bytes)", columns: 5,
            suffix: """
                ON CONFLICT (dimension, key) DO UPDATE SET flows = flows + excluded.flows,
                    packets = packets + excluded.packets, bytes = bytes + excluded.bytes
                """)
        try upsertTotal.run(entries.totals) { entry, statement, first in
            MultiRowInsert.bind(StoreSchema.totalDimensions[Int(entry.key.dimension)], to: statement, at: first)
            MultiRowInsert.bind(entries.texts.text(entry.key), to: statement, at: first + 1)
            sqlite3_bind_int64(statement, first + 2, entry.counts.flows)
            sqlite3_bind_int64(statement, first + 3, entry.counts.packets)
            sqlite3_bind_int64(statement, first + 4, entry.counts.bytes)
        }
    }
}

/// A group of rollups as the rows of `flows_hourly` and `flows_totals`, each table's in the
/// order of its primary key, and the texts of their keys.
struct RollupEntries {
    typealias Entry = (key: RollupTable.Key, counts: RollupTable.Counts)
    /// By (dimension, hour, key text).
    private(set) var hourly: [Entry] = []
    /// By (dimension, key text), with the `address` dimension.
    private(set) var totals: [Entry] = []
    var texts: KeyTexts

    init(_ group: RollupTable, lookups: StoreLookups) {
        texts = KeyTexts(lookups: lookups)
        var totalTable = RollupTable(capacity: max(1 << 16, group.packedCount / 4))
        let addressDimension = UInt8(StoreSchema.totalDimensions.count - 1)
        var hourlyKeys: [Entry] = []
        hourlyKeys.reserveCapacity(group.packedCount)
        group.forEach { key, counts in
            // Every row of a key taken away again (its source rolled back): nothing to add.
            guard counts.flows != 0 else { return }
            hourlyKeys.append((key, counts))
            totalTable.add(key.dimension, hour: 0, value: key.value, counts)
            if key.dimension <= 1 { totalTable.add(addressDimension, hour: 0, value: key.value, counts) }
        }
        let order = KeyOrder(hourlyKeys.lazy.map(\.key), texts: &texts)
        hourly = hourlyKeys.map { (order: order.hourly($0.key), entry: $0) }.sorted { $0.order < $1.order }.map(\.entry)
        var total: [(order: UInt64, entry: Entry)] = []
        total.reserveCapacity(totalTable.packedCount)
        totalTable.forEach { key, counts in
            guard counts.flows != 0 else { return }
            total.append((order.total(key), (key, counts)))
        }
        total.sort { $0.order < $1.order }
        totals = total.map(\.entry)
    }
}

/// The order of rollup keys as `flows_hourly` (dimension, hour, key) and `flows_totals`
/// (dimension, key) sort them, as one integer per key: the dimension's rank by name, the hour,
/// and the rank of the key's text among the texts of its kind (addresses, ports, ...).
private struct KeyOrder {
    /// Rank of each value's text, per kind of key (see ``kind(_:)``).
    private var ranks: [[UInt64: UInt64]] = Array(repeating: [:], count: StoreSchema.totalDimensions.count)

    init(_ keys: some Sequence<RollupTable.Key>, texts: inout KeyTexts) {
        var values: [Set<UInt64>] = Array(repeating: [], count: ranks.count)
        var sample: [RollupTable.Key?] = Array(repeating: nil, count: ranks.count)
        for key in keys {
            let kind = Self.kind(key.dimension)
            values[kind].insert(key.value)
            if sample[kind] == nil { sample[kind] = key }
        }
        for kind in values.indices {
            guard var key = sample[kind] else { continue }
            let sorted = values[kind].map { value -> (value: UInt64, text: String) in
                key.value = value
                return (value, texts.text(key))
            }.sorted { $0.text < $1.text }
            for (rank, entry) in sorted.enumerated() { ranks[kind][entry.value] = UInt64(rank) }
        }
    }

    /// Source, destination and either address share their texts.
    private static func kind(_ dimension: UInt8) -> Int { dimension == 1 || dimension == 6 ? 0 : Int(dimension) }

    private func rank(_ key: RollupTable.Key) -> UInt64 { min(ranks[Self.kind(key.dimension)][key.value] ?? 0, (1 << 36) - 1) }

    func hourly(_ key: RollupTable.Key) -> UInt64 {
        let hour = UInt64(clamping: max(0, key.hour / 3600)) & ((1 << 24) - 1)
        return Self.dimensionRanks[Int(key.dimension)] << 60 | hour << 36 | rank(key)
    }

    func total(_ key: RollupTable.Key) -> UInt64 { Self.dimensionRanks[Int(key.dimension)] << 60 | rank(key) }

    /// Each dimension's place among ``StoreSchema/totalDimensions`` sorted by name.
    private static let dimensionRanks: [UInt64] = {
        let sorted = StoreSchema.totalDimensions.sorted()
        return StoreSchema.totalDimensions.map { UInt64(sorted.firstIndex(of: $0)!) }
    }()
}

/// The text of rollup keys, as `flows_hourly` and `flows_totals` hold them (addresses and
/// interface names looked up once each).
struct KeyTexts {
    let lookups: StoreLookups
    var interfaceNames: [UInt64: String] = [:]
    var addressTexts: [UInt64: String] = [:]

    init(lookups: StoreLookups) { self.lookups = lookups }

    mutating func text(_ key: RollupTable.Key) -> String {
        if key.value == RollupTable.absent { return "-" }
        // Dimensions by their index in ``StoreSchema/totalDimensions``.
        switch key.dimension {
        case 0, 1, 6:
            if let known = addressTexts[key.value] { return known }
            let text = lookups.addresses[Int(key.value)].description
            addressTexts[key.value] = text
            return text
        case 4:
            if let name = interfaceNames[key.value] { return name }
            let name = Symbol(id: UInt32(key.value)).string
            interfaceNames[key.value] = name
            return name
        case 5: return key.value == UInt64(FlowAction.reject.rawValue) ? "REJECT" : "ACCEPT"
        default: return String(key.value)
        }
    }
}
