public import FlowCore

extension ParquetFlowReader {
    /// Decodes one row group into a batch: records in row order, plus the extra columns.
    ///
    /// Malformed rows are left out and counted in `counters` by reason, with samples naming the
    /// file, the row (1-based, counted across the whole file) and the column.
    ///
    /// - Parameters:
    ///   - index: Row group, `0..<rowGroupCount`.
    ///   - sourceIndex: Stored in the batch, for merging sources in order.
    ///   - sequence: Stored in the batch, its position within the source.
    ///   - counters: Updated with records, rows (as lines), malformed rows and the layout.
    /// - Throws: ``FlowCore/FlowLensError`` naming the file, column and row group when a column
    ///   chunk is corrupt or uses an encoding or codec this reader does not support.
    public func readRowGroup(
        _ index: Int, sourceIndex: Int, sequence: Int, counters: inout DecodeCounters
    ) throws(FlowLensError) -> FlowBatch {
        guard metadata.rowGroups.indices.contains(index) else {
            throw FlowLensError(
                .badArgument, "row group \(index) does not exist (the file has \(rowGroupCount))", location: fileName)
        }
        let group = metadata.rowGroups[index]
        let rows = Int(group.rowCount)
        let extraCount = plan.extraNames.count
        var records = [FlowRecord](repeating: FlowRecord(), count: rows)
        var extras = [Symbol](repeating: .empty, count: rows * extraCount)
        var problems = [MalformedReason?](repeating: nil, count: rows)
        var samples: [MalformedLine] = []
        let firstRow = firstRows[index]
        decoder.sampleLimit = max(0, DecodeCounters.sampleLimit - counters.samples.count)

        for column in selected {
            let chunk = group.columns[column.index]
            let range = try chunkRange(chunk, column: column, rowGroup: index)
            guard let codec = ParquetCodec(rawValue: chunk.codec), codec.isSupported else {
                throw problem(
                    column, rowGroup: index,
                    "unsupported compression codec \(ParquetCodec.name(chunk.codec)) (FlowLens reads UNCOMPRESSED, GZIP, SNAPPY and ZSTD)"
                )
            }
            decoder.problemSamples.removeAll(keepingCapacity: true)
            let spec = ParquetColumnDecoder.Column(
                type: column.type, maxDefinitionLevel: column.maxDefinitionLevel, codec: codec, op: column.op)
            var failure: ParquetColumnDecoder.Failure?
            bytes.withUnsafeBufferPointer { file in
                records.withUnsafeMutableBufferPointer { recordBuffer in
                    extras.withUnsafeMutableBufferPointer { extraBuffer in
                        problems.withUnsafeMutableBufferPointer { problemBuffer in
                            let output = ParquetColumnDecoder.Output(
                                records: recordBuffer, extras: extraBuffer, extraCount: extraCount, problems: problemBuffer)
                            do throws(ParquetColumnDecoder.Failure) {
                                try decoder.decode(file: file, chunk: range, column: spec, rowCount: rows, output: output)
                            } catch {
                                failure = error
                            }
                        }
                    }
                }
            }
            if let failure { throw problem(column, rowGroup: index, failure.message) }
            for sample in decoder.problemSamples where samples.count < decoder.sampleLimit {
                samples.append(
                    MalformedLine(
                        file: fileName, line: firstRow + sample.row + 1, field: column.name, value: sample.value,
                        reason: sample.reason))
            }
        }

        var batch = FlowBatch(sourceIndex: sourceIndex, sequence: sequence, capacity: 0)
        batch.extraNames = plan.extraNames
        var malformedRows = 0
        for reason in problems {
            guard let reason else { continue }
            counters.malformed[reason, default: 0] += 1
            malformedRows += 1
        }
        if malformedRows > 0 {
            // Keep the good rows (and their extra values) in order.
            var kept = 0
            for row in 0..<rows where problems[row] == nil {
                if kept != row {
                    records[kept] = records[row]
                    for k in 0..<extraCount { extras[kept * extraCount + k] = extras[row * extraCount + k] }
                }
                kept += 1
            }
            records.removeLast(rows - kept)
            extras.removeLast((rows - kept) * extraCount)
        }
        records.withUnsafeMutableBufferPointer { buffer in
            for k in buffer.indices { buffer[k].cacheOrientation() }
        }
        counters.samples.append(contentsOf: samples.prefix(max(0, DecodeCounters.sampleLimit - counters.samples.count)))
        counters.lines += rows
        counters.records += records.count
        if !records.isEmpty { counters.layouts[plan, default: 0] += records.count }
        counters.unknownFields.formUnion(plan.extraNames)
        batch.records = records
        batch.extraValues = extras
        return batch
    }

    /// The byte range of a column chunk's pages, checked against the file.
    private func chunkRange(
        _ chunk: ParquetFileMetadata.ColumnChunk, column: SelectedColumn, rowGroup: Int
    ) throws(FlowLensError) -> Range<Int> {
        guard chunk.hasMetadata else { throw problem(column, rowGroup: rowGroup, "the column chunk has no metadata") }
        if let external = chunk.externalFile, !external.isEmpty {
            throw problem(column, rowGroup: rowGroup, "the column chunk is in another file (\(external)), which is not supported")
        }
        guard chunk.type == column.type.rawValue else {
            throw problem(
                column, rowGroup: rowGroup,
                "the column chunk has type \(ParquetPhysicalType.name(chunk.type)), the schema says \(column.type)")
        }
        var start = chunk.dataPageOffset
        // Some writers set a dictionary offset of 0 for "none"; only an offset before the data counts.
        if let dictionary = chunk.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        guard start >= 4, chunk.compressedSize >= 0, chunk.compressedSize <= Int64(dataEnd),
            start <= Int64(dataEnd) - chunk.compressedSize
        else {
            throw problem(
                column, rowGroup: rowGroup,
                "the column chunk (offset \(start), \(chunk.compressedSize) bytes) lies outside the file's data; the file may be truncated"
            )
        }
        return Int(start)..<Int(start + chunk.compressedSize)
    }

    private func problem(_ column: SelectedColumn, rowGroup: Int, _ message: String) -> FlowLensError {
        FlowLensError(.unreadable, "column '\(column.name)', row group \(rowGroup): \(message)", location: fileName)
    }
}
