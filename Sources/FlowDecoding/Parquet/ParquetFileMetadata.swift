/// The parts of a Parquet footer (`FileMetaData` in `parquet.thrift`) that a flow log reader
/// needs: the schema, the row groups and where each column chunk's pages are.
///
/// Fields this reader has no use for (statistics, key/value metadata, indexes, encryption) are
/// skipped, whatever their content.
struct ParquetFileMetadata {
    /// One node of the flattened schema tree (`SchemaElement`).
    struct SchemaElement {
        var name = ""
        var type: Int32?
        /// 0 required, 1 optional, 2 repeated.
        var repetition: Int32 = 0
        var childCount: Int32 = 0
    }

    /// One column chunk of a row group (`ColumnChunk` with its `ColumnMetaData`).
    struct ColumnChunk {
        var path: [String] = []
        var type: Int32 = -1
        var codec: Int32 = 0
        var valueCount: Int64 = 0
        var compressedSize: Int64 = 0
        var dataPageOffset: Int64 = -1
        var dictionaryPageOffset: Int64?
        /// Set when the chunk lives in another file, which this reader does not follow.
        var externalFile: String?
        var hasMetadata = false
    }

    struct RowGroup {
        var columns: [ColumnChunk] = []
        var rowCount: Int64 = 0
    }

    var schema: [SchemaElement] = []
    var rowCount: Int64 = 0
    var rowGroups: [RowGroup] = []
    var createdBy: String?

    typealias Failure = ThriftCompactReader.Failure

    /// Parses a serialized `FileMetaData`.
    static func parse(_ reader: inout ThriftCompactReader) throws(Failure) -> ParquetFileMetadata {
        var metadata = ParquetFileMetadata()
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch (field.id, field.type) {
            case (2, .list):
                let (count, type) = try reader.readListHeader(field)
                guard type == .structure else { throw Failure(message: "schema is not a list of elements") }
                metadata.schema.reserveCapacity(count)
                for _ in 0..<count { metadata.schema.append(try parseSchemaElement(&reader)) }
            case (3, _): metadata.rowCount = try reader.readI64(field)
            case (4, .list):
                let (count, type) = try reader.readListHeader(field)
                guard type == .structure else { throw Failure(message: "row groups are not a list of structs") }
                metadata.rowGroups.reserveCapacity(count)
                for _ in 0..<count { metadata.rowGroups.append(try parseRowGroup(&reader)) }
            case (6, .binary): metadata.createdBy = try reader.readString(field)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct()
        guard !metadata.schema.isEmpty else { throw Failure(message: "the schema is empty") }
        return metadata
    }

    private static func parseSchemaElement(_ reader: inout ThriftCompactReader) throws(Failure) -> SchemaElement {
        var element = SchemaElement()
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch field.id {
            case 1: element.type = try reader.readI32(field)
            case 3: element.repetition = try reader.readI32(field)
            case 4: element.name = try reader.readString(field)
            case 5: element.childCount = try reader.readI32(field)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct()
        return element
    }

    private static func parseRowGroup(_ reader: inout ThriftCompactReader) throws(Failure) -> RowGroup {
        var group = RowGroup()
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch (field.id, field.type) {
            case (1, .list):
                let (count, type) = try reader.readListHeader(field)
                guard type == .structure else { throw Failure(message: "columns are not a list of structs") }
                group.columns.reserveCapacity(count)
                for _ in 0..<count { group.columns.append(try parseColumnChunk(&reader)) }
            case (3, _): group.rowCount = try reader.readI64(field)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct()
        return group
    }

    private static func parseColumnChunk(_ reader: inout ThriftCompactReader) throws(Failure) -> ColumnChunk {
        var chunk = ColumnChunk()
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch (field.id, field.type) {
            case (1, .binary): chunk.externalFile = try reader.readString(field)
            case (3, .structure): try parseColumnMetadata(&reader, into: &chunk)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct()
        return chunk
    }

    private static func parseColumnMetadata(
        _ reader: inout ThriftCompactReader, into chunk: inout ColumnChunk
    ) throws(Failure) {
        chunk.hasMetadata = true
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch (field.id, field.type) {
            case (1, _): chunk.type = try reader.readI32(field)
            case (3, .list):
                let (count, type) = try reader.readListHeader(field)
                guard type == .binary else { throw Failure(message: "column path is not a list of strings") }
                for _ in 0..<count {
                    let range = try reader.readBinary()
                    chunk.path.append(String(decoding: UnsafeBufferPointer(rebasing: reader.bytes[range]), as: UTF8.self))
                }
            case (4, _): chunk.codec = try reader.readI32(field)
            case (5, _): chunk.valueCount = try reader.readI64(field)
            case (7, _): chunk.compressedSize = try reader.readI64(field)
            case (9, _): chunk.dataPageOffset = try reader.readI64(field)
            case (11, _): chunk.dictionaryPageOffset = try reader.readI64(field)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct()
    }
}
