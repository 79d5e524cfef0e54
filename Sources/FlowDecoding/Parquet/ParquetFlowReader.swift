public import FlowCore

/// Reads VPC Flow Logs delivered as Apache Parquet into ``FlowCore/FlowBatch``es, one row group
/// at a time.
///
/// Columns are matched to fields by name, as AWS writes them (`srcaddr`, `account_id`,
/// `pkt_srcaddr`, in any order and any subset); unknown INT32, INT64 and string columns become
/// extra string columns, as unknown header names do in text. Every value becomes exactly what the
/// text decoder makes of the same value written as a token: a record read from Parquet equals the
/// record read from the equivalent text line. Nulls, `-` and empty strings are absent fields. A
/// value that does not parse for its field (a string `abc` in `srcport`, a negative count) makes
/// the row malformed: it is counted by reason, sampled with its row number, and skipped, like a
/// malformed line.
///
/// Supported: data pages v1 and v2, dictionary pages, PLAIN, PLAIN_DICTIONARY and RLE_DICTIONARY
/// values, RLE definition levels, codecs UNCOMPRESSED, GZIP, SNAPPY and ZSTD, flat schemas.
/// Anything else in a column that is read is a ``FlowCore/FlowLensError`` naming the file, the
/// column and the problem; the input can never crash the reader.
///
/// Not thread-safe: use one reader per file and thread (row groups of one file are read in turn).
public final class ParquetFlowReader {
    /// Bounds on what the file may ask for, so that a corrupt or hostile file cannot exhaust memory.
    public struct Limits: Sendable {
        /// Rows in one row group (each becomes a 208-byte record).
        public var maximumRowsPerRowGroup = 1 << 26
        /// Bytes of one page after decompression.
        public var maximumPageSize = 1 << 28

        public init() {}
    }

    /// One column of the file that is read, with its place in the schema.
    struct SelectedColumn {
        var index: Int
        var name: String
        var type: ParquetPhysicalType
        var maxDefinitionLevel: Int
        var op: ColumnOp
    }

    /// A leaf of the schema tree: one column chunk per row group.
    struct Leaf {
        var path: [String]
        var type: Int32?
        var maxDefinitionLevel: Int
        var maxRepetitionLevel: Int
    }

    public let fileName: String
    /// The fields and extra columns read, in file order.
    public let plan: ColumnPlan
    public let limits: Limits
    let bytes: [UInt8]
    let metadata: ParquetFileMetadata
    let selected: [SelectedColumn]
    let firstRows: [Int]
    let decoder: ParquetColumnDecoder
    /// Where the footer starts: column chunks must end before it.
    let dataEnd: Int

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// True when `prefix` starts with the Parquet magic `PAR1`.
    public static func isParquet(_ prefix: some Collection<UInt8>) -> Bool { prefix.starts(with: magic) }

    /// Parses the footer and matches the columns to fields.
    ///
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - fileName: Name used in messages.
    ///   - columns: Fields to read; nil reads every known field and keeps unknown columns as
    ///     extras. With a set, other columns (extras included) are not decoded at all.
    /// - Throws: ``FlowCore/FlowLensError`` naming the file on any problem with the footer or the
    ///   schema (a needed column of a type FlowLens cannot read).
    public convenience init(bytes: [UInt8], fileName: String, columns: Set<FlowField>? = nil) throws(FlowLensError) {
        try self.init(bytes: bytes, fileName: fileName, columns: columns, limits: Limits())
    }

    public init(bytes: [UInt8], fileName: String, columns: Set<FlowField>? = nil, limits: Limits) throws(FlowLensError) {
        self.bytes = bytes
        self.fileName = fileName
        self.limits = limits
        let count = bytes.count
        guard count >= 4, Self.isParquet(bytes) else {
            throw FlowLensError(.notFlowLog, "not an Apache Parquet file (no PAR1 magic at the start)", location: fileName)
        }
        guard count >= 12 else {
            throw FlowLensError(
                .unreadable, "truncated Parquet file: \(count) bytes, too short for a footer", location: fileName)
        }
        let tail = Array(bytes[(count - 4)...])
        if tail == Array("PARE".utf8) {
            throw FlowLensError(.unreadable, "encrypted Parquet footers are not supported", location: fileName)
        }
        guard tail == Self.magic else {
            throw FlowLensError(
                .unreadable, "truncated or corrupt Parquet file: no PAR1 magic at the end (the file may be cut short)",
                location: fileName)
        }
        let footerLength = Int(bytes[count - 8]) | Int(bytes[count - 7]) << 8 | Int(bytes[count - 6]) << 16
            | Int(bytes[count - 5]) << 24
        guard footerLength > 0, footerLength <= count - 12 else {
            throw FlowLensError(
                .unreadable, "corrupt Parquet footer: length \(footerLength) does not fit a \(count)-byte file",
                location: fileName)
        }
        dataEnd = count - 8 - footerLength
        let footerRange = dataEnd..<(count - 8)
        let parsed: ParquetFileMetadata
        do {
            parsed = try bytes.withUnsafeBufferPointer { (all) throws(ThriftCompactReader.Failure) in
                var reader = ThriftCompactReader(UnsafeBufferPointer(rebasing: all[footerRange]))
                return try ParquetFileMetadata.parse(&reader)
            }
        } catch {
            throw FlowLensError(.unreadable, "corrupt Parquet footer: \(error.message)", location: fileName)
        }
        metadata = parsed
        let leaves = try Self.leaves(of: parsed.schema, fileName: fileName)
        selected = try Self.select(leaves, columns: columns, fileName: fileName)
        plan = ColumnPlan(names: selected.map(\.name))
        var rows: [Int] = []
        var total = 0
        for (index, group) in parsed.rowGroups.enumerated() {
            guard group.rowCount >= 0, group.rowCount <= Int64(limits.maximumRowsPerRowGroup) else {
                throw FlowLensError(
                    .unreadable,
                    "row group \(index): \(group.rowCount) rows, over the limit of \(limits.maximumRowsPerRowGroup)",
                    location: fileName)
            }
            guard group.columns.count == leaves.count else {
                throw FlowLensError(
                    .unreadable,
                    "corrupt Parquet footer: row group \(index) has \(group.columns.count) column chunks for \(leaves.count) columns",
                    location: fileName)
            }
            rows.append(total)
            total += Int(group.rowCount)
        }
        firstRows = rows
        decoder = ParquetColumnDecoder(maximumPageSize: limits.maximumPageSize)
    }

    /// Rows in the file, by the sum of its row groups.
    public var rowCount: Int { metadata.rowGroups.reduce(0) { $0 + Int($1.rowCount) } }

    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// Rows in one row group.
    public func rowCount(ofRowGroup index: Int) -> Int {
        metadata.rowGroups.indices.contains(index) ? Int(metadata.rowGroups[index].rowCount) : 0
    }

    /// The writer named in the footer (`parquet-cpp-arrow version 21.0.0`), if any.
    public var createdBy: String? { metadata.createdBy }

    // MARK: Schema

    /// Flattens the schema tree (a depth-first list with child counts) into its leaves.
    static func leaves(of schema: [ParquetFileMetadata.SchemaElement], fileName: String) throws(FlowLensError) -> [Leaf] {
        struct Frame {
            var childrenLeft: Int
            var path: [String]
            var definition: Int
            var repetition: Int
        }
        guard let root = schema.first, root.childCount >= 0 else {
            throw FlowLensError(.unreadable, "corrupt Parquet footer: no schema root", location: fileName)
        }
        var leaves: [Leaf] = []
        var stack = [Frame(childrenLeft: Int(root.childCount), path: [], definition: 0, repetition: 0)]
        var index = 1
        while let top = stack.last {
            if top.childrenLeft == 0 {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].childrenLeft -= 1
            guard index < schema.count, stack.count < 64 else {
                throw FlowLensError(.unreadable, "corrupt Parquet footer: the schema tree is inconsistent", location: fileName)
            }
            let element = schema[index]
            index += 1
            let definition = top.definition + (element.repetition == 1 ? 1 : 0)
            let repetition = top.repetition + (element.repetition == 2 ? 1 : 0)
            let path = top.path + [element.name]
            if element.childCount > 0 {
                stack.append(Frame(childrenLeft: Int(element.childCount), path: path, definition: definition, repetition: repetition))
            } else {
                leaves.append(
                    Leaf(path: path, type: element.type, maxDefinitionLevel: definition, maxRepetitionLevel: repetition))
            }
        }
        guard index == schema.count else {
            throw FlowLensError(.unreadable, "corrupt Parquet footer: the schema tree is inconsistent", location: fileName)
        }
        return leaves
    }

    /// Chooses the columns to read and checks that each can hold its field.
    static func select(_ leaves: [Leaf], columns: Set<FlowField>?, fileName: String) throws(FlowLensError) -> [SelectedColumn] {
        var chosen: [(index: Int, name: String, leaf: Leaf)] = []
        for (index, leaf) in leaves.enumerated() {
            let name = leaf.path.joined(separator: ".")
            if leaf.path.count == 1, let field = FlowField(name: name) {
                if let columns, !columns.contains(field) { continue }
                guard leaf.maxRepetitionLevel == 0 else {
                    throw FlowLensError(
                        .badHeader, "column '\(name)' is repeated (a list); flow log fields are single values",
                        location: fileName)
                }
                try checkType(leaf.type, for: field, column: name, fileName: fileName)
                chosen.append((index, name, leaf))
            } else if columns == nil, leaf.maxRepetitionLevel == 0,
                leaf.type == ParquetPhysicalType.int32.rawValue || leaf.type == ParquetPhysicalType.int64.rawValue
                    || leaf.type == ParquetPhysicalType.byteArray.rawValue
            {
                // Unknown columns are kept as text; columns of other types or nested ones are
                // not flow log data and are left out.
                chosen.append((index, name, leaf))
            }
        }
        let plan = ColumnPlan(names: chosen.map(\.name))
        let ops = ColumnOp.compile(plan)
        return zip(chosen, ops).map { entry, op in
            SelectedColumn(
                index: entry.index, name: entry.name, type: ParquetPhysicalType(rawValue: entry.leaf.type ?? -1) ?? .byteArray,
                maxDefinitionLevel: entry.leaf.maxDefinitionLevel, op: op)
        }
    }

    /// Numbers and times may be stored as INT32, INT64 or digit strings; addresses, actions,
    /// statuses and directions only as strings; text fields as strings or integers (printed in
    /// decimal, as pandas-made files store `account_id`).
    private static func checkType(_ raw: Int32?, for field: FlowField, column: String, fileName: String) throws(FlowLensError) {
        let type = raw.flatMap(ParquetPhysicalType.init(rawValue:))
        let allowed: [ParquetPhysicalType]
        let expectation: String
        switch field.kind {
        case .number, .time:
            allowed = [.int32, .int64, .byteArray]
            expectation = "an integer (INT32 or INT64) or a string of digits"
        case .text:
            allowed = [.byteArray, .int32, .int64]
            expectation = "a string (BYTE_ARRAY)"
        case .address, .action, .logStatus, .flowDirection:
            allowed = [.byteArray]
            expectation = "a string (BYTE_ARRAY)"
        }
        guard let type, allowed.contains(type) else {
            let found = raw.map(ParquetPhysicalType.name) ?? "a group"
            throw FlowLensError(
                .badHeader, "column '\(column)' has type \(found); the \(field.name) field must be \(expectation)",
                location: fileName)
        }
    }
}
