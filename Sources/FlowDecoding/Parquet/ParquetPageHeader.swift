/// A page header (`PageHeader` in `parquet.thrift`) with the sub-header of its kind.
struct ParquetPageHeader {
    enum Kind: Int32 {
        case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
    }

    var type: Int32 = -1
    var uncompressedSize: Int32 = -1
    var compressedSize: Int32 = -1
    /// Values in the page, nulls included (data pages), or dictionary entries.
    var valueCount: Int32 = -1
    var encoding: Int32 = 0
    /// Data page v1 only: how definition levels are encoded (RLE in practice).
    var definitionLevelEncoding: Int32 = 3
    var repetitionLevelEncoding: Int32 = 3
    /// Data page v2 only: level sections, stored uncompressed before the values.
    var definitionLevelsLength: Int32 = 0
    var repetitionLevelsLength: Int32 = 0
    var nullCount: Int32 = 0
    var rowCount: Int32 = -1
    var isCompressed = true

    var kind: Kind? { Kind(rawValue: type) }

    typealias Failure = ThriftCompactReader.Failure

    static func parse(_ reader: inout ThriftCompactReader) throws(Failure) -> ParquetPageHeader {
        var header = ParquetPageHeader()
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch (field.id, field.type) {
            case (1, _): header.type = try reader.readI32(field)
            case (2, _): header.uncompressedSize = try reader.readI32(field)
            case (3, _): header.compressedSize = try reader.readI32(field)
            case (5, .structure): try parseDataPageHeader(&reader, into: &header)
            case (7, .structure): try parseDictionaryPageHeader(&reader, into: &header)
            case (8, .structure): try parseDataPageHeaderV2(&reader, into: &header)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct()
        guard header.uncompressedSize >= 0, header.compressedSize >= 0 else {
            throw Failure(message: "page header without valid sizes")
        }
        return header
    }

    private static func parseDataPageHeader(
        _ reader: inout ThriftCompactReader, into header: inout ParquetPageHeader
    ) throws(Failure) {
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch field.id {
            case 1: header.valueCount = try reader.readI32(field)
            case 2: header.encoding = try reader.readI32(field)
            case 3: header.definitionLevelEncoding = try reader.readI32(field)
            case 4: header.repetitionLevelEncoding = try reader.readI32(field)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct()
    }

    private static func parseDictionaryPageHeader(
        _ reader: inout ThriftCompactReader, into header: inout ParquetPageHeader
    ) throws(Failure) {
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch field.id {
            case 1: header.valueCount = try reader.readI32(field)
            case 2: header.encoding = try reader.readI32(field)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct()
    }

    private static func parseDataPageHeaderV2(
        _ reader: inout ThriftCompactReader, into header: inout ParquetPageHeader
    ) throws(Failure) {
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch field.id {
            case 1: header.valueCount = try reader.readI32(field)
            case 2: header.nullCount = try reader.readI32(field)
            case 3: header.rowCount = try reader.readI32(field)
            case 4: header.encoding = try reader.readI32(field)
            case 5: header.definitionLevelsLength = try reader.readI32(field)
            case 6: header.repetitionLevelsLength = try reader.readI32(field)
            case 7: header.isCompressed = try reader.readBool(field)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct()
    }
}
