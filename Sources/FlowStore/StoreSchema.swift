import FlowCore

/// The store's schema: DESIGN.md's SQL contract plus the tables FlowLens keeps for itself.
///
/// - `flows`: every field, named as AWS names it with `-` turned into `_`; `-` is NULL; `start`
///   and `end` are Unix seconds; addresses are text. `source_id` names the file it came from.
/// - `vpc_flow_logs`: a view with the column names of AWS's Athena tutorial.
/// - `flows_hourly`: per hour, per dimension (`srcaddr`, `dstaddr`, `dstport`, `protocol`,
///   `interface_id`, `action`), flows, packets and bytes, for statistics without a full scan.
/// - `sources`: every ingested file by name and content hash; ingest skips a known hash.
/// - `alerts`: alerts raised by `scan --db`.
public enum StoreSchema {
    /// Written to `PRAGMA application_id` ("FLWL") so another application's database is refused.
    public static let applicationID: Int32 = 0x464C_574C
    public static let version: Int32 = 1

    /// The dimensions kept in `flows_hourly`.
    public static let rollupDimensions = ["srcaddr", "dstaddr", "dstport", "protocol", "interface_id", "action"]

    /// SQL type of a field's column.
    static func sqlType(_ field: FlowField) -> String {
        switch field.kind {
        case .number, .time: "INTEGER"
        default: "TEXT"
        }
    }

    static func quoted(_ name: String) -> String { "\"\(name)\"" }

    /// The indexes of `flows`: a time range, one address, one interface.
    static let flowIndexes: [(name: String, columns: String)] = [
        ("flows_by_start", "start"), ("flows_by_srcaddr", "srcaddr, start"), ("flows_by_dstaddr", "dstaddr, start"),
        ("flows_by_interface", "interface_id, start"),
    ]

    static var createIndexStatements: [String] {
        flowIndexes.map { "CREATE INDEX IF NOT EXISTS \($0.name) ON flows (\($0.columns))" }
    }

    static var createStatements: [String] {
        let columns = FlowField.allCases.map { "    \(quoted($0.columnName)) \(sqlType($0))" }
        return [
            """
            CREATE TABLE sources (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                size INTEGER NOT NULL,
                records INTEGER NOT NULL,
                first_start INTEGER,
                last_end INTEGER,
                ingested_at INTEGER NOT NULL
            )
            """,
            "CREATE TABLE flows (\n    source_id INTEGER NOT NULL,\n" + columns.joined(separator: ",\n") + "\n)",
            """
            CREATE VIEW vpc_flow_logs AS SELECT
                version, account_id AS account, interface_id AS interfaceid, srcaddr AS sourceaddress,
                dstaddr AS destinationaddress, srcport AS sourceport, dstport AS destinationport, protocol,
                packets AS numpackets, bytes AS numbytes, start AS starttime, "end" AS endtime, action,
                log_status AS logstatus
            FROM flows
            """,
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
        ] + createIndexStatements + [
            "PRAGMA application_id = \(applicationID)",
            "PRAGMA user_version = \(version)",
        ]
    }
}
