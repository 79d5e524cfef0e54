public import FlowCore
import Foundation

/// Generates a simulated VPC's flow logs as the files S3 delivery would leave in a bucket.
///
/// The run is deterministic: the same ``SimulationOptions`` (seed included) give byte-identical
/// files, whatever the number of cores. Five-minute slices of traffic are generated in parallel
/// from per-slice random streams, merged in slice order into per-file buckets (one file per
/// delivery window and interface group, some records late), and each file is encoded, sorted
/// by time and compressed in parallel as soon as no later slice can add to it.
///
/// ```swift
/// var options = SimulationOptions(outputDirectory: "/tmp/sim")
/// options.records = 100_000
/// let summary = try await FlowLogSimulator(options: options).run()
/// print(summary)
/// ```
public struct FlowLogSimulator: Sendable {
    public let options: SimulationOptions
    public let network: SimulatedNetwork
    /// `fl-0…`, the id in every file name.
    public let flowLogID: String
    let plan: TrafficPlan

    /// Prepares a run.
    ///
    /// - Throws: ``FlowLensError`` (`badArgument`) when the options are invalid.
    public init(options: SimulationOptions) throws {
        try options.validate()
        self.options = options
        network = SimulatedNetwork(seed: options.seed, accountID: options.accountID, region: options.region)
        let hex = String(SimulationRandom.mix(options.seed ^ 0xF10E_1060), radix: 16)
        flowLogID = "fl-0" + String(repeating: "0", count: 16 - hex.count) + hex
        plan = TrafficPlan(network: network, options: options)
    }

    /// The simulated time span.
    public var timeRange: SimulationTimeRange {
        SimulationTimeRange(start: plan.rangeStart, end: plan.rangeEnd, aggregation: options.aggregation)
    }

    /// The output path, relative to the output folder, of the file for one delivery time and
    /// interface group; exposed so tests and tools can predict names.
    public func objectKey(deliveryTime: Int64, group: Int) -> String {
        writer.relativePath(delivery: Int((deliveryTime - plan.origin) / TrafficPlan.sliceSeconds) - 1, group: group)
    }

    private var writer: SimulationFileWriter {
        SimulationFileWriter(network: network, plan: plan, options: options, flowLogID: flowLogID)
    }

    /// Writes every file and `labels.jsonl`.
    ///
    /// - Returns: Counts, sizes and the time range written.
    /// - Throws: ``FlowLensError`` (`ioError`) when a folder or file cannot be written.
    public func run() async throws -> SimulationSummary {
        let clock = ContinuousClock()
        let began = clock.now
        let fileManager = FileManager.default
        try Self.makeFolders(options.outputDirectory)

        let groups = network.deliveryGroups
        let windowCount = plan.sliceCount + plan.deliveryHorizon + 1
        var pending = [SimulationFileBucket](repeating: SimulationFileBucket(), count: windowCount * groups)
        let groupOfHost = network.hosts.map(\.deliveryGroup)

        let labels = inject(into: &pending, windowCount: windowCount)
        let labelText = labels.map { $0.jsonLine + "\n" }.joined()
        let labelPath = options.outputDirectory + "/labels.jsonl"
        guard fileManager.createFile(atPath: labelPath, contents: Data(labelText.utf8)) else {
            throw FlowLensError(.ioError, "cannot write labels", location: labelPath)
        }

        let width = options.concurrency > 0 ? options.concurrency : ProcessInfo.processInfo.activeProcessorCount
        let plan = self.plan
        let writer = self.writer
        var total = SimulationFileResult()
        var files = 0
        var createdFolders = Set<String>()
        var flushed = 0  // delivery windows below this are written

        func flush(through lastWindow: Int) async throws {
            guard lastWindow >= flushed else { return }
            var jobs: [SimulationFileJob] = []
            for window in flushed...min(lastWindow, windowCount - 1) {
                for group in 0..<groups where !pending[window * groups + group].isEmpty {
                    jobs.append(
                        SimulationFileJob(delivery: window, group: group, bucket: pending[window * groups + group]))
                    pending[window * groups + group] = SimulationFileBucket()
                }
            }
            flushed = lastWindow + 1
            for job in jobs {
                let path = writer.relativePath(delivery: job.delivery, group: job.group)
                let folder = options.outputDirectory + "/" + path[..<path.lastIndex(of: "/")!]
                if createdFolders.insert(folder).inserted { try Self.makeFolders(folder) }
            }
            let results = try await ParallelWork.map(jobs, width: width) { try writer.write($0) }
            for result in results {
                files += 1
                total.records += result.records
                total.textBytes += result.textBytes
                total.writtenBytes += result.writtenBytes
                total.firstTime = min(total.firstTime, result.firstTime)
                total.lastTime = max(total.lastTime, result.lastTime)
            }
        }

        // Enough slices per round to keep every core busy, few enough to bound memory.
        let slicesPerRound = max(12, width * 4)
        var slice = 0
        while slice < plan.sliceCount {
            let round = Array(slice..<min(slice + slicesPerRound, plan.sliceCount))
            let generated = try await ParallelWork.map(round, width: width) { plan.generate(slice: $0) }
            for records in generated {
                for record in records {
                    let window = min(Int(record.delivery), windowCount - 1)
                    pending[window * groups + groupOfHost[Int(record.host)]].records.append(record)
                }
            }
            slice = round.last! + 1
            // Later slices only reach delivery windows from their own index on.
            try await flush(through: slice - 1)
        }
        try await flush(through: windowCount - 1)

        let elapsed = clock.now - began
        return SimulationSummary(
            outputDirectory: options.outputDirectory, files: files, records: total.records,
            textBytes: total.textBytes, writtenBytes: total.writtenBytes,
            firstTime: total.records > 0 ? total.firstTime : nil, lastTime: total.records > 0 ? total.lastTime : nil,
            labels: labels.count, flowLogID: flowLogID, gzip: options.gzip,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    // `mkdir -p`, with the system's reason when it fails (Foundation's errors are verbose).
    private static func makeFolders(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue { return }
            throw FlowLensError(.ioError, "cannot create folder", location: path, cause: "a file is in the way")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeFolders(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw FlowLensError(
                .ioError, "cannot create folder", location: path, cause: String(cString: strerror(errno)))
        }
    }

    // Scenario records go into the buckets before any baseline, each to the file its interface
    // and start time choose.
    private func inject(into pending: inout [SimulationFileBucket], windowCount: Int) -> [ScenarioLabel] {
        var labels: [ScenarioLabel] = []
        let groups = network.deliveryGroups
        for (index, injector) in options.scenarios.enumerated() {
            var random = SimulationRandom(seed: options.seed, stream: 0x5CE0_0000_0000 &+ UInt64(index))
            let injection = injector.inject(network: network, range: timeRange, random: &random)
            labels += injection.labels
            for record in injection.records {
                let interface = record[text: .interfaceID]
                let group =
                    network.hostBySymbol[interface.id].map { network.hosts[$0].deliveryGroup }
                    ?? Int(interface.id % UInt32(groups))
                let start = record.has(.start) ? record.start : plan.rangeStart
                let window = min(max(0, plan.deliveryIndex(ofRecordStartingAt: start)), windowCount - 1)
                let slot = window * groups + group
                var placeholder = SimulatedRecord()
                placeholder.start = start
                placeholder.delivery = UInt32(window)
                placeholder.injected = Int32(pending[slot].injected.count)
                pending[slot].injected.append(record)
                pending[slot].records.append(placeholder)
            }
        }
        return labels
    }
}
