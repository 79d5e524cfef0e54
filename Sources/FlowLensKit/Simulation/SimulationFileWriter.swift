import FlowCore
import FlowDecoding
import FlowSources
import Foundation

/// The records bound for one delivered file.
struct SimulationFileBucket: Sendable {
    var records: [SimulatedRecord] = []
    /// Records from scenario injectors, referenced by ``SimulatedRecord/injected``.
    var injected: [FlowRecord] = []

    var isEmpty: Bool { records.isEmpty }
}

/// One file to write: its delivery window, group and records.
struct SimulationFileJob: Sendable {
    var delivery: Int
    var group: Int
    var bucket: SimulationFileBucket
}

/// What writing one file produced.
struct SimulationFileResult: Sendable {
    var records = 0
    var textBytes = 0
    var writtenBytes = 0
    var firstTime: Int64 = .max
    var lastTime: Int64 = .min
}

/// Encodes a file's records in time order and writes them, gzipped or plain, under the key
/// AWS would give the object.
struct SimulationFileWriter: Sendable {
    let network: SimulatedNetwork
    let plan: TrafficPlan
    let options: SimulationOptions
    let flowLogID: String

    /// Path of a job's file relative to the output folder.
    func relativePath(delivery: Int, group: Int) -> String {
        let hash = SimulationRandom.mix(options.seed ^ 0xF11E_0000_0000 ^ (UInt64(delivery) << 8 | UInt64(group)))
        let hex = String(hash & 0xFFFF_FFFF, radix: 16)
        return options.layout.objectKey(
            account: options.accountID, region: options.region, flowLogID: flowLogID,
            time: plan.deliveryTime(delivery), hash: String(repeating: "0", count: 8 - hex.count) + hex,
            hourly: options.hourly, gzip: options.gzip)
    }

    func write(_ job: SimulationFileJob) throws -> SimulationFileResult {
        let records = job.bucket.records
        // Time order, ties in generation order: late records (older starts) lead the file.
        var order = [UInt64](repeating: 0, count: records.count)
        for (i, record) in records.enumerated() {
            let offset = UInt64(clamping: max(0, record.start - plan.origin + (1 << 31)))
            order[i] = offset << 32 | UInt64(i)
        }
        order.sort()

        var encoder = FlowLineEncoder(fields: options.fields)
        var text: [UInt8] = []
        text.reserveCapacity(records.count * (options.fields.count * 9 + 16) + 1024)
        if options.header { encoder.appendHeader(to: &text) }
        let version = UInt8(options.recordVersion)
        var result = SimulationFileResult()
        // One working record per interface, refilled for each line.
        var working = network.templates
        for key in order {
            let record = records[Int(key & 0xFFFF_FFFF)]
            if record.injected >= 0 {
                var flow = job.bucket.injected[Int(record.injected)]
                flow.version = version
                flow.present |= FlowField.version.bit
                encoder.append(flow, to: &text)
                if flow.has(.start) { result.firstTime = min(result.firstTime, flow.start) }
                if flow.has(.end) { result.lastTime = max(result.lastTime, flow.end) }
            } else {
                let host = Int(record.host)
                network.fill(&working[host], from: record, version: version)
                encoder.append(working[host], to: &text)
                result.firstTime = min(result.firstTime, record.start)
                result.lastTime = max(result.lastTime, record.end)
            }
        }
        result.records = records.count
        result.textBytes = text.count

        let path = options.outputDirectory + "/" + relativePath(delivery: job.delivery, group: job.group)
        if options.gzip {
            let writer = try GzipWriter(path: path)
            try writer.write(text)
            try writer.finish()
            result.writtenBytes = writer.bytesOut
        } else {
            guard FileManager.default.createFile(atPath: path, contents: Data(text)) else {
                throw FlowLensError(.ioError, "cannot write file", location: path)
            }
            result.writtenBytes = text.count
        }
        return result
    }
}
