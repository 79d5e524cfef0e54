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
/// - Indexes (see ``flowIndexes``) cover the address columns and `bytes`, so that a GROUP BY on an
///   address walks `addresses` in text order and each address's index range, without sorting rows.
/// - `flows_hourly`: per hour, per dimension (`srcaddr`, `dstaddr`, `dstport`, `protocol`,
///   `interface_id`, `action`), flows, packets and bytes, for statistics without a full scan.
/// - `flows_totals`: the same sums over all hours, per dimension and key, plus dimension
///   `address` (a record counted for its source and for its destination, as the Athena tutorial's
///   top-10 query counts it): a top-N reads one row per key instead of one per hour and key.
/// - `sources`: every ingested file by name and content hash; ingest skips a known hash.
/// - `alerts`: alerts raised by `scan --db`.
public enum StoreSchema {
    /// Written to `PRAGMA application_id` ("FLWL") so another application's database is refused.
    public static let applicationID: Int32 = 0x464C_574C
    /// Schema 5: schema 4 with the address indexes ordered by the other address before `start`.
    /// Schema 4 added `flows_totals` to schema 3; schema 3 had schema 2's tables with covering
    /// indexes and views whose joins SQLite can reorder. Schemas 2 to 4 are upgraded in place;
    /// schema 1 stored every field as a column.
    public static let version: Int32 = 5

    /// The dimensions kept in `flows_hourly`.
    public static let rollupDimensions = ["srcaddr", "dstaddr", "dstport", "protocol", "interface_id", "action"]

    /// The dimensions kept in `flows_totals`: the hourly ones, then `address`.
    public static let totalDimensions = rollupDimensions + ["address"]

    static let createTotals = """
        CREATE TABLE flows_totals (
            dimension TEXT NOT NULL,
            key TEXT NOT NULL,
            flows INTEGER NOT NULL,
            packets INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            PRIMARY KEY (dimension, key)
        ) WITHOUT ROWID
        """

    /// Sums of the hourly rollups per dimension and key, `address` included, with `sign` 1 or -1:
    /// fills `flows_totals` on an upgrade, and takes pruned hours away (`filter` chooses the hours).
    static func totalsFromHourly(where filter: String = "true", sign: Int = 1) -> String {
        let sums = "\(sign) * sum(flows), \(sign) * sum(packets), \(sign) * sum(bytes)"
        return """
            INSERT INTO flows_totals (dimension, key, flows, packets, bytes)
            SELECT dimension, key, \(sums) FROM flows_hourly WHERE \(filter) GROUP BY dimension, key
            UNION ALL
            SELECT 'address', key, \(sums) FROM flows_hourly
            WHERE dimension IN ('srcaddr', 'dstaddr') AND \(filter) GROUP BY key
            ORDER BY 1, 2
            ON CONFLICT (dimension, key) DO UPDATE SET flows = flows + excluded.flows,
                packets = packets + excluded.packets, bytes = bytes + excluded.bytes
            """
    }

    /// What a reader of a schema 2 or 3 store sees as `flows_totals` (a writer upgrades it).
    static let totalsView = """
        CREATE TEMP VIEW flows_totals AS
        SELECT dimension, key, sum(flows) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
        FROM flows_hourly GROUP BY dimension, key
        UNION ALL
        SELECT 'address', key, sum(flows), sum(packets), sum(bytes) FROM flows_hourly
        WHERE dimension IN ('srcaddr', 'dstaddr') GROUP BY key
        """

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

    /// The indexes of `flow_rows`.
    ///
    /// - One address (`src`/`dst`), then the other address, `start` and `bytes`, so that "bytes per
    ///   address" reads the index alone: SQLite walks `addresses` in text order and sums each
    ///   address's index range, with no sort of the rows (Athena tutorial query 2). The views join
    ///   both addresses and SQLite 3.40 looks the other one up for every row even when the query
    ///   does not use it; ordered by the other address, consecutive rows look up the same one,
    ///   which SQLite answers without searching the table (query 2 took 30% less CPU than with
    ///   `start` second). A time range of one address reads all of that address's entries (36 on
    ///   average in the 10 M record benchmark) and keeps those in the range.
    /// - One interface (through `contexts`) and a time range: `contexts` holds few rows, so the
    ///   planner skip-scans `(context, start)` for a time range alone, which saves an index of
    ///   every row.
    /// - SSH and RDP flows by time, partial: only the rows that match the filter of Athena tutorial
    ///   query 1 and the `ssh-rdp` named query (about 1% of rows). SQLite uses a partial index only
    ///   for a WHERE clause that implies its own, so it serves exactly that filter.
    ///
    /// A bulk load into a store without flows writes these trees itself (``FlowBulkLoad``); the
    /// layouts below were measured with SQLite writing them.
    ///
    /// Layouts measured against this one on the 10 M record benchmark (SQLite 3.40.1, building
    /// each structure from the stored rows): every B-tree of 10 M entries costs SQLite at least
    /// 5 s here, whichever way it is written (rows appended without a rowid 5.5 s; the narrowest
    /// index, `(src)`, 5.6 s; each covering address index 10-11.5 s; `(context, start)` 5.7-7.9 s).
    /// - The table clustered by source (WITHOUT ROWID, or rowids `src << 32 | n` inserted sorted)
    ///   saves the source index, but the sorted inserts themselves took 11.3 s and 7.6-8.1 s; the
    ///   rowid variant also needs `likelihood()` hints in the views that hold for one ratio of
    ///   rows per address only, and query 2 then read whole rows: 7.7-10 s instead of 4.7-5 s.
    /// - `(src)` and `(dst)` alone build in half the time, but query 2 then reads every row from
    ///   the table: 20.4 s. Leaving `start` out of the covering indexes saves 3% of their build.
    /// - Rows inserted presorted with the source index kept up to date cost 5.4 s more than
    ///   without it (against 10.6 s for CREATE INDEX), but must wait in memory for the end of
    ///   the load instead of going in while it decodes.
    /// - Keeping `(context, start)` up to date during a bulk load instead of building it: no gain.
    /// - Rows of each batch inserted in (src, dst) order instead of line order: the three index
    ///   builds took 41.6-43.5 CPU seconds against 39.1-39.2, no gain either.
    /// - `start` before the other address (`(src, start, dst, bytes)`): query 2 7.4-8.3 s against
    ///   5.7-6.1 s; the busiest address's hour 0.23-0.28 s against 0.45-0.49 s, still over 50 ms
    ///   because each of its 42,760 rows is read from the table.
    static let flowIndexes: [(name: String, columns: String, partial: String?)] = [
        ("flow_rows_by_src", "src, dst, start, bytes", nil),
        ("flow_rows_by_dst", "dst, src, start, bytes", nil),
        ("flow_rows_by_context", "context, start", nil),
        ("flow_rows_ssh_rdp", "start", "srcport IN (22, 3389) OR dstport IN (22, 3389)"),
    ]

    static var createIndexStatements: [String] {
        flowIndexes.map {
            "CREATE INDEX IF NOT EXISTS \($0.name) ON flow_rows (\($0.columns))" + ($0.partial.map { " WHERE \($0)" } ?? "")
        }
    }

    static var dropIndexStatements: [String] { flowIndexes.map { "DROP INDEX IF EXISTS \($0.name)" } }

    /// What a bulk ingest drops and builds again at its end: the indexes of every row. The
    /// partial index stays: it holds about 1% of rows, and keeping it up to date row by row cost
    /// less than the extra scan of the table that building it takes (0.9 s against 1 s on 10 M rows).
    static var dropBulkIndexStatements: [String] {
        flowIndexes.filter { $0.partial == nil }.map { "DROP INDEX IF EXISTS \($0.name)" }
    }

    /// The SQL expression of a field in the `flows` view (`r` rows, `x` extras, `c` context,
    /// `s`/`d`/`ps`/`pd` addresses).
    static func viewExpression(_ field: FlowField) -> String {
        switch field {
        case .srcaddr: "s.address"
        case .dstaddr: "d.address"
        case .pktSrcaddr: "(SELECT address FROM addresses WHERE id = x.pkt_src)"
        case .pktDstaddr: "(SELECT address FROM addresses WHERE id = x.pkt_dst)"
        case _ where extraNumberFields.contains(field): "x.\(quoted(field.columnName))"
        // `duration` holds the whole `end` when `start` is absent.
        case .end: "coalesce(r.start, 0) + r.duration"
        default: (contextFields.contains(field) ? "c." : "r.") + quoted(field.columnName)
        }
    }

    /// Joins behind `flows`. The address joins are inner joins (they always match: id 0 stands for
    /// an absent address), so the planner may start from `addresses` in text order. A LEFT JOIN
    /// that a query does not use costs nothing in a plain SELECT, but SQLite 3.40 still looks it up
    /// for every row of a GROUP BY; packet addresses are therefore subqueries of `flow_extras`.
    static let joins = """
        FROM flow_rows r
            JOIN addresses s ON s.id = r.src
            JOIN addresses d ON d.id = r.dst
            LEFT JOIN contexts c ON c.id = r.context
            LEFT JOIN flow_extras x ON x.row = r.rowid
        """

    /// A context column of the row as a subquery (`vpc_flow_logs`): evaluated only where a query
    /// uses the column, so a GROUP BY over addresses and numbers reads the covering index alone.
    static func contextColumn(_ column: String) -> String { "(SELECT \(column) FROM contexts WHERE id = r.context)" }

    /// Upgrades a store of schema 2, 3 or 4 to this schema: schema 2 had other views, schema 3 no
    /// `flows_totals`, and all three other address indexes (same names).
    static func upgradeStatements(from old: Int64) -> [String] {
        var statements = dropIndexStatements
        if old == 2 {
            statements += ["DROP VIEW IF EXISTS flows", "DROP VIEW IF EXISTS vpc_flow_logs", flowsView, athenaView]
        }
        if old <= 3 { statements += ["DROP TABLE IF EXISTS flows_totals", createTotals, totalsFromHourly()] }
        return statements + createIndexStatements + ["PRAGMA user_version = \(version)"]
    }

    /// The source of a row: the last source whose rowid range starts at or before it.
    static let sourceOfRow = "(SELECT id FROM sources WHERE first_row <= r.rowid ORDER BY first_row DESC LIMIT 1)"

    static var flowsView: String {
        let columns: [String] =
            ["\(sourceOfRow) AS source_id"] + FlowField.allCases.map { "\(viewExpression($0)) AS \(quoted($0.columnName))" }
        return "CREATE VIEW flows AS SELECT\n    " + columns.joined(separator: ",\n    ") + "\n" + joins
    }

    /// The Athena tutorial's view. Only the address joins are joins (see ``joins``); context
    /// columns are subqueries, so `GROUP BY sourceaddress` needs neither `contexts` nor a sort.
    static var athenaView: String {
        """
        CREATE VIEW vpc_flow_logs AS SELECT
            \(contextColumn("version")) AS version, \(contextColumn("account_id")) AS account,
            \(contextColumn("interface_id")) AS interfaceid,
            s.address AS sourceaddress, d.address AS destinationaddress, r.srcport AS sourceport,
            r.dstport AS destinationport, r.protocol AS protocol, r.packets AS numpackets,
            r.bytes AS numbytes, r.start AS starttime, coalesce(r.start, 0) + r.duration AS endtime,
            \(contextColumn("action")) AS action, \(contextColumn("log_status")) AS logstatus
        FROM flow_rows r
            JOIN addresses s ON s.id = r.src
            JOIN addresses d ON d.id = r.dst
        """
    }

    static var createStatements: [String] {
        let contextColumns = contextFields.map { field -> String in
            let isNumber: Bool
            switch field.kind {
            case .number: isNumber = true
            default: isNumber = false
            }
            return "    \(quoted(field.columnName)) \(isNumber ? "INTEGER" : "TEXT")"
        }
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
        let contexts: String =
            "CREATE TABLE contexts (\n    id INTEGER PRIMARY KEY,\n" + contextColumns.joined(separator: ",\n") + "\n)"
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
            createTotals,
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
