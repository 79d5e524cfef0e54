import Dispatch
import FlowCore
import FlowDecoding
import Foundation

/// Records/s reading the same flow log records from a Parquet file and from gzip text, on one
/// core each, decompression included (files are read into memory first, outside the timing).
///
/// Both outputs are checked: the same record count, no malformed rows, and the same records, so a
/// broken reader cannot look fast.
enum ParquetBenchmark {
    static func run(parquet: String, gzipText: String) {
        guard let parquetBytes = FileManager.default.contents(atPath: parquet).map([UInt8].init),
            let textBytes = FileManager.default.contents(atPath: gzipText).map([UInt8].init)
        else {
            print("parquet benchmark: cannot read \(parquet) or \(gzipText)")
            return
        }
        var parquetRecords: [FlowRecord] = []
        var textRecords: [FlowRecord] = []
        let parquetTime = best(of: 3) { parquetRecords = readParquet(parquetBytes, name: parquet) }
        let textTime = best(of: 3) { textRecords = readGzipText(textBytes, name: gzipText) }
        precondition(parquetRecords.count == textRecords.count, "\(parquetRecords.count) vs \(textRecords.count) records")
        precondition(parquetRecords == textRecords, "Parquet and text records differ")
        let count = Double(parquetRecords.count)
        print("parquet \(parquet): \(parquetRecords.count) records, \(parquetBytes.count) bytes, best \(String(format: "%.3f", parquetTime)) s = \(Int(count / parquetTime / 1e3)) k records/s, one core")
        print("gzip text \(gzipText): \(textRecords.count) records, \(textBytes.count) bytes, best \(String(format: "%.3f", textTime)) s = \(Int(count / textTime / 1e3)) k records/s, one core")
        print("parquet / gzip text: \(String(format: "%.2f", textTime / parquetTime))x")
    }

    private static func best(of runs: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    private static func readParquet(_ bytes: [UInt8], name: String) -> [FlowRecord] {
        var records: [FlowRecord] = []
        do {
            let reader = try ParquetFlowReader(bytes: bytes, fileName: name)
            var counters = DecodeCounters()
            records.reserveCapacity(reader.rowCount)
            for group in 0..<reader.rowGroupCount {
                records += try reader.readRowGroup(group, sourceIndex: 0, sequence: group, counters: &counters).records
            }
            precondition(counters.malformedTotal == 0, "benchmark input must decode cleanly")
        } catch {
            fatalError("\(error)")
        }
        return records
    }

    /// Inflates 1 MiB at a time and decodes each piece, carrying a partial last line, as the
    /// source layer does.
    private static func readGzipText(_ bytes: [UInt8], name: String) -> [FlowRecord] {
        let inflater = GzipInflater(name: name)
        var decoder = FlowTextDecoder(fileName: name)
        var records: [FlowRecord] = []
        var pending: [UInt8] = []
        var output = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        do {
            while true {
                let (consumed, produced) = try bytes.withUnsafeBytes { input in
                    try output.withUnsafeMutableBytes { out in
                        try inflater.inflate(input: UnsafeRawBufferPointer(rebasing: input[offset...]), output: out)
                    }
                }
                offset += consumed
                let done = produced == 0
                pending.append(contentsOf: output[0..<produced])
                var batches = [FlowBatch(capacity: 8192)]
                let used = try pending.withUnsafeBytes { raw in try decoder.decode(raw, isFinal: done, into: &batches) }
                pending.removeFirst(used)
                for batch in batches { records += batch.records }
                if done { break }
            }
            try inflater.finish()
        } catch {
            fatalError("\(error)")
        }
        precondition(decoder.counters.malformedTotal == 0, "benchmark input must decode cleanly")
        return records
    }
}
