// Decode and scan benchmarks, run in release mode:
//   swift run -c release flowlens-bench [--records N] [--scan FILE_OR_DIR ...]
//     [--only v2|v5] [--parquet FILE.parquet [--parquet-text FILE.log.gz]]
// Prints records/s for in-memory decoding of v2 and 29-field v5 text (one core), and for full
// scans (all cores) of the given sources. Each figure is the best of several runs; every run's
// output is checked (record count, no malformed lines) so a broken decoder cannot look fast.
import Dispatch
import FlowCore
import FlowDecoding
import FlowLensKit
import Foundation

MemoryTuning.keepLargeBlocksInHeap()
var recordCount = 1_000_000
var scanSources: [String] = []
var parquetFile: String?
var parquetText: String?
var detectFile: String?
var detectConfig: String?
var onlyLayout: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--records": recordCount = Int(arguments.popFirst() ?? "") ?? recordCount
    case "--scan": scanSources.append(arguments.popFirst() ?? "")
    case "--parquet": parquetFile = arguments.popFirst()
    case "--parquet-text": parquetText = arguments.popFirst()
    case "--detect": detectFile = arguments.popFirst()
    case "--detect-config": detectConfig = arguments.popFirst()
    case "--only": onlyLayout = arguments.popFirst()
    default: scanSources.append(argument)
    }
}

/// Deterministic synthetic lines with realistic value widths (not the simulator, so that the
/// decoder benchmark stays independent of how the simulator evolves).
func synthesize(_ count: Int, fields: [FlowField]) -> [UInt8] {
    var state: UInt64 = 0x1234_5678
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    var out: [UInt8] = []
    out.reserveCapacity(count * 200)
    out.append(contentsOf: (fields.map(\.name).joined(separator: " ") + "\n").utf8)
    let start: UInt64 = 1_793_577_600
    for _ in 0..<count {
        let r = next()
        var parts: [String] = []
        for field in fields {
            switch field {
            case .version: parts.append(fields.count > 14 ? "5" : "2")
            case .accountID: parts.append("123456789012")
            case .interfaceID: parts.append("eni-0a1b2c3d4e5f6\(String(r % 64, radix: 16))")
            case .srcaddr, .pktSrcaddr: parts.append("10.20.\(r >> 8 & 15).\(r >> 16 & 255)")
            case .dstaddr, .pktDstaddr: parts.append("\(r >> 24 & 127 + 3).\(r >> 32 & 255).\(r >> 40 & 255).\(r >> 48 & 255)")
            case .srcport: parts.append(String(32768 + r % 28000))
            case .dstport: parts.append(["443", "80", "22", "53", "5432"][Int(r % 5)])
            case .proto: parts.append(r % 7 == 0 ? "17" : "6")
            case .packets: parts.append(String(r % 900 + 1))
            case .bytes: parts.append(String(r % 900_000 + 40))
            case .start: parts.append(String(start + r % 86400))
            case .end: parts.append(String(start + r % 86400 + 60))
            case .action: parts.append(r % 11 == 0 ? "REJECT" : "ACCEPT")
            case .logStatus: parts.append("OK")
            case .vpcID: parts.append("vpc-0abc1234def567890")
            case .subnetID: parts.append("subnet-0123456789abcdef\(r % 4)")
            case .instanceID: parts.append("i-0123456789abcde\(String(r % 64, radix: 16))")
            case .tcpFlags: parts.append(["2", "18", "19", "3", "1"][Int(r % 5)])
            case .type: parts.append("IPv4")
            case .region: parts.append("us-east-1")
            case .azID: parts.append("use1-az1")
            case .sublocationType, .sublocationID, .pktSrcAWSService: parts.append("-")
            case .pktDstAWSService: parts.append(r % 9 == 0 ? "S3" : "-")
            case .flowDirection: parts.append(r % 2 == 0 ? "ingress" : "egress")
            case .trafficPath: parts.append(r % 2 == 0 ? "8" : "-")
            default: parts.append("-")
            }
        }
        out.append(contentsOf: (parts.joined(separator: " ") + "\n").utf8)
    }
    return out
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func benchDecode(_ name: String, fields: [FlowField], recordCount: Int) {
    let text = synthesize(recordCount, fields: fields)
    var best = Double.infinity
    for _ in 0..<5 {
        var decoded = 0
        let time = seconds {
            var decoder = FlowTextDecoder(fileName: name)
            // Sized per chunk as ParallelDecoder sizes it: a batch that has to grow copies every
            // record decoded so far.
            let chunkSize = 1 << 20
            let batchCapacity = chunkSize / 90 + 16
            var batches = [FlowBatch(capacity: batchCapacity)]
            text.withUnsafeBytes { raw in
                var offset = 0
                // Feed 1 MiB chunks as the source layer does, with a new batch for each.
                while offset < raw.count {
                    let end = min(raw.count, offset + chunkSize)
                    let consumed = try! decoder.decode(
                        UnsafeRawBufferPointer(rebasing: raw[offset..<end]), isFinal: end == raw.count, into: &batches)
                    offset += consumed == 0 ? end - offset : consumed
                    for b in batches { decoded += b.records.count }
                    batches = [FlowBatch(capacity: batchCapacity)]
                }
            }
            precondition(decoder.counters.malformedTotal == 0, "benchmark input must decode cleanly")
        }
        precondition(decoded == recordCount, "decoded \(decoded) of \(recordCount)")
        best = min(best, time)
    }
    let mbps = Double(text.count) / best / 1e6
    print("decode \(name): \(recordCount) records, \(text.count / recordCount) B/record, best \(String(format: "%.3f", best)) s = \(Int(Double(recordCount) / best / 1e3)) k records/s (\(Int(mbps)) MB/s), one core")
}

func benchScan(_ source: String) {
    var best = Double.infinity
    var records = 0
    for _ in 0..<3 {
        let runner = ScanRunner(options: ScanOptions(sources: [source]))
        var result: ScanResult?
        let time = seconds { result = try? runner.run() }
        guard let result else {
            print("scan \(source): failed")
            return
        }
        records = result.counters.records
        best = min(best, time)
    }
    print("scan \(source): \(records) records, best \(String(format: "%.3f", best)) s = \(Int(Double(records) / best / 1e3)) k records/s, all cores")
}

if let detectFile {
    DetectionBenchmark.run(file: detectFile, config: detectConfig)
} else if let parquetFile {
    // `scripts/parquet-fixtures.py --bench ROWS DIR` writes bench.parquet and bench.log.gz.
    let text = parquetText ?? parquetFile.replacingOccurrences(of: ".parquet", with: ".log.gz")
    ParquetBenchmark.run(parquet: parquetFile, gzipText: text)
} else {
    if onlyLayout != "v5" { benchDecode("v2-default", fields: FlowField.v2Default, recordCount: recordCount) }
    if onlyLayout != "v2" { benchDecode("v5-29-fields", fields: FlowField.v5All, recordCount: recordCount) }
}
for source in scanSources { benchScan(source) }
