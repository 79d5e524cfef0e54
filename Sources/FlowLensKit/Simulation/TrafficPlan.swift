import FlowCore

/// How many connections of each kind to draw in each five-minute slice of the run.
///
/// The run is cut into slices on the 5-minute grid that S3 delivery uses. Each slice is
/// generated independently from its own random stream (``SimulationRandom/init(seed:stream:)``
/// with the slice number), which is what lets slices run in parallel and still give the same
/// bytes. Expected volumes follow each kind's share of the target and its daily rhythm; records
/// per connection are measured once per run by drawing sample connections, so the total lands
/// close to the requested number.
struct TrafficPlan: Sendable {
    static let sliceSeconds: Int64 = 300

    let network: SimulatedNetwork
    let seed: UInt64
    let rangeStart: Int64
    let rangeEnd: Int64
    let aggregation: Int
    let lateFraction: Double
    /// Start of slice 0, `rangeStart` rounded down to the 5-minute grid.
    let origin: Int64
    let sliceCount: Int
    /// Expected connections per unit of (weight × slice coverage), by kind.
    private let connectionsPerWeight: [Double]
    private let noDataPerWindow: Double
    private let skipDataPerWindow: Double
    private let idleHosts: [Int]
    private let busyHosts: [Int]

    init(network: SimulatedNetwork, options: SimulationOptions) {
        self.network = network
        seed = options.seed
        rangeStart = options.start
        rangeEnd = options.start + options.durationSeconds
        aggregation = options.aggregation
        lateFraction = options.lateFraction
        origin = UTCTime.floorDiv(rangeStart, Self.sliceSeconds) * Self.sliceSeconds
        sliceCount = Int((rangeEnd - origin + Self.sliceSeconds - 1) / Self.sliceSeconds)
        idleHosts = network.hosts.filter(\.isIdle).map(\.index)
        busyHosts = network.hosts.filter { !$0.isIdle }.map(\.index)

        let target = Double(options.targetRecords)
        let windows = Double((rangeEnd - rangeStart + Int64(aggregation) - 1) / Int64(aggregation))
        let noData = min(target * TrafficKind.noDataShare, windows * Double(idleHosts.count))
        let skipData = target * TrafficKind.skipDataShare
        noDataPerWindow = noData / windows
        skipDataPerWindow = skipData / windows

        let traffic = max(0, target - noData - skipData)
        let shareTotal = TrafficKind.allCases.reduce(0) { $0 + $1.share }
        let perConnection = Self.recordsPerConnection(network: network, aggregation: options.aggregation, seed: seed)
        var perWeight: [Double] = []
        for kind in TrafficKind.allCases {
            var totalWeight = 0.0
            for slice in 0..<sliceCount {
                totalWeight += Self.weight(kind, slice: slice, origin: origin, range: rangeStart..<rangeEnd)
            }
            let records = traffic * kind.share / shareTotal
            perWeight.append(totalWeight > 0 ? records / perConnection[kind.rawValue] / totalWeight : 0)
        }
        connectionsPerWeight = perWeight
    }

    /// The covered part of a slice.
    func span(of slice: Int) -> Range<Int64> {
        let start = origin + Int64(slice) * Self.sliceSeconds
        return max(start, rangeStart)..<min(start + Self.sliceSeconds, rangeEnd)
    }

    /// Every record of one slice: connections starting in it, and the NODATA and SKIPDATA
    /// records of aggregation windows starting in it, each with its delivery window.
    func generate(slice: Int) -> [SimulatedRecord] {
        let span = span(of: slice)
        guard !span.isEmpty else { return [] }
        var generator = TrafficGenerator(
            network: network, aggregation: aggregation, rangeEnd: rangeEnd,
            random: SimulationRandom(seed: seed, stream: UInt64(slice)))
        let length = Int(span.upperBound - span.lowerBound)
        for kind in TrafficKind.allCases {
            let weight = Self.weight(kind, slice: slice, origin: origin, range: rangeStart..<rangeEnd)
            let count = generator.random.count(mean: connectionsPerWeight[kind.rawValue] * weight)
            for _ in 0..<count {
                generator.emit(kind, at: span.lowerBound + Int64(generator.random.below(length)))
            }
        }
        let step = Int64(aggregation)
        var window = (span.lowerBound + step - 1) / step * step
        while window < span.upperBound {
            emitStatusRecords(window: window, generator: &generator)
            window += step
        }
        var records = generator.emitter.records
        var random = generator.random
        for i in records.indices {
            records[i].delivery = UInt32(deliveryIndex(ofRecordStartingAt: records[i].start))
            if lateFraction > 0 && random.chance(lateFraction) {
                records[i].delivery += random.chance(0.7) ? 1 : 2
            }
        }
        return records
    }

    private func emitStatusRecords(window: Int64, generator: inout TrafficGenerator) {
        let step = Int64(aggregation)
        if !idleHosts.isEmpty {
            let perHost = noDataPerWindow / Double(idleHosts.count)
            for host in idleHosts where perHost >= 1 || generator.random.chance(perHost) {
                let start = window + Int64(generator.random.below(5))
                generator.emitter.emitStatus(
                    .noData, host: host, start: start, end: window + step - 1 - Int64(generator.random.below(5)))
            }
        }
        let skips = generator.random.count(mean: skipDataPerWindow)
        for _ in 0..<skips {
            let host = busyHosts[generator.random.below(busyHosts.count)]
            generator.emitter.emitStatus(.skipData, host: host, start: window, end: window + step - 1)
        }
    }

    /// Delivery window (from 0 at `origin`) of a record: the 5-minute delivery after its
    /// aggregation window closes. Its file is stamped `origin + 300 × (index + 1)`.
    func deliveryIndex(ofRecordStartingAt start: Int64) -> Int {
        let step = Int64(aggregation)
        let captureEnd = UTCTime.floorDiv(start, step) * step + step
        let deliveryEnd = UTCTime.floorDiv(captureEnd + Self.sliceSeconds - 1, Self.sliceSeconds) * Self.sliceSeconds
        return Int((deliveryEnd - origin) / Self.sliceSeconds) - 1
    }

    /// Unix seconds that name the file of a delivery window.
    func deliveryTime(_ index: Int) -> Int64 { origin + Int64(index + 1) * Self.sliceSeconds }

    /// The furthest a slice's records reach past the slice, in delivery windows: the longest
    /// connection, one aggregation window, and two windows of lateness.
    var deliveryHorizon: Int {
        Int(TrafficGenerator.maximumDuration / Self.sliceSeconds) + aggregation / Int(Self.sliceSeconds) + 4
    }

    private static func weight(_ kind: TrafficKind, slice: Int, origin: Int64, range: Range<Int64>) -> Double {
        let start = origin + Int64(slice) * sliceSeconds
        let covered = max(start, range.lowerBound)..<min(start + sliceSeconds, range.upperBound)
        guard !covered.isEmpty else { return 0 }
        let middle = (covered.lowerBound + covered.upperBound) / 2
        let secondOfDay = Int(middle - UTCTime.floorDiv(middle, 86_400) * 86_400)
        return kind.weight(secondOfDay: secondOfDay) * Double(covered.count) / Double(sliceSeconds)
    }

    // Draws sample connections of each kind and counts their records, so volumes account for
    // connections that span aggregation windows and for NAT paths.
    private static func recordsPerConnection(network: SimulatedNetwork, aggregation: Int, seed: UInt64) -> [Double] {
        let samples = 2_000
        return TrafficKind.allCases.map { kind in
            var generator = TrafficGenerator(
                network: network, aggregation: aggregation, rangeEnd: .max,
                random: SimulationRandom(seed: seed, stream: 0xCA11_B000 &+ UInt64(kind.rawValue)))
            for _ in 0..<samples {
                generator.emit(kind, at: 1_000_000_000 + Int64(generator.random.below(86_400)))
            }
            return max(1, Double(generator.emitter.records.count) / Double(samples))
        }
    }
}
