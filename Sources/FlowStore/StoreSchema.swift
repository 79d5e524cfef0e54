import FlowCore

/// The store's schema: DESIGN.md's SQL contract on top of compact tables FlowLens writes.
///
/// What users query (views, so the contract holds whatever the storage):
/// - `flows`: every field, named as AWS names it with `-` turned into `_`; `-` is NULL; `start`
///   and `end` are Unix seconds; addresses are text. `source_id` names the file it came from.
/// - `vpc_flow_logs`: the column names of AWS's Athena tutorial.
///
/// What is stored (a row of text costs about 3x its integers, and a NULL column still costs a
/// byte in every row, so repeated values live once in lookup tables):
/// - `flow_rows`: one row per record with the v2 numbers, `src`/`dst` as ids into `addresses`,
///   `context` as an id into `contexts`, and `end` kept as `duration` after `start` (one byte
///   instead of four). Its rowids are given out in ingest order, so a source is a rowid range
///   (`sources.first_row`/`last_row`) and rows need no source column.
/// - `flow_extras`: `tcp_flags`, `pkt_src`/`pkt_dst` and the TGW packet-loss counters, keyed by
///   the row's rowid, only for records that have one of them (v2 rows would pay a header byte
///   per NULL column).
/// - `addresses`: each distinct address once, as text (unique, so `srcaddr = '…'` finds one id
///   and then the rows by index); id 0 is the absent address (NULL), so that the views' inner
///   joins keep rows without an address.
/// - `contexts`: each distinct combination of the record's strings and enums (account,
///   interface, VPC, subnet, instance, version, action, log status, ...), which repeat per
///   interface.
/// - `flows_hourly`: per hour, per dimension (`srcaddr`, `dstaddr`, `dstport`, `protocol`,
///   `interface_id`, `action`), flows, packets and bytes, for statistics without a full scan.
/// - `sources`: every ingested file by name and content hash; ingest skips a known hash.
/// - `alerts`: alerts raised by `scan --db`.
public enum StoreSchema {
    /// Written to `PRAGMA application_id` ("FLWL") so another application's database is refused.
    public static let applicationID: Int32 = 0x464C_574C
    /// Schema 2: compact rows with lookup tables (schema 1 stored every field as a column).
    public static let version: Int32 = 2

    /// The dimensions kept in `flows_hourly`.
    public static let rollupDimensions = ["srcaddr", "dstaddr", "dstport", "protocol", "interface_id", "action"]

    /// Fields stored in `contexts`: every interned string plus the low-cardinality enums.
    static let contextFields: [FlowField] =
        [.version, .action, .logStatus, .flowDirection, .trafficPath, .encryptionStatus] + FlowField.textFields

    /// Numeric fields stored directly in `flow_rows`, under their column names.
    static let rowNumberFields: [FlowField] = [.srcport, .dstport, .proto, .packets, .bytes, .start]

    /// Numeric fields stored in `flow_extras`, under their column names.
    static let extraNumberFields: [FlowField] = [
        .tcpFlags, .packetsLostNoRoute, .packetsLostBlackhole, .packetsLostMTUExceeded, .packetsLostTTLExpired,
    ]

    /// Presence bits of the fields that make a record need a `flow_extras` row.
    static let extraFieldsMask: UInt64 = ([.pktSrcaddr, .pktDstaddr] + extraNumberFields).reduce(0) { $0 | $1.bit }

    static func quoted(_ name: String) -> String { "\"\(name)\"" }

    /// The indexes of `flow_rows`: one address, one interface (through `contexts`), and a time
    /// range. A time range needs no index of its own: `contexts` holds few rows, so the planner
    /// skip-scans `(context, start)`, one seek per context, which saves an index of every row.
    static let flowIndexes: [(name: String, columns: String)] = [
        ("flow_rows_by_src", "src, start"), ("flow_rows_by_dst", "dst, start"), ("flow_rows_by_context", "context, start"),
    ]

    static var createIndexStatements: [String] {
        flowIndexes.map { "CREATE INDEX IF NOT EXISTS \($0.name) ON flow_rows (\($0.columns))" }
    }

    /// The SQL expression of a field in the `flows` view (`r` rows, `x` extras, `c` context,
    /// `s`/`d`/`ps`/`pd` addresses).
    static func viewExpression(_ field: FlowField) -> String {
        switch field {
        case .srcaddr: "s.address"
        case .dstaddr: "d.address"
        case .pktSrcaddr: "ps.address"
        case .pktDstaddr: "pd.address"
        case _ where extraNumberFields.contains(field): "x.\(quoted(field.columnName))"
        // `duration` holds the whole `end` when `start` is absent.
        case .end: "coalesce(r.start, 0) + r.duration"
        default: (contextFields.contains(field) ? "c." : "r.") + quoted(field.columnName)
        }
    }

    /// Joins behind both views. Unused left joins cost nothing (SQLite drops them); the two
    /// inner joins always match because id 0 stands for an absent address.
    static let joins = """
        FROM flow_rows r
            JOIN addresses s ON s.id = r.src
            JOIN addresses d ON d.id = r.dst
            LEFT JOIN contexts c ON c.id = r.context
            LEFT JOIN flow_extras x ON x.row = r.rowid
            LEFT JOIN addresses ps ON ps.id = x.pkt_src
            LEFT JOIN addresses pd ON pd.id = x.pkt_dst
        """

    /// The source of a row: the last source whose rowid range starts at or before it.
    static let sourceOfRow = "(SELECT id FROM sources WHERE first_row <= r.rowid ORDER BY first_row DESC LIMIT 1)"

    static var createStatements: [String] {
        let contextColumns = contextFields.map { field -> String in
            let isNumber: Bool
            switch field.kind {
            case .number: isNumber = true
            default: isNumber = false
            }
            return "    \(quoted(field.columnName)) \(isNumber ? "INTEGER" : "TEXT")"
        }
        let flowsColumns: [String] =
            ["\(sourceOfRow) AS source_id"] + FlowField.allCases.map { "\(viewExpression($0)) AS \(quoted($0.columnName))" }
        let flowRows: String =
            """
            CREATE TABLE flow_rows (
                context INTEGER NOT NULL,
                src INTEGER NOT NULL,
                dst INTEGER NOT NULL,
            """ + "\n" + rowNumberFields.map { "    \(quoted($0.columnName)) INTEGER" }.joined(separator: ",\n")
            + ",\n    duration INTEGER\n)"
        let flowExtras: String =
            "CREATE TABLE flow_extras (\n    row INTEGER PRIMARY KEY,\n    pkt_src INTEGER,\n    pkt_dst INTEGER,\n"
            + extraNumberFields.map { "    \(quoted($0.columnName)) INTEGER" }.joined(separator: ",\n") + "\n)"
        let flowsView: String = "CREATE VIEW flows AS SELECT\n    " + flowsColumns.joined(separator: ",\n    ") + "\n" + joins
        let contexts: String =
            "CREATE TABLE contexts (\n    id INTEGER PRIMARY KEY,\n" + contextColumns.joined(separator: ",\n") + "\n)"
        let athenaView: String =
            """
            CREATE VIEW vpc_flow_logs AS SELECT
                c.version AS version, c.account_id AS account, c.interface_id AS interfaceid,
                s.address AS sourceaddress, d.address AS destinationaddress, r.srcport AS sourceport,
                r.dstport AS destinationport, r.protocol AS protocol, r.packets AS numpackets,
                r.bytes AS numbytes, r.start AS starttime, coalesce(r.start, 0) + r.duration AS endtime,
                c.action AS action, c.log_status AS logstatus
            """ + "\n" + joins
        var statements: [String] = [
            """
            CREATE TABLE sources (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                size INTEGER NOT NULL,
                records INTEGER NOT NULL,
                first_start INTEGER,
                last_end INTEGER,
                ingested_at INTEGER NOT NULL,
                first_row INTEGER NOT NULL,
                last_row INTEGER NOT NULL
            )
            """,
            "CREATE INDEX sources_by_row ON sources (first_row)",
            "CREATE TABLE addresses (id INTEGER PRIMARY KEY, address TEXT UNIQUE)",
            "INSERT INTO addresses (id, address) VALUES (0, NULL)",
            contexts, flowRows, flowExtras, flowsView, athenaView,
            """
            CREATE TABLE flows_hourly (
                hour INTEGER NOT NULL,
                dimension TEXT NOT NULL,
                key TEXT NOT NULL,
                flows INTEGER NOT NULL,
                packets INTEGER NOT NULL,
                bytes INTEGER NOT NULL,
                PRIMARY KEY (dimension, hour, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                rule TEXT NOT NULL,
                title TEXT NOT NULL,
                severity TEXT NOT NULL,
                first_seen INTEGER NOT NULL,
                last_seen INTEGER NOT NULL,
                src TEXT,
                dst TEXT,
                dst_port INTEGER,
                count INTEGER NOT NULL,
                bytes INTEGER NOT NULL,
                packets INTEGER NOT NULL,
                dedup_key TEXT NOT NULL,
                json TEXT NOT NULL,
                recorded_at INTEGER NOT NULL,
                UNIQUE (dedup_key, first_seen)
            )
            """,
            "CREATE INDEX alerts_by_time ON alerts (first_seen)",
        ]
        statements += createIndexStatements
        statements += ["PRAGMA application_id = \(applicationID)", "PRAGMA user_version = \(version)"]
        return statements
    }
}
