import FlowCore

/// Decodes one column chunk (a dictionary page, then data pages v1 or v2) straight into the
/// records of a row group.
///
/// Scratch buffers (the inflated page, levels, dictionary indices, the converted dictionary) are
/// kept between chunks and row groups, so a row group costs no allocation per record. Every offset
/// and length read from the file is checked against the chunk's byte range.
final class ParquetColumnDecoder {
    /// A problem in one column chunk; the reader adds the file, column and row group.
    struct Failure: Error {
        var message: String
    }

    /// Where decoded values go: the row group's records, extra values and per-row problems.
    struct Output {
        var records: UnsafeMutableBufferPointer<FlowRecord>
        /// `extraCount` symbols per row, row-major, as ``FlowCore/FlowBatch/extraValues``.
        var extras: UnsafeMutableBufferPointer<Symbol>
        var extraCount: Int
        /// The first problem of each row (nil when the row is fine).
        var problems: UnsafeMutableBufferPointer<MalformedReason?>
    }

    /// A row's first problem, with the offending value as text.
    struct Problem {
        var row: Int
        var reason: MalformedReason
        var value: String
    }

    /// Problems found while decoding, up to ``sampleLimit``; the caller drains them.
    var problemSamples: [Problem] = []
    var sampleLimit = DecodeCounters.sampleLimit

    /// The column being decoded: its storage type, levels and target field.
    struct Column {
        var type: ParquetPhysicalType
        var maxDefinitionLevel: Int
        var codec: ParquetCodec
        var op: ColumnOp
    }

    private let decompressor = ParquetDecompressor()
    private var interner = LocalInterner()
    private var pageBuffer: [UInt8] = []
    private var levels: [UInt32] = []
    private var indices: [UInt32] = []
    private var dictionary: [ParquetCell] = []
    private var dictionaryText: [String] = []
    private var hasDictionary = false
    let maximumPageSize: Int

    init(maximumPageSize: Int) { self.maximumPageSize = maximumPageSize }

    /// Decodes the pages in `chunk` (the chunk's bytes, positions absolute in `file`) for
    /// `rowCount` rows.
    func decode(
        file: UnsafeBufferPointer<UInt8>, chunk: Range<Int>, column: Column, rowCount: Int, output: Output
    ) throws(Failure) {
        hasDictionary = false
        let bytes = UnsafeBufferPointer(rebasing: file[0..<chunk.upperBound])
        var cursor = chunk.lowerBound
        var row = 0
        while row < rowCount {
            guard cursor < chunk.upperBound else {
                throw Failure(message: "the column chunk ends after \(row) of \(rowCount) rows")
            }
            var reader = ThriftCompactReader(bytes, position: cursor)
            let header: ParquetPageHeader
            do { header = try ParquetPageHeader.parse(&reader) } catch {
                throw Failure(message: "corrupt page header at byte \(cursor): \(error.message)")
            }
            let payloadStart = reader.position
            guard Int(header.compressedSize) <= chunk.upperBound - payloadStart else {
                throw Failure(message: "page at byte \(cursor) runs past the end of its column chunk")
            }
            let payload = UnsafeBufferPointer(rebasing: bytes[payloadStart..<(payloadStart + Int(header.compressedSize))])
            cursor = payloadStart + Int(header.compressedSize)
            guard Int(header.uncompressedSize) <= maximumPageSize else {
                throw Failure(message: "page of \(header.uncompressedSize) bytes is over the \(maximumPageSize)-byte limit")
            }
            switch header.kind {
            case .dictionaryPage:
                try readDictionary(header, payload: payload, column: column)
            case .dataPage, .dataPageV2:
                guard header.valueCount >= 0, Int(header.valueCount) <= rowCount - row else {
                    throw Failure(message: "data page holds \(header.valueCount) values, more than the \(rowCount - row) rows left")
                }
                try readDataPage(header, payload: payload, column: column, firstRow: row, output: output)
                row += Int(header.valueCount)
            case .indexPage, nil:
                // Index pages (and kinds added after this reader) carry no values.
                continue
            }
        }
    }

    // MARK: Pages

    /// The page's bytes after decompression (`payload` itself when stored uncompressed).
    private func inflate(
        _ payload: UnsafeBufferPointer<UInt8>, size: Int, codec: ParquetCodec,
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Void
    ) throws(Failure) {
        if codec == .uncompressed {
            guard payload.count == size else {
                throw Failure(message: "uncompressed page holds \(payload.count) bytes, its header says \(size)")
            }
            try body(payload)
            return
        }
        if pageBuffer.count < size { pageBuffer = [UInt8](repeating: 0, count: size) }
        var failure: Failure?
        pageBuffer.withUnsafeMutableBufferPointer { buffer in
            let target = UnsafeMutableBufferPointer(rebasing: buffer[0..<size])
            do throws(ParquetDecompressor.Failure) {
                try decompressor.decompress(codec, input: payload, output: target)
            } catch {
                failure = Failure(message: error.message)
            }
        }
        if let failure { throw failure }
        // The buffer is not resized inside `body`, so the pointer stays valid.
        try pageBuffer.withUnsafeBufferPointer { (buffer) throws(Failure) in
            try body(UnsafeBufferPointer(rebasing: buffer[0..<size]))
        }
    }

    private func readDictionary(_ header: ParquetPageHeader, payload: UnsafeBufferPointer<UInt8>, column: Column) throws(Failure) {
        guard !hasDictionary else { throw Failure(message: "a second dictionary page in one column chunk") }
        guard header.encoding == ParquetEncoding.plain.rawValue || header.encoding == ParquetEncoding.plainDictionary.rawValue
        else {
            throw Failure(message: "unsupported dictionary encoding \(ParquetEncoding.name(header.encoding))")
        }
        guard header.valueCount >= 0 else { throw Failure(message: "dictionary page with a negative size") }
        let count = Int(header.valueCount)
        dictionary.removeAll(keepingCapacity: true)
        dictionaryText.removeAll(keepingCapacity: true)
        try inflate(payload, size: Int(header.uncompressedSize), codec: column.codec) { (page) throws(Failure) in
            var values = PlainValueReader(page, type: column.type)
            for _ in 0..<count {
                let cell = try values.next(for: column.op, interner: &interner)
                dictionary.append(cell)
                dictionaryText.append(cell.isMalformed ? values.lastValueText : "")
            }
        }
        hasDictionary = true
    }

    private func readDataPage(
        _ header: ParquetPageHeader, payload: UnsafeBufferPointer<UInt8>, column: Column, firstRow: Int, output: Output
    ) throws(Failure) {
        let valueCount = Int(header.valueCount)
        if header.kind == .dataPage {
            try inflate(payload, size: Int(header.uncompressedSize), codec: column.codec) { (page) throws(Failure) in
                var offset = 0
                if column.maxDefinitionLevel > 0 {
                    guard header.definitionLevelEncoding == ParquetEncoding.rle.rawValue else {
                        throw Failure(
                            message: "unsupported definition level encoding \(ParquetEncoding.name(header.definitionLevelEncoding))")
                    }
                    guard page.count >= 4 else { throw Failure(message: "data page too short for its definition levels") }
                    let length = Int(page[0]) | Int(page[1]) << 8 | Int(page[2]) << 16 | Int(page[3]) << 24
                    guard length <= page.count - 4 else { throw Failure(message: "definition levels run past the page") }
                    try decodeLevels(UnsafeBufferPointer(rebasing: page[4..<(4 + length)]), column: column, count: valueCount)
                    offset = 4 + length
                }
                try decodeValues(
                    UnsafeBufferPointer(rebasing: page[offset...]), header: header, column: column, firstRow: firstRow,
                    output: output)
            }
            return
        }
        // Version 2: repetition then definition levels, never compressed, then the values.
        let levelBytes = Int(header.repetitionLevelsLength) + Int(header.definitionLevelsLength)
        guard header.repetitionLevelsLength >= 0, header.definitionLevelsLength >= 0, levelBytes <= payload.count,
            levelBytes <= Int(header.uncompressedSize)
        else {
            throw Failure(message: "level lengths of a v2 data page do not fit the page")
        }
        if column.maxDefinitionLevel > 0 {
            let start = Int(header.repetitionLevelsLength)
            try decodeLevels(UnsafeBufferPointer(rebasing: payload[start..<levelBytes]), column: column, count: valueCount)
        }
        let values = UnsafeBufferPointer(rebasing: payload[levelBytes...])
        let codec = header.isCompressed ? column.codec : .uncompressed
        try inflate(values, size: Int(header.uncompressedSize) - levelBytes, codec: codec) { (page) throws(Failure) in
            try decodeValues(page, header: header, column: column, firstRow: firstRow, output: output)
        }
    }

    private func decodeLevels(_ bytes: UnsafeBufferPointer<UInt8>, column: Column, count: Int) throws(Failure) {
        if levels.count < count { levels = [UInt32](repeating: 0, count: count) }
        let width = Self.bitWidth(column.maxDefinitionLevel)
        do throws(RLEBitPackedDecoder.Failure) {
            var decoder = try RLEBitPackedDecoder(bytes, bitWidth: width)
            try levels.withUnsafeMutableBufferPointer { (buffer) throws(RLEBitPackedDecoder.Failure) in
                try decoder.decode(into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            }
        } catch {
            throw Failure(message: "corrupt definition levels: \(error.message)")
        }
    }

    static func bitWidth(_ maximum: Int) -> Int { maximum == 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount }

    // MARK: Values

    private func decodeValues(
        _ page: UnsafeBufferPointer<UInt8>, header: ParquetPageHeader, column: Column, firstRow: Int, output: Output
    ) throws(Failure) {
        let count = Int(header.valueCount)
        let maxLevel = UInt32(column.maxDefinitionLevel)
        let op = column.op
        let extraCount = output.extraCount
        let isExtra = op.kind == .extra
        // Local copies for the per-row loops: reading the class's stored properties there costs an
        // exclusivity check per value. The interner is swapped out and back rather than copied.
        let levels = self.levels
        var interner = LocalInterner(capacity: 1)
        swap(&interner, &self.interner)
        defer { swap(&interner, &self.interner) }
        // Rows whose level is below the maximum are null: their field stays absent.
        var presentCount = count
        if maxLevel > 0 {
            presentCount = 0
            for k in 0..<count where levels[k] == maxLevel { presentCount += 1 }
        }
        @inline(__always) func store(_ cell: ParquetCell, row: Int, text: @autoclosure () -> String) {
            let extra = isExtra ? output.extras.baseAddress! + row * extraCount + op.slot : nil
            if let reason = cell.store(op, into: &output.records[row], extra: extra), output.problems[row] == nil {
                output.problems[row] = reason
                if problemSamples.count < sampleLimit { problemSamples.append(Problem(row: row, reason: reason, value: text())) }
            }
        }
        switch ParquetEncoding(rawValue: header.encoding) {
        case .plain:
            var values = PlainValueReader(page, type: column.type)
            for k in 0..<count {
                if maxLevel > 0 && levels[k] != maxLevel { continue }
                let cell = try values.next(for: op, interner: &interner)
                store(cell, row: firstRow + k, text: values.lastValueText)
            }
        case .plainDictionary, .rleDictionary:
            guard hasDictionary else { throw Failure(message: "dictionary-encoded page without a dictionary page") }
            guard let width = page.first else { throw Failure(message: "dictionary-encoded page without indices") }
            if indices.count < presentCount { indices = [UInt32](repeating: 0, count: presentCount) }
            do throws(RLEBitPackedDecoder.Failure) {
                var decoder = try RLEBitPackedDecoder(UnsafeBufferPointer(rebasing: page[1...]), bitWidth: Int(width))
                try indices.withUnsafeMutableBufferPointer { (buffer) throws(RLEBitPackedDecoder.Failure) in
                    try decoder.decode(into: UnsafeMutableBufferPointer(rebasing: buffer[0..<presentCount]))
                }
            } catch {
                throw Failure(message: "corrupt dictionary indices: \(error.message)")
            }
            let entries = dictionary.count
            try dictionary.withUnsafeBufferPointer { (cells) throws(Failure) in
                try indices.withUnsafeBufferPointer { (indexes) throws(Failure) in
                    var next = 0
                    for k in 0..<count {
                        if maxLevel > 0 && levels[k] != maxLevel { continue }
                        let index = Int(indexes[next])
                        next += 1
                        guard index < entries else {
                            throw Failure(message: "dictionary index \(index) out of range (\(entries) entries)")
                        }
                        store(cells[index], row: firstRow + k, text: self.dictionaryText[index])
                    }
                }
            }
        default:
            throw Failure(message: "unsupported encoding \(ParquetEncoding.name(header.encoding)) in a data page")
        }
    }
}

extension ParquetCell {
    var isMalformed: Bool {
        if case .malformed = self { return true }
        return false
    }
}
