import FlowCore
import FlowDecoding

/// libFuzzer entry point: any bytes go through the Parquet footer, schema and page decoders.
///
/// The only acceptable outcomes are a result or a thrown FlowLensError; a crash, a sanitizer
/// report, a hang or an allocation over libFuzzer's limit is a bug. Limits are small here so that
/// a file claiming millions of rows or huge pages is refused quickly instead of allocated.
@_cdecl("LLVMFuzzerTestOneInput")
public func parquetFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = ParquetFlowReader.Limits()
    limits.maximumRowsPerRowGroup = 1 << 16
    limits.maximumPageSize = 1 << 22
    guard let reader = try? ParquetFlowReader(bytes: bytes, fileName: "fuzz.parquet", limits: limits) else { return 0 }
    var counters = DecodeCounters()
    for group in 0..<reader.rowGroupCount {
        _ = try? reader.readRowGroup(group, sourceIndex: 0, sequence: group, counters: &counters)
    }
    return 0
}
